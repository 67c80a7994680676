/**
 * The last step for every file, in the editor and the CLI alike: drops the findings that
 * suppression comments silence and reports the suppressions that are stale or malformed.
 */
import { ruleRunsOn, type Finding, type Language, type Rule, type Severity, type TextEdit } from '../rules/types';
import { levelOf, type LensConfig } from './config';
import { LineIndex } from '../text';
import { applySuppressions, type Suppression } from './suppressions';

export interface PolicyFile {
  uri: string;
  text: string;
  language: Language;
  lines?: LineIndex;
}

export interface PolicyOptions {
  /** The rules that ran on this file, with their configured severity (used to tell a stale suppression from one of a rule that is off). */
  ranRules: readonly Rule[];
  /** Every rule id that exists. */
  knownRuleIds: ReadonlySet<string>;
  /** Severity of `unused-suppression`, or undefined when it is off. */
  unusedSeverity: Severity | undefined;
  /** Severity of `invalid-suppression`, or undefined when it is off. */
  invalidSeverity: Severity | undefined;
}

/** Applies the file's suppression comments to its findings and adds the findings about the comments. */
export function applyPolicy(findings: readonly Finding[], file: PolicyFile, options: PolicyOptions): { findings: Finding[]; suppressed: number } {
  if (!file.text.includes('prisma-lens-ignore')) return { findings: mergeGroups(findings, file), suppressed: 0 };
  const lines = file.lines ?? new LineIndex(file.text);
  const outcome = applySuppressions(findings, file.text, file.language, lines);
  const result = mergeGroups(outcome.kept, file, lines);
  const ran = new Set(options.ranRules.map((rule) => rule.id));
  if (options.invalidSeverity) {
    for (const problem of outcome.invalid) {
      result.push({ uri: file.uri, span: problem.span, message: problem.message, help: problem.help, ruleId: 'invalid-suppression', severity: options.invalidSeverity });
    }
  }
  for (const { suppression, rule, span } of outcome.unused) {
    if (!options.knownRuleIds.has(rule) && rule !== 'all') {
      if (options.invalidSeverity) {
        result.push({
          uri: file.uri,
          span,
          message: `This suppression silences nothing: "${rule}" is not a Prisma Lens rule.`,
          help: 'Check the spelling; the rule id is shown with each finding and in the rule documentation.',
          ruleId: 'invalid-suppression',
          severity: options.invalidSeverity,
        });
      }
      continue;
    }
    // A suppression of a rule that did not run here (turned off, or for another kind of file) is not known to be stale.
    if (!options.unusedSeverity || (rule !== 'all' && !ran.has(rule))) continue;
    result.push({
      uri: file.uri,
      span,
      message: `This suppression is stale: "${rule}" reports nothing ${suppression.scope === 'file' ? 'in this file' : 'on the line this comment covers'}.`,
      help: 'Remove it, so it does not hide a different finding later.',
      ruleId: 'unused-suppression',
      severity: options.unusedSeverity,
      fixes: [{ title: `Remove the stale suppression of ${rule}`, applicability: 'safe', edits: [removeRuleEdit(file, lines, suppression, rule)] }],
    });
  }
  result.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { findings: result, suppressed: outcome.suppressed.length };
}

/**
 * Reports each group of findings (`Finding.group`) once, at its first finding left after the
 * suppressions, with the others as related places; findings without a group pass unchanged.
 */
export function mergeGroups(findings: readonly Finding[], file: PolicyFile, lines?: LineIndex): Finding[] {
  if (!findings.some((finding) => finding.group)) return [...findings];
  const byKey = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (!finding.group) continue;
    const key = `${finding.ruleId}\u0000${finding.group.key}`;
    const members = byKey.get(key);
    if (members) members.push(finding);
    else byKey.set(key, [finding]);
  }
  const index = lines ?? file.lines ?? new LineIndex(file.text);
  const result: Finding[] = [];
  for (const finding of findings) {
    const members = finding.group ? byKey.get(`${finding.ruleId}\u0000${finding.group.key}`)! : undefined;
    if (!members || members.length === 1) {
      result.push(withoutGroup(finding));
      continue;
    }
    const first = members.reduce((best, member) => (member.span.start < best.span.start ? member : best));
    if (finding !== first) continue;
    const others = members.filter((member) => member !== first);
    const { one, many } = first.group!;
    const ending = (others.length === 1 ? one : many).replace('{n}', String(others.length));
    const places = others.map((other) => {
      const start = index.positionAt(other.span.start);
      const end = index.positionAt(other.span.end);
      return { uri: other.uri, line: start.line, character: start.character, endCharacter: end.line === start.line ? end.character : start.character, message: other.message, sameProblem: true };
    });
    result.push({ ...withoutGroup(first), message: `${first.message.replace(/\.$/, '')}; ${ending}.`, related: [...(first.related ?? []), ...places] });
  }
  return result;
}

function withoutGroup(finding: Finding): Finding {
  if (!finding.group) return finding;
  const { group: _group, ...rest } = finding;
  return rest;
}

/**
 * `applyPolicy` under a configuration: the rules that ran on this kind of file, and the levels of the
 * suppression rules as `levelRules` are configured (absent or off: not reported). The editor and
 * the CLI both finish each file with it.
 */
export function applyConfiguredPolicy(
  findings: readonly Finding[],
  file: PolicyFile,
  ran: { rules: readonly Rule[]; config: LensConfig },
  levelRules: readonly Rule[],
  knownRuleIds: ReadonlySet<string>,
): Finding[] {
  const level = (id: string): Severity | undefined => {
    const rule = levelRules.find((candidate) => candidate.id === id);
    const value = rule ? levelOf(rule, ran.config) : 'off';
    return value === 'off' ? undefined : value;
  };
  return applyPolicy(findings, file, {
    ranRules: ran.rules.filter((rule) => ruleRunsOn(rule, file.language)),
    knownRuleIds,
    unusedSeverity: level('unused-suppression'),
    invalidSeverity: level('invalid-suppression'),
  }).findings;
}

/** Removes one rule from a suppression, or the whole comment (with its line when it stands alone) when it is the only rule. */
function removeRuleEdit(file: PolicyFile, lines: LineIndex, suppression: Suppression, rule: string): TextEdit {
  const index = suppression.rules.indexOf(rule);
  if (suppression.rules.length > 1) {
    const span = suppression.ruleSpans[index]!;
    // Remove the id with the separator that joins it to its neighbour.
    const after = /^\s*,\s*/.exec(file.text.slice(span.end));
    if (after) return { uri: file.uri, start: span.start, end: span.end + after[0].length, text: '' };
    const before = /\s*,\s*$/.exec(file.text.slice(0, span.start));
    return { uri: file.uri, start: span.start - (before ? before[0].length : 0), end: span.end, text: '' };
  }
  const line = lines.positionAt(suppression.span.start).line;
  const lineStart = lines.offsetAt({ line, character: 0 });
  if (file.text.slice(lineStart, suppression.span.start).trim() === '') {
    const nextLine = lines.offsetAt({ line: line + 1, character: 0 });
    return { uri: file.uri, start: lineStart, end: line + 1 < lines.lineCount ? nextLine : suppression.span.end, text: '' };
  }
  const trailing = /[ \t]*$/.exec(file.text.slice(lineStart, suppression.span.start))![0].length;
  return { uri: file.uri, start: suppression.span.start - trailing, end: suppression.span.end, text: '' };
}
