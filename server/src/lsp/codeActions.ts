/** Code actions: each diagnostic's fixes (from its data, or found again for schema findings), rule docs, and fix-all for the file. */
import { CodeAction, CodeActionKind, type CodeActionParams, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { safeFixEdits } from '../analysis/analyze';
import type { SchemaWorkspace } from '../workspace/documents';
import { codeActionsFor, findingOf, fixAllAction, serializeFixes, toTextEdit } from './convert';
import { isSchemaUri } from './diagnostics';
import { DIAGNOSTIC_SOURCE, FIX_ALL_COMMAND, FIX_ALL_KIND, ruleIdOf, type DiagnosticData, type SerializedFix } from './protocol';
import { ignoreLineEdit } from '../analysis/policy/suppressions';
import { ruleById } from '../analysis/rules/index';
import { isMigrationRule, isSuppressionRule, ruleRunsOn, type Language, type Rule } from '../analysis/rules/types';

export function registerCodeActions(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  workspace: SchemaWorkspace,
  log: (message: string) => void,
): void {
  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const only = params.context.only;
    const wantsFixAll = only?.some((kind) => FIX_ALL_KIND.startsWith(kind) && kind !== CodeActionKind.Empty) ?? false;
    const wantsQuickFixes = !only || only.includes(CodeActionKind.QuickFix);
    const actions = wantsQuickFixes ? codeActionsFor(params.context.diagnostics, await schemaFixesOf(params, workspace)) : [];
    if (wantsQuickFixes) actions.push(...ignoreActions(params, documents));
    if (wantsFixAll || (!only && actions.length > 0)) {
      const fixAll = await fixAllEdits(params.textDocument.uri, documents, workspace);
      if (fixAll && fixAll.edits.length > 0) actions.push(fixAllAction(params.textDocument.uri, fixAll.version, fixAll.edits));
    }
    return actions;
  });

  connection.onExecuteCommand(async (params) => {
    if (params.command !== FIX_ALL_COMMAND) return;
    const uri = String(params.arguments?.[0] ?? '');
    const fixAll = await fixAllEdits(uri, documents, workspace);
    if (!fixAll || fixAll.edits.length === 0) {
      void connection.window.showInformationMessage('Prisma Lens: nothing to fix safely in this file.');
      return;
    }
    const result = await connection.workspace.applyEdit({
      label: 'Fix all safe Prisma Lens problems',
      edit: { documentChanges: [{ textDocument: { uri, version: fixAll.version }, edits: fixAll.edits }] },
    });
    if (!result.applied) log(`fix all in ${uri} was not applied: ${result.failureReason ?? 'the document changed'}`);
  });
}

/**
 * Schema diagnostics carry no fixes (`toLeanDiagnostic`): their fixes are those of the same finding
 * in the current analysis. A diagnostic that no finding matches any more (the text changed since
 * it was reported) gets no fix rather than a stale edit.
 */
async function schemaFixesOf(params: CodeActionParams, workspace: SchemaWorkspace): Promise<((diagnostic: Diagnostic) => SerializedFix[]) | undefined> {
  const uri = params.textDocument.uri;
  if (!isSchemaUri(uri) || !params.context.diagnostics.some((diagnostic) => diagnostic.source === DIAGNOSTIC_SOURCE)) return undefined;
  const analysed = await workspace.analyse(uri);
  const lines = analysed?.lineIndexes.get(uri);
  if (!analysed || !lines) return undefined;
  const lineIndexFor = (other: string) => analysed.lineIndexes.get(other);
  return (diagnostic) => {
    const finding = findingOf(diagnostic, analysed.analysis.findings, uri, lines);
    return finding ? serializeFixes(finding, lineIndexFor) : [];
  };
}

/**
 * "Ignore <rule> for this line" on every diagnostic of a rule that runs on this kind of file (so
 * the comment it writes is the one that rule's findings honour), never on the suppression rules.
 */
function ignoreActions(params: CodeActionParams, documents: TextDocuments<TextDocument>): CodeAction[] {
  const document = documents.get(params.textDocument.uri);
  if (!document) return [];
  const language = languageOf(params.textDocument.uri);
  const text = document.getText();
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const diagnostic of params.context.diagnostics) {
    const ruleId = ruleIdOf(diagnostic);
    const rule = ruleId ? ruleById(ruleId) : undefined;
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || !rule || isSuppressionRule(rule) || !runsOn(rule, language)) continue;
    // A comment in an applied migration changes its checksum, and Prisma Migrate then refuses the history.
    if ((diagnostic.data as DiagnosticData | undefined)?.applied) continue;
    const key = `${rule.id}:${diagnostic.range.start.line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = ignoreLineEdit(text, document.offsetAt(diagnostic.range.start), rule.id, language);
    const position = document.positionAt(edit.start);
    const action = CodeAction.create(`Ignore ${rule.id} for this line`, { changes: { [params.textDocument.uri]: [{ range: { start: position, end: position }, newText: edit.text }] } }, CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    actions.push(action);
  }
  return actions;
}

function languageOf(uri: string): Language {
  return isSchemaUri(uri) ? 'prisma' : /\.sql$/i.test(uri) ? 'sql' : 'typescript';
}

/** Schema files also show the migration rules' findings about pending changes, which honour the comments too. */
function runsOn(rule: Rule, language: Language): boolean {
  return ruleRunsOn(rule, language) || (language === 'prisma' && isMigrationRule(rule));
}

async function fixAllEdits(uri: string, documents: TextDocuments<TextDocument>, workspace: SchemaWorkspace) {
  if (!isSchemaUri(uri)) return undefined;
  const document = documents.get(uri);
  const analysed = await workspace.analyse(uri);
  const lines = analysed?.lineIndexes.get(uri);
  if (!analysed || !lines) return undefined;
  const edits = safeFixEdits(analysed.analysis.findings, uri).map((edit) => toTextEdit(edit, lines));
  return { version: document?.version ?? null, edits };
}
