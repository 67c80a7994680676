/** The human report: one `file:line:column` line per finding (terminals and editors make it a link), its help, a summary. */
import type { Severity } from '../analysis/rules/types';
import type { Report } from './report';

export interface TextOptions {
  color: boolean;
}

const SEVERITY_COLORS: Record<Severity, string> = { error: '31', warning: '33', info: '36', hint: '36' };

export function formatText(report: Report, options: TextOptions): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const finding of report.findings) {
    const location = paint('1', `${finding.file}:${finding.line}:${finding.column}`);
    const severity = paint(SEVERITY_COLORS[finding.severity], finding.severity);
    lines.push(`${location}  ${severity}  ${finding.message}  ${paint('2', `[${finding.rule}]`)}`);
    // The other places of the same problem, then the steps that lead to it (the calls down to the query).
    for (const place of finding.related ?? []) {
      lines.push(`    ${paint('2', place.sameProblem ? 'also:' : 'via:')} ${place.file}:${place.line}:${place.column}  ${place.message}`);
    }
    if (finding.help) lines.push(`    ${paint('2', 'help:')} ${finding.help}`);
  }
  if (lines.length > 0) lines.push('');
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

/**
 * `5 problems (0 errors, 5 warnings) in 1 schema and 12 code files`; infos and hints are counted
 * only when present, code files and migration files only when some were analysed, schemas unless
 * only migration files were.
 */
export function summary(report: Report): string {
  const codeFiles = report.codeFileCount ?? 0;
  const migrationFiles = report.migrationFileCount ?? 0;
  const checked: string[] = [];
  if (report.schemaCount > 0 || migrationFiles === 0) checked.push(plural(report.schemaCount, 'schema'));
  if (codeFiles > 0) checked.push(plural(codeFiles, 'code file'));
  if (migrationFiles > 0) checked.push(plural(migrationFiles, 'migration file'));
  const scope = checked.length > 1 ? `${checked.slice(0, -1).join(', ')} and ${checked[checked.length - 1]}` : checked[0]!;
  if (report.findings.length === 0) return report.schemaCount === 0 && codeFiles === 0 && migrationFiles === 0 ? 'No Prisma schema found.' : `No problems in ${scope}.`;
  const count = (severity: Severity): number => report.findings.filter((finding) => finding.severity === severity).length;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning')];
  if (count('info') > 0) parts.push(plural(count('info'), 'info'));
  if (count('hint') > 0) parts.push(plural(count('hint'), 'hint'));
  return `${plural(report.findings.length, 'problem')} (${parts.join(', ')}) in ${scope}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
