/**
 * The migration commands: "Preview Next Migration" (a read-only SQL document with the findings as
 * comments) and "Create Safe Migration for …" (expand/contract migration folders for a new required
 * field), plus the code action that offers the latter on the field's diagnostic.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CREATE_SAFE_MIGRATION_REQUEST, PREVIEW_NEXT_MIGRATION_REQUEST, SAFE_MIGRATION_CANDIDATES_REQUEST, type SafeMigrationCandidate } from '../../shared/protocol';


const PREVIEW_COMMAND = 'prismaLens.previewNextMigration';
const CREATE_SAFE_MIGRATION_COMMAND = 'prismaLens.createSafeMigration';
const PREVIEW_SCHEME = 'prisma-lens-migration';

export function registerMigrationCommands(context: vscode.ExtensionContext, client: LanguageClient): void {
  const previews = new PreviewDocuments();
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.commands.registerCommand(PREVIEW_COMMAND, async (uri?: vscode.Uri) => {
      const schema = uri ?? activeSchemaUri();
      if (!schema) return void vscode.window.showInformationMessage('Prisma Lens: open a .prisma file to preview its next migration.');
      const { text } = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Prisma Lens: computing the next migration' },
        () => client.sendRequest<{ text: string }>(PREVIEW_NEXT_MIGRATION_REQUEST, { uri: schema.toString() }),
      );
      const preview = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${baseName(schema)} next migration.sql`, query: schema.toString() });
      previews.set(preview, text);
      const document = await vscode.workspace.openTextDocument(preview);
      await vscode.languages.setTextDocumentLanguage(document, 'sql');
      await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    vscode.commands.registerCommand(CREATE_SAFE_MIGRATION_COMMAND, async (uri?: vscode.Uri | string, model?: string, field?: string) => {
      const schema = typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? activeSchemaUri());
      if (!schema) return void vscode.window.showInformationMessage('Prisma Lens: open a .prisma file first.');
      let target = model && field ? { model, field } : undefined;
      if (!target) {
        const { fields, problem } = await client.sendRequest<{ fields: SafeMigrationCandidate[]; problem?: string }>(SAFE_MIGRATION_CANDIDATES_REQUEST, { uri: schema.toString() });
        if (fields.length === 0) return void vscode.window.showInformationMessage(`Prisma Lens: ${problem ?? 'the next migration adds no required field to a table with rows.'}`);
        const picked = await vscode.window.showQuickPick(
          fields.map((candidate) => ({ label: `Create Safe Migration for ${candidate.model}.${candidate.field}`, candidate })),
          { placeHolder: 'New required field' },
        );
        if (!picked) return;
        target = picked.candidate;
      }
      const answer = await client.sendRequest<{ folders?: string[]; error?: string }>(CREATE_SAFE_MIGRATION_REQUEST, { uri: schema.toString(), ...target });
      if (answer.error || !answer.folders) return void vscode.window.showErrorMessage(`Prisma Lens: ${answer.error ?? 'no migration was written'}`);
      const backfill = answer.folders.find((folder) => /_backfill_/.test(folder));
      if (backfill) await vscode.window.showTextDocument(vscode.Uri.file(`${backfill}/migration.sql`));
      void vscode.window.showInformationMessage(`Prisma Lens: wrote ${answer.folders.length} migrations for ${target.model}.${target.field}; fill in the backfill's TODO before deploying.`);
    }),
    vscode.languages.registerCodeActionsProvider({ language: 'prisma' }, new SafeMigrationActions(), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

/** Offers "Create Safe Migration for Model.field" on the diagnostic of a new required field. */
class SafeMigrationActions implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== 'prisma-lens' || codeOf(diagnostic) !== 'adding-required-field') continue;
      const field = document.getText(diagnostic.range);
      const model = enclosingModel(document, diagnostic.range.start.line);
      if (!model || !/^\w+$/.test(field)) continue;
      const action = new vscode.CodeAction(`Create Safe Migration for ${model}.${field}`, vscode.CodeActionKind.QuickFix);
      action.command = { title: action.title, command: CREATE_SAFE_MIGRATION_COMMAND, arguments: [document.uri.toString(), model, field] };
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
    return actions;
  }
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function enclosingModel(document: vscode.TextDocument, line: number): string | undefined {
  for (let index = line; index >= 0; index--) {
    const match = /^\s*model\s+(\w+)/.exec(document.lineAt(index).text);
    if (match) return match[1];
  }
  return undefined;
}

class PreviewDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }
}

function activeSchemaUri(): vscode.Uri | undefined {
  const document = vscode.window.activeTextEditor?.document;
  return document && (document.languageId === 'prisma' || document.uri.path.endsWith('.prisma')) ? document.uri : undefined;
}

function baseName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() ?? 'schema.prisma';
}
