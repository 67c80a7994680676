/** The only place that builds LSP types from analysis results. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeAction,
  CodeActionKind,
  Diagnostic,
  DiagnosticSeverity,
  TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { Finding, Fix, Severity, TextEdit as AnalysisEdit } from '../analysis/rules/types';
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
  const known = leanDiagnostics.get(finding);
  if (known) {
    if (known.linesId === lines.id) return known.diagnostic;
    // A finding kept from the last analysis, before the edit: its diagnostic is the same object, which compares fast.
    if (lines.derivedFrom?.id === known.linesId && finding.span.end <= lines.derivedFrom.samePositionsUpTo) {
      known.linesId = lines.id;
      return known.diagnostic;
    }
  }
  const diagnostic = movedDiagnostic(finding, lines) ?? diagnosticWith(finding, lines, []);
  leanDiagnostics.set(finding, { diagnostic, linesId: lines.id });
  if (lastByMessage.size >= MAX_LAST_BY_MESSAGE) lastByMessage.clear();
  lastByMessage.set(finding.message, { diagnostic, start: finding.span.start, end: finding.span.end, linesId: lines.id });
  return diagnostic;
}

/** The lean diagnostic last made of a finding, with the line index it was made with. */
const leanDiagnostics = new WeakMap<Finding, { diagnostic: Diagnostic; linesId: number }>();

/**
 * The last diagnostic made for each message text, where it was and with which line index. A finding
 * moved by an edit (a new object with the same message) finds its diagnostic there.
 */
const lastByMessage = new Map<string, { diagnostic: Diagnostic; start: number; end: number; linesId: number }>();
const MAX_LAST_BY_MESSAGE = 50_000;

/**
 * The diagnostic of a finding that an edit above it moved, from the one made before the edit: the
 * same lines further down (the same object when the edit added no line), or undefined.
 */
function movedDiagnostic(finding: Finding, lines: LineIndex): Diagnostic | undefined {
  const derivation = lines.derivedFrom;
  const earlier = derivation && lastByMessage.get(finding.message);
  if (!earlier || earlier.linesId !== derivation.id || earlier.start < derivation.shiftedFrom) return undefined;
  if (earlier.start + derivation.delta !== finding.span.start || earlier.end + derivation.delta !== finding.span.end) return undefined;
  const before = earlier.diagnostic;
  if (before.code !== finding.ruleId || before.severity !== SEVERITIES[finding.severity] || before.message !== diagnosticMessage(finding) || before.data !== undefined) return undefined;
  if (derivation.lineDelta === 0) return before;
  const { start, end } = before.range;
  return { ...before, range: { start: { line: start.line + derivation.lineDelta, character: start.character }, end: { line: end.line + derivation.lineDelta, character: end.character } } };
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
    ...(fixes.length === 0 ? {} : { data: { ruleId: finding.ruleId, fixes } satisfies DiagnosticData }),
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
