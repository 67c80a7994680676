/** The text of "Preview Next Migration": the SQL Prisma Migrate would generate, with each finding as a comment under its line. */
import type { MigrationFinding } from '../migrations/lint';

export interface PreviewInput {
  sql: string;
  sqlFindings: readonly MigrationFinding[];
  /** What the SQL starts from, e.g. "the 12 migrations in prisma/migrations". */
  from: string;
  /** The schema it leads to, e.g. "prisma/schema.prisma (unsaved changes included)". */
  to: string;
  /** A problem to show instead of (or before) the SQL. */
  problem?: string;
}

export function previewMigrationText(input: PreviewInput): string {
  const header = [
    '-- The migration Prisma Migrate would generate next (prisma migrate dev), as Prisma Lens computed it',
    `-- from ${input.from}`,
    `-- to ${input.to}.`,
    '-- Read-only preview: nothing was written and no database was touched.',
  ];
  if (input.problem) return [...header, '--', ...commentLines(`Problem: ${input.problem}`), ''].join('\n');
  if (!input.sql.trim()) return [...header, '--', '-- Nothing is pending: the schema matches the state the migrations build.', ''].join('\n');
  const count = input.sqlFindings.length;
  header.push(count === 0 ? '-- No finding: every statement is safe on a table with rows.' : `-- ${count} finding${count === 1 ? '' : 's'}, as comments under the line concerned.`, '');
  const lines = input.sql.replace(/\s+$/, '').split('\n');
  const lineStarts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    lineStarts.push(offset);
    offset += line.length + 1;
  }
  const findingsByLine = new Map<number, MigrationFinding[]>();
  for (const finding of input.sqlFindings) {
    const line = lineOf(lineStarts, finding.span.start);
    findingsByLine.set(line, [...(findingsByLine.get(line) ?? []), finding]);
  }
  const body: string[] = [];
  lines.forEach((line, index) => {
    body.push(line);
    for (const finding of findingsByLine.get(index) ?? []) {
      const column = finding.span.start - lineStarts[index]!;
      const indent = ' '.repeat(Math.max(0, column));
      body.push(`--${indent.slice(2)}^ ${finding.severity} ${finding.ruleId}: ${finding.message}`);
      for (const help of commentLines(finding.help)) body.push(`${help.replace(/^--/, '--  ')}`);
    }
  });
  return [...header, ...body, ''].join('\n');
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (lineStarts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function commentLines(text: string): string[] {
  return text.split('\n').map((line) => `-- ${line}`.trimEnd());
}
