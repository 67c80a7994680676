/**
 * EXPLAIN entry points in VS Code: the command "Prisma Lens: Explain Query at Cursor" and an
 * "Explain" code lens above each Prisma call (off with `prismaLens.explain.codeLens`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ExplainPanel, EXPLAIN_VIEW_TYPE } from './explain-panel';
import { EXPLAIN_COMMAND, EXPLAINABLE_CALLS_REQUEST, type ExplainableCall, type ExplainResult, type PanelState } from './explain-protocol';

const CODE_LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

export function registerExplain(context: vscode.ExtensionContext, client: LanguageClient): void {
  const lenses = new ExplainCodeLenses(client);
  context.subscriptions.push(
    vscode.commands.registerCommand(EXPLAIN_COMMAND, async (uri?: vscode.Uri | string, position?: { line: number; character: number }): Promise<ExplainResult | undefined> => {
      const editor = vscode.window.activeTextEditor;
      const target = typeof uri === 'string' ? vscode.Uri.parse(uri) : (uri ?? editor?.document.uri);
      const at = position ? new vscode.Position(position.line, position.character) : editor?.selection.active;
      if (!target || !at) {
        void vscode.window.showInformationMessage('Place the cursor on a Prisma call (such as prisma.post.findMany) to explain it.');
        return undefined;
      }
      if (client.needsStart()) await client.start();
      const panel = ExplainPanel.createOrShow(context.extensionUri, client);
      // Run from the palette with SQL selected (any editor, a .sql file or a $queryRaw template): that SQL is explained.
      const selected = !position && editor && !editor.selection.isEmpty && editor.document.uri.toString() === target.toString() ? editor.document.getText(editor.selection) : undefined;
      if (selected !== undefined) return panel.explain(target, editor!.selection.start, `selected SQL in ${path.basename(target.fsPath)}:${editor!.selection.start.line + 1}`, selected);
      return panel.explain(target, at, `${path.basename(target.fsPath)}:${at.line + 1}`);
    }),
    vscode.languages.registerCodeLensProvider(
      CODE_LANGUAGES.map((language) => ({ scheme: 'file', language })),
      lenses,
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('prismaLens.explain.codeLens')) lenses.refresh();
    }),
    vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        ExplainPanel.revive(panel, context.extensionUri, client, (state ?? undefined) as PanelState | undefined);
      },
    }),
    lenses,
  );
}

class ExplainCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly client: LanguageClient) {}

  refresh(): void {
    this.changed.fire();
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!vscode.workspace.getConfiguration('prismaLens.explain', document.uri).get<boolean>('codeLens', true)) return [];
    if (!this.client.isRunning()) return [];
    let calls: ExplainableCall[];
    try {
      calls = await this.client.sendRequest<ExplainableCall[]>(EXPLAINABLE_CALLS_REQUEST, { uri: document.uri.toString() }, token);
    } catch {
      return [];
    }
    return calls.map((call) => {
      const range = new vscode.Range(call.range.start.line, call.range.start.character, call.range.end.line, call.range.end.character);
      return new vscode.CodeLens(range, {
        title: 'Explain',
        tooltip: `Show the SQL of ${call.callee} and its PostgreSQL plan`,
        command: EXPLAIN_COMMAND,
        arguments: [document.uri.toString(), { line: range.start.line, character: range.start.character }],
      });
    });
  }

  dispose(): void {
    this.changed.dispose();
  }
}
