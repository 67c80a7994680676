/**
 * Suppression comments: `// prisma-lens-ignore <rule>[, <rule>…]: <reason>` silences those rules on
 * the next line that holds code, `// prisma-lens-ignore-file <rule>…: <reason>` silences them in the
 * whole file (`--` instead of `//` in SQL). A reason is required, as in Biome: a suppression without
 * one does not apply. Suppressions that silence nothing are reported, as Ruff's RUF100 does.
 */
import type { Finding, Language } from '../rules/types';
import { lineBreakOf, LineIndex, type Span } from '../text';

export interface Suppression {
  scope: 'line' | 'file';
  /** Rule ids as written, in order. */
  rules: string[];
  /** The span of each rule id, parallel to `rules`. */
  ruleSpans: Span[];
  reason: string;
  /** The whole comment, from the comment marker to the end of the line. */
  span: Span;
  /** Zero-based line the suppression covers (line scope only). */
  targetLine: number | undefined;
}

export interface SuppressionProblem {
  span: Span;
  message: string;
  help: string;
}

export interface SuppressionOutcome {
  kept: Finding[];
  suppressed: Finding[];
  /** Rule ids of suppressions that silenced nothing, with their spans. */
  unused: { suppression: Suppression; rule: string; span: Span }[];
  /** Malformed suppressions: no reason, no rule. */
  invalid: SuppressionProblem[];
}

const KEYWORD = /prisma-lens-ignore(-file)?\b/g;

/** The comment syntax of a language: `//` for Prisma and TypeScript, `--` for SQL. */
function commentMarker(language: Language): string {
  return language === 'sql' ? '--' : '//';
}

/**
 * Finds the suppression comments of a file. Only comments that start a line's comment part count
 * (`foo() // prisma-lens-ignore …` included); the keyword inside a string is not a suppression
 * because it must directly follow the comment marker.
 */
export function parseSuppressions(text: string, language: Language, lines = new LineIndex(text)): { suppressions: Suppression[]; invalid: SuppressionProblem[] } {
  const suppressions: Suppression[] = [];
  const invalid: SuppressionProblem[] = [];
  const marker = commentMarker(language);
  if (!text.includes('prisma-lens-ignore')) return { suppressions, invalid };
  KEYWORD.lastIndex = 0;
  for (let match = KEYWORD.exec(text); match; match = KEYWORD.exec(text)) {
    const keywordStart = match.index;
    const lineStart = lines.lineStartOf(keywordStart);
    const before = text.slice(lineStart, keywordStart);
    const commentAt = before.lastIndexOf(marker);
    if (commentAt < 0 || before.slice(commentAt + marker.length).trim() !== '') continue;
    if (documentsTheSyntax(text, lineStart, lineStart + commentAt, language)) continue;
    const line = lines.positionAt(keywordStart).line;
    const lineEnd = lines.lineEnd(line);
    const span = { start: lineStart + commentAt, end: lineEnd };
    const scope = match[1] ? 'file' : 'line';
    const rest = text.slice(keywordStart + match[0].length, lineEnd);
    const restStart = keywordStart + match[0].length;
    const colon = rest.indexOf(':');
    const ruleText = colon < 0 ? rest : rest.slice(0, colon);
    const reason = colon < 0 ? '' : rest.slice(colon + 1).replace(/\*\/\s*\}?\s*$/, '').trim();
    const rules: string[] = [];
    const ruleSpans: Span[] = [];
    for (const id of ruleText.matchAll(/[A-Za-z][\w-]*/g)) {
      rules.push(id[0]);
      ruleSpans.push({ start: restStart + id.index!, end: restStart + id.index! + id[0].length });
    }
    if (rules.length === 0) {
      invalid.push({ span, message: 'This suppression silences nothing: it names no rule.', help: `Write "${marker} prisma-lens-ignore${match[1] ?? ''} <rule-id>: <reason>".` });
      continue;
    }
    if (reason === '') {
      invalid.push({
        span,
        message: `This suppression of ${rules.map((rule) => `"${rule}"`).join(', ')} does not apply: it gives no reason.`,
        help: 'Add the reason after a colon ("…: <reason>"), so the next reader knows why the finding is accepted.',
      });
      continue;
    }
    const targetLine = scope === 'line' ? nextCodeLine(text, lines, line, marker) : undefined;
    suppressions.push({ scope, rules, ruleSpans, reason, span, targetLine });
  }
  return { suppressions, invalid };
}

/**
 * The comment marker stands in text that documents the syntax rather than starts a comment: inside a
 * string or template literal on its line (an odd number of quotes before it), or inside a block
 * comment opened on an earlier line or as a doc comment (a JSDoc example, \` // prisma-lens-ignore … \`).
 * A block comment opened on the same line just around the marker (\`{/* // prisma-lens-ignore … *\/}\` in JSX)
 * still counts.
 */
function documentsTheSyntax(text: string, lineStart: number, markerAt: number, language: Language): boolean {
  const before = text.slice(lineStart, markerAt);
  const quotes = language === 'sql' ? ["'"] : ["'", '"', '`'];
  const unescaped = before.replace(/\\./g, '');
  if (quotes.some((quote) => unescaped.split(quote).length % 2 === 0)) return true;
  const opened = text.lastIndexOf('/*', markerAt);
  if (opened < 0 || text.lastIndexOf('*/', markerAt) > opened) return false;
  const openerIsOwnLine = opened >= lineStart && text.slice(opened + 2, markerAt).trim() === '';
  return !openerIsOwnLine;
}

/**
 * The line a line-level suppression covers: its own line when code precedes the comment,
 * otherwise the next line that is neither blank nor only a comment (so several suppressions can be
 * stacked above one line).
 */
function nextCodeLine(text: string, lines: LineIndex, line: number, marker: string): number {
  const lineStart = lines.offsetAt({ line, character: 0 });
  const own = text.slice(lineStart, lines.lineEnd(line));
  if (own.slice(0, own.indexOf('prisma-lens-ignore')).replace(marker, '').trim() !== '') return line;
  for (let next = line + 1; next < lines.lineCount; next++) {
    const content = text.slice(lines.offsetAt({ line: next, character: 0 }), lines.lineEnd(next)).trim();
    if (content === '' || content.startsWith(marker)) continue;
    return next;
  }
  return line + 1;
}

/**
 * Splits the findings of one file into kept and suppressed, and reports the suppressions that
 * silenced nothing. A finding is covered by a line suppression when its first line is the
 * suppression's target line.
 */
export function applySuppressions(findings: readonly Finding[], text: string, language: Language, lines = new LineIndex(text)): SuppressionOutcome {
  const { suppressions, invalid } = parseSuppressions(text, language, lines);
  if (suppressions.length === 0) return { kept: [...findings], suppressed: [], unused: [], invalid };
  const used = suppressions.map((suppression) => suppression.rules.map(() => false));
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const finding of findings) {
    const line = lines.positionAt(finding.span.start).line;
    let silenced = false;
    suppressions.forEach((suppression, index) => {
      if (suppression.scope === 'line' && suppression.targetLine !== line) return;
      suppression.rules.forEach((rule, ruleIndex) => {
        if (rule === finding.ruleId || rule === 'all') {
          used[index]![ruleIndex] = true;
          silenced = true;
        }
      });
    });
    (silenced ? suppressed : kept).push(finding);
  }
  const unused: SuppressionOutcome['unused'] = [];
  suppressions.forEach((suppression, index) => {
    suppression.rules.forEach((rule, ruleIndex) => {
      if (!used[index]![ruleIndex]) unused.push({ suppression, rule, span: suppression.ruleSpans[ruleIndex]! });
    });
  });
  return { kept, suppressed, unused, invalid };
}

/** The text that suppresses `ruleId` on the line of `offset`, indented like that line: the "Ignore for this line" edit. */
export function ignoreLineEdit(text: string, offset: number, ruleId: string, language: Language, lines = new LineIndex(text)): { start: number; end: number; text: string } {
  const lineStart = lines.lineStartOf(offset);
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const eol = lineBreakOf(text);
  return { start: lineStart, end: lineStart, text: `${indent}${commentMarker(language)} prisma-lens-ignore ${ruleId}: <reason>${eol}` };
}
