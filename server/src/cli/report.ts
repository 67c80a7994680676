/** The CLI's findings in file terms (relative paths, 1-based lines and columns), shared by every output format. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Finding, Severity } from '../analysis/rules/types';
import type { SchemaFile } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';

export interface ReportedFinding {
  rule: string;
  severity: Severity;
  /** Relative to the report's base folder, with forward slashes. */
  file: string;
  absolutePath: string;
  /** 1-based; columns count UTF-16 code units, and the end is exclusive (ESLint's convention). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  help: string;
  /** The text of the finding's first line, which fingerprints it across line shifts. */
  lineText: string;
  /**
   * Other places: steps that explain it (the calls down to the query of an N+1 through other files),
   * or, with `sameProblem`, more places of the same problem (the other queries of one loop); 1-based.
   */
  related?: { file: string; absolutePath: string; line: number; column: number; endColumn: number; message: string; sameProblem?: boolean }[];
}

export interface Report {
  /** Sorted by file, line, column. */
  findings: ReportedFinding[];
  schemaCount: number;
  /** TypeScript/JavaScript files analysed (absent: none were looked for). */
  codeFileCount?: number;
  /** Migration scripts linted (absent: none). */
  migrationFileCount?: number;
  /** The folder `file` paths are relative to. */
  base: string;
}

/** Converts one schema's findings, given the files they point into. */
export function reportFindings(findings: readonly Finding[], files: readonly SchemaFile[], base: string): ReportedFinding[] {
  const texts = new Map(files.map((file) => [file.uri, file.text]));
  const indexes = new Map<string, LineIndex>();
  return findings.map((finding) => {
    const text = texts.get(finding.uri) ?? '';
    let lines = indexes.get(finding.uri);
    if (!lines) indexes.set(finding.uri, (lines = new LineIndex(text)));
    const start = lines.positionAt(finding.span.start);
    const end = lines.positionAt(finding.span.end);
    const absolutePath = finding.uri.startsWith('file:') ? fileURLToPath(finding.uri) : finding.uri;
    return {
      rule: finding.ruleId,
      severity: finding.severity,
      file: displayPath(absolutePath, base),
      absolutePath,
      line: start.line + 1,
      column: start.character + 1,
      endLine: end.line + 1,
      endColumn: end.character + 1,
      message: finding.message,
      help: finding.help,
      lineText: text.slice(lines.offsetAt({ line: start.line, character: 0 }), lines.lineEnd(start.line)),
      ...(finding.related
        ? {
            related: finding.related.map((place) => {
              const placePath = place.uri.startsWith('file:') ? fileURLToPath(place.uri) : place.uri;
              return {
                file: displayPath(placePath, base),
                absolutePath: placePath,
                line: place.line + 1,
                column: place.character + 1,
                endColumn: place.endCharacter + 1,
                message: place.message,
                ...(place.sameProblem ? { sameProblem: true } : {}),
              };
            }),
          }
        : {}),
    };
  });
}

export function sortFindings(findings: ReportedFinding[]): ReportedFinding[] {
  return findings.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compare(a.rule, b.rule) ||
      compare(a.message, b.message),
  );
}

/** `file` relative to `base` with forward slashes; absolute when no relative path exists (another drive). */
export function displayPath(file: string, base: string): string {
  const relative = path.relative(base, file);
  const shown = relative === '' || path.isAbsolute(relative) ? file : relative;
  return shown.split(path.sep).join('/');
}

/**
 * The deepest folder holding every given folder: with one folder, the folder itself. Reports
 * for several paths are relative to it, so two packages' `prisma/schema.prisma` stay distinct.
 */
export function commonFolder(folders: readonly string[]): string {
  if (folders.length === 0) return process.cwd();
  let common = path.resolve(folders[0]!);
  for (const folder of folders.slice(1)) {
    const resolved = path.resolve(folder);
    while (!isWithin(resolved, common)) {
      const parent = path.dirname(common);
      if (parent === common) return common;
      common = parent;
    }
  }
  return common;
}

function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
