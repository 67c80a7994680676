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
import { DIAGNOSTIC_SOURCE, FIX_ALL_KIND, SHOW_RULE_DOCS_COMMAND, type DiagnosticData, type SerializedFix } from './protocol';

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

export function toDiagnostic(finding: Finding, lines: LineIndex, lineIndexFor: LineIndexFor): Diagnostic {
  const data: DiagnosticData = {
    ruleId: finding.ruleId,
    fixes: (finding.fixes ?? []).flatMap((fix) => serializeFix(fix, lineIndexFor)),
  };
  return {
    range: { start: lines.positionAt(finding.span.start), end: lines.positionAt(finding.span.end) },
    severity: SEVERITIES[finding.severity],
    source: DIAGNOSTIC_SOURCE,
    code: finding.ruleId,
    codeDescription: { href: ruleDocsUri(finding.ruleId) },
    message: `${finding.message}\n${finding.help}`,
    data,
  };
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

/** Quick fixes and a documentation link for the diagnostics the client sent back. */
export function codeActionsFor(diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  const documented = new Set<string>();
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
    const data = diagnostic.data as DiagnosticData | undefined;
    if (!data) continue;
    for (const fix of data.fixes) {
      const action = CodeAction.create(fix.title, workspaceEditOf(fix.edits), CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = fix.applicability === 'safe';
      actions.push(action);
    }
    if (!documented.has(data.ruleId)) {
      documented.add(data.ruleId);
      actions.push(
        CodeAction.create(
          `Show documentation for ${data.ruleId}`,
          { title: `Show documentation for ${data.ruleId}`, command: SHOW_RULE_DOCS_COMMAND, arguments: [data.ruleId] },
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
