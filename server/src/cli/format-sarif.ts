/**
 * SARIF 2.1.0 for GitHub code scanning: every rule with its documentation, results located
 * relative to `%SRCROOT%` (the folder the CLI runs in, the checkout in CI) and fingerprinted so
 * that an alert survives the lines above it moving.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rule, Severity } from '../analysis/rules/types';
import { PROJECT_URL, publishedRuleDocsUrl, VERSION } from './links';
import type { Report, ReportedFinding } from './report';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** What a rule reviews, by the language it reads; other languages are tagged by their own name. */
const LANGUAGE_TAGS: Readonly<Record<string, string>> = { prisma: 'schema', typescript: 'queries', sql: 'migrations' };

export interface SarifOptions {
  rules: readonly Rule[];
  /**
   * The folder result paths are relative to. GitHub resolves them against the repository
   * checkout, so the CLI passes its working directory, which is the checkout in CI.
   */
  sourceRoot: string;
}

export function formatSarif(report: Report, options: SarifOptions): string {
  const ruleIndex = new Map(options.rules.map((rule, index) => [rule.id, index]));
  const occurrences = new Map<string, number>();
  const results = report.findings.map((finding) => {
    const index = ruleIndex.get(finding.rule);
    const lineHash = fingerprint(finding, options.sourceRoot);
    // Identical lines in one file (two models with the same field) are told apart by their order.
    const occurrence = (occurrences.get(lineHash) ?? 0) + 1;
    occurrences.set(lineHash, occurrence);
    return {
      ruleId: finding.rule,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: LEVELS[finding.severity],
      message: { text: `${finding.message} ${finding.help}`.trim() },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifactLocation(finding.absolutePath, options.sourceRoot),
            region: {
              startLine: finding.line,
              startColumn: finding.column,
              endLine: finding.endLine,
              endColumn: finding.endColumn,
            },
          },
        },
      ],
      ...(finding.related
        ? {
            relatedLocations: finding.related.map((place, id) => ({
              id,
              physicalLocation: {
                artifactLocation: artifactLocation(place.absolutePath, options.sourceRoot),
                region: { startLine: place.line, startColumn: place.column, endLine: place.line, endColumn: place.endColumn },
              },
              message: { text: place.message },
            })),
          }
        : {}),
      partialFingerprints: { primaryLocationLineHash: `${lineHash}:${occurrence}` },
    };
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Prisma Lens',
            ...(PROJECT_URL ? { informationUri: PROJECT_URL } : {}),
            version: VERSION,
            semanticVersion: VERSION,
            rules: options.rules.map(ruleDescriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: folderUri(options.sourceRoot) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function ruleDescriptor(rule: Rule) {
  // SARIF is read on other machines: link only to published pages, never to a local file.
  const url = publishedRuleDocsUrl(rule.id);
  const docs = rule.docs;
  const firstParagraph = docs.why.split(/\n\s*\n/)[0] ?? docs.why;
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: docs.summary },
    fullDescription: { text: firstParagraph },
    help: {
      text: [docs.summary, docs.why, `Bad:\n${docs.bad}`, `Good:\n${docs.good}`, `Fix safety: ${docs.fixSafety}`, ...(url ? [`Documentation: ${url}`] : [])].join('\n\n'),
      markdown: [
        docs.summary,
        docs.why,
        '#### Bad',
        fence(docs.bad),
        '#### Good',
        fence(docs.good),
        '#### Fix safety',
        docs.fixSafety,
        ...(url ? [`[Documentation](${url})`] : []),
      ].join('\n\n'),
    },
    ...(url ? { helpUri: url } : {}),
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: { tags: ['prisma', ...new Set(rule.appliesTo.map((language) => LANGUAGE_TAGS[language] ?? language))] },
  };
}

function fence(code: string): string {
  const language = /^\s*(model|enum|datasource|generator|view|type)\b/m.test(code) ? 'prisma' : '';
  return `\`\`\`${language}\n${code}\n\`\`\``;
}

/**
 * Rule, file and the finding's line with its whitespace collapsed: stable when lines are
 * inserted above or the model is re-aligned by `prisma format`, new when the line itself changes.
 */
function fingerprint(finding: ReportedFinding, sourceRoot: string): string {
  const file = artifactLocation(finding.absolutePath, sourceRoot).uri;
  const line = finding.lineText.trim().replace(/\s+/g, ' ');
  return createHash('sha256').update(`${finding.rule}\u0000${file}\u0000${line}`).digest('hex').slice(0, 16);
}

/** A relative, percent-encoded URI under `%SRCROOT%`; an absolute file URI for a file outside it. */
function artifactLocation(file: string, sourceRoot: string): { uri: string; uriBaseId?: string } {
  const relative = path.relative(sourceRoot, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) {
    return { uri: pathToFileURL(file).toString() };
  }
  return { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

function folderUri(folder: string): string {
  const uri = pathToFileURL(folder).toString();
  return uri.endsWith('/') ? uri : `${uri}/`;
}
