/** The only place that builds LSP types from analysis results. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  Diagnostic,
  type DiagnosticRelatedInformation,
  DiagnosticSeverity,
  TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, RelatedPlace, Severity, TextEdit as AnalysisEdit } from '../analysis/rules/types';
import { LineIndex } from '../analysis/text';
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, ruleIdOf, SHOW_RULE_DOCS_COMMAND, type DiagnosticData, type SerializedFix } from './protocol';

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where the bundled rule documentation lives: `docs/rules/` next to `dist/`. */
const docsUris = new Map<string, string>();
export function ruleDocsUri(ruleId: string): string {
  let uri = docsUris.get(ruleId);
  if (!uri) {
    uri = pathToFileURL(path.join(__dirname, '..', 'docs', 'rules', `${ruleId}.md`)).toString();
    docsUris.set(ruleId, uri);
  }
  return uri;
}

export type LineIndexFor = (uri: string) => LineIndex | undefined;

/** A finding as a diagnostic that carries its fixes, already in LSP terms, in `data`. */
export function toDiagnostic(finding: Finding, lines: LineIndex, lineIndexFor: LineIndexFor): Diagnostic {
  return diagnosticWith(finding, lines, serializeFixes(finding, lineIndexFor));
}

/**
 * A finding as a diagnostic without its fixes (and without `data`): the code-action handler finds
 * them again in the analysis (`findingOf`). A large schema has hundreds of findings, and a fix per
 * finding adds about a third to every pull response, for fixes that are rarely asked for.
 */
export function toLeanDiagnostic(finding: Finding, lines: LineIndex): Diagnostic {
  const last = lastByMessage.get(finding.message);
  if (last && last.help === finding.help && last.diagnostic.code === finding.ruleId && last.diagnostic.severity === SEVERITIES[finding.severity]) {
    const reused = reusedDiagnostic(last, finding, lines);
    if (reused) return reused;
  }
  const diagnostic = diagnosticWith(finding, lines, []);
  if (last) {
    last.diagnostic = diagnostic;
    last.help = finding.help;
    last.start = finding.span.start;
    last.end = finding.span.end;
    last.linesId = lines.id;
  } else {
    if (lastByMessage.size >= MAX_LAST_BY_MESSAGE) lastByMessage.clear();
    lastByMessage.set(finding.message, { diagnostic, help: finding.help, start: finding.span.start, end: finding.span.end, linesId: lines.id });
  }
  return diagnostic;
}

/**
 * The last lean diagnostic made for each message text (with its finding's help), where it was and
 * with which line index. A finding analysed again (the same object, or a new one that an edit moved)
 * finds its diagnostic there, and the entry follows it: one lookup per finding and no allocation.
 */
const lastByMessage = new Map<string, { diagnostic: Diagnostic; help: string; start: number; end: number; linesId: number }>();
const MAX_LAST_BY_MESSAGE = 50_000;

/**
 * The diagnostic of `finding` from the one made last for its message, if that was the same finding:
 * made with these lines; or with the lines before an edit, before the edit (the same object) or
 * after it (the same lines further down: the same object when the edit added no line).
 */
function reusedDiagnostic(last: { diagnostic: Diagnostic; start: number; end: number; linesId: number }, finding: Finding, lines: LineIndex): Diagnostic | undefined {
  const { start, end } = finding.span;
  if (last.linesId === lines.id) return last.start === start && last.end === end ? last.diagnostic : undefined;
  const derivation = lines.derivedFrom;
  if (!derivation || derivation.id !== last.linesId) return undefined;
  if (last.start === start && last.end === end && end <= derivation.samePositionsUpTo) {
    last.linesId = lines.id;
    return last.diagnostic;
  }
  if (last.start < derivation.shiftedFrom || last.start + derivation.delta !== start || last.end + derivation.delta !== end) return undefined;
  if (derivation.lineDelta !== 0) {
    const range = last.diagnostic.range;
    last.diagnostic = {
      ...last.diagnostic,
      range: { start: { line: range.start.line + derivation.lineDelta, character: range.start.character }, end: { line: range.end.line + derivation.lineDelta, character: range.end.character } },
    };
  }
  last.start = start;
  last.end = end;
  last.linesId = lines.id;
  return last.diagnostic;
}

function diagnosticWith(finding: Finding, lines: LineIndex, fixes: SerializedFix[]): Diagnostic {
  const shared = perRule(finding.ruleId);
  return {
    range: { start: lines.positionAt(finding.span.start), end: lines.positionAt(finding.span.end) },
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: shared.codeDescription,
    message: diagnosticMessage(finding),
    ...(finding.related ? { relatedInformation: finding.related.map(relatedInformation) } : {}),
    ...(fixes.length === 0 ? {} : { data: { ruleId: finding.ruleId, fixes } satisfies DiagnosticData }),
  };
}

/** A step of a call chain in another file (n-plus-one), as the editor links it under the diagnostic. */
function relatedInformation(place: RelatedPlace): DiagnosticRelatedInformation {
  return {
    location: { uri: place.uri, range: { start: { line: place.line, character: place.character }, end: { line: place.line, character: place.endCharacter } } },
    message: place.message,
  };
}

/** What every diagnostic of a rule shares, built once (they are only ever serialized). */
const sharedByRule = new Map<string, { codeDescription: { href: string } }>();
function perRule(ruleId: string): { codeDescription: { href: string } } {
  let shared = sharedByRule.get(ruleId);
  if (!shared) sharedByRule.set(ruleId, (shared = { codeDescription: { href: ruleDocsUri(ruleId) } }));
  return shared;
}

/**
 * The message and help as one text, kept for the message string: findings reused from an earlier
 * analysis (moved or not) keep their strings, so their diagnostics get the very same text, which
 * compares and serializes without being joined again.
 */
const joinedMessages = new Map<string, { help: string; joined: string }>();
const MAX_JOINED_MESSAGES = 20_000;

function diagnosticMessage(finding: Finding): string {
  const known = joinedMessages.get(finding.message);
  if (known?.help === finding.help) return known.joined;
  if (joinedMessages.size >= MAX_JOINED_MESSAGES) joinedMessages.clear();
  const joined = `${finding.message}\n${finding.help}`;
  joinedMessages.set(finding.message, { help: finding.help, joined });
  return joined;
}

/** The finding a diagnostic built by `toLeanDiagnostic` stands for, if `findings` (of the file `lines` indexes) still hold it. */
export function findingOf(diagnostic: Diagnostic, findings: readonly Finding[], uri: string, lines: LineIndex): Finding | undefined {
  const ruleId = ruleIdOf(diagnostic);
  if (!ruleId) return undefined;
  const start = lines.offsetAt(diagnostic.range.start);
  const end = lines.offsetAt(diagnostic.range.end);
  return findings.find(
    (finding) =>
      finding.uri === uri &&
      finding.ruleId === ruleId &&
      finding.span.start === start &&
      finding.span.end === end &&
      diagnosticMessage(finding) === diagnostic.message,
  );
}

/** The fixes of a finding in LSP terms, as `toDiagnostic` puts them in `data`. */
export function serializeFixes(finding: Finding, lineIndexFor: LineIndexFor): SerializedFix[] {
  return (finding.fixes ?? []).flatMap((fix) => serializeFix(fix, lineIndexFor));
}

function serializeFix(fix: Fix, lineIndexFor: LineIndexFor): SerializedFix[] {
  const edits: SerializedFix['edits'] = [];
  for (const edit of fix.edits) {
    const lines = lineIndexFor(edit.uri);
    if (!lines) return [];
    edits.push({ uri: edit.uri, ...toTextEdit(edit, lines) });
  }
  return [{ title: fix.title, applicability: fix.applicability, edits }];
}

export function toTextEdit(edit: AnalysisEdit, lines: LineIndex): TextEdit {
  return TextEdit.replace({ start: lines.positionAt(edit.start), end: lines.positionAt(edit.end) }, edit.text);
}

/**
 * Quick fixes and a documentation link for the diagnostics the client sent back. A diagnostic's
 * fixes come from its `data`, or from `fixesOf` when `data` carries none (`toLeanDiagnostic`).
 */
export function codeActionsFor(diagnostics: readonly Diagnostic[], fixesOf?: (diagnostic: Diagnostic) => SerializedFix[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const documented = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const ruleId = ruleIdOf(diagnostic);
    if (!ruleId) continue;
    const carried = (diagnostic.data as DiagnosticData | undefined)?.fixes;
    const fixes = carried?.length ? carried : (fixesOf?.(diagnostic) ?? []);
    for (const fix of fixes) {
      const action = CodeAction.create(fix.title, workspaceEditOf(fix.edits), CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = fix.applicability === 'safe';
      actions.push(action);
    }
    if (!documented.has(ruleId)) {
      documented.add(ruleId);
      actions.push(
        CodeAction.create(
          `Show documentation for ${ruleId}`,
          { title: `Show documentation for ${ruleId}`, command: SHOW_RULE_DOCS_COMMAND, arguments: [ruleId] },
          CodeActionKind.QuickFix,
        ),
      );
    }
  }
  return actions;
}

export function fixAllAction(uri: string, version: number | null, edits: TextEdit[]): CodeAction {
  return CodeAction.create(
    'Fix all safe Prisma Lens problems',
    { documentChanges: [{ textDocument: { uri, version }, edits }] },
    FIX_ALL_KIND,
  );
}

export function workspaceEditOf(edits: SerializedFix['edits']): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const edit of edits) (changes[edit.uri] ??= []).push({ range: edit.range, newText: edit.newText });
  return { changes };
}
