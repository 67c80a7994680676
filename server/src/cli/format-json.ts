/**
 * The JSON report other tools read. Its first eight keys and their order are a contract:
 * `rule, severity, file, line, column, endLine, endColumn, message`; keys are only ever added after them.
 */
import { ruleDocsUrl } from './links';
import type { Report } from './report';

export function formatJson(report: Report): string {
  const findings = report.findings.map((finding) => ({
    rule: finding.rule,
    severity: finding.severity,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    message: finding.message,
    help: finding.help,
    docs: ruleDocsUrl(finding.rule),
    ...(finding.related
      ? { related: finding.related.map(({ file, line, column, message, sameProblem }) => ({ file, line, column, message, ...(sameProblem ? { sameProblem } : {}) })) }
      : {}),
  }));
  return `${JSON.stringify({ findings }, null, 2)}\n`;
}
