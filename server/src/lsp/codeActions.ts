/** Code actions: the fixes carried in each diagnostic's data, rule docs, and fix-all for the file. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type Connection, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { safeFixEdits } from '../analysis/analyze';
import type { SchemaWorkspace } from '../workspace/documents';
import { codeActionsFor, fixAllAction, toTextEdit } from './convert';
import { isSchemaUri } from './diagnostics';
import { FIX_ALL_COMMAND, FIX_ALL_KIND } from './protocol';

export function registerCodeActions(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  workspace: SchemaWorkspace,
  log: (message: string) => void,
): void {
  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const only = params.context.only;
    const wantsFixAll = only?.some((kind) => FIX_ALL_KIND.startsWith(kind) && kind !== CodeActionKind.Empty) ?? false;
    const actions = only && !only.includes(CodeActionKind.QuickFix) ? [] : codeActionsFor(params.context.diagnostics);
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

async function fixAllEdits(uri: string, documents: TextDocuments<TextDocument>, workspace: SchemaWorkspace) {
  if (!isSchemaUri(uri)) return undefined;
  const document = documents.get(uri);
  const analysed = await workspace.analyse(uri);
  const lines = analysed?.lineIndexes.get(uri);
  if (!analysed || !lines) return undefined;
  const edits = safeFixEdits(analysed.analysis.findings, uri).map((edit) => toTextEdit(edit, lines));
  return { version: document?.version ?? null, edits };
}
