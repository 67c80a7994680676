/**
 * The EXPLAIN panel's host: one webview panel, reused; it asks the language server for the plan of
 * the call it shows, forwards the webview's actions (EXPLAIN ANALYZE, add the index to the schema,
 * "what if") and keeps the state the webview restores when shown again.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import {
  EXPLAIN_REQUEST,
  EXPLAIN_WHAT_IF_REQUEST,
  explainsACall,
  type ExplainParams,
  type ExplainResult,
  type ExplainSettings,
  type HostMessage,
  type PanelState,
  type WebviewMessage,
  type WhatIfParams,
  type WhatIfResult,
} from './explain-protocol';

export const EXPLAIN_VIEW_TYPE = 'prismaLens.explain';

interface Target {
  uri: vscode.Uri;
  position: vscode.Position;
  title: string;
  /** Selected SQL explained instead of the Prisma call at `position`. */
  sql?: string;
}

export class ExplainPanel {
  private static current: ExplainPanel | undefined;
  private state: PanelState = { status: 'loading', title: '', analyzeRequested: false, whatIf: {} };
  private target: Target | undefined;
  private ready = false;
  private generation = 0;
  /** Cancels the request in flight (the panel's Cancel button). */
  private cancellation: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Resolves each time the panel has a result; tests and the command wait on it. */
  private readonly resultEmitter = new vscode.EventEmitter<ExplainResult>();
  readonly onDidShowResult = this.resultEmitter.event;

  static createOrShow(extensionUri: vscode.Uri, client: LanguageClient): ExplainPanel {
    if (ExplainPanel.current) {
      ExplainPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      return ExplainPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(EXPLAIN_VIEW_TYPE, 'EXPLAIN', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, ExplainPanel.options(extensionUri));
    ExplainPanel.current = new ExplainPanel(panel, extensionUri, client);
    return ExplainPanel.current;
  }

  /** Restores a panel VS Code kept across a reload; its webview brings back its own state. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, client: LanguageClient, state: PanelState | undefined): void {
    ExplainPanel.current?.dispose();
    panel.webview.options = ExplainPanel.options(extensionUri);
    const revived = new ExplainPanel(panel, extensionUri, client);
    if (state) {
      revived.state = { ...state, status: 'ready', whatIf: {} };
      if (state.target) revived.target = { uri: vscode.Uri.parse(state.target.uri), position: new vscode.Position(state.target.line, state.target.character), title: state.title };
    }
    ExplainPanel.current = revived;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')], retainContextWhenHidden: false };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
  ) {
    panel.webview.html = this.html();
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((message: WebviewMessage) => void this.onMessage(message), undefined, this.disposables);
    panel.onDidChangeViewState(() => {
      // A webview that was hidden is rebuilt; it asks for the state again with `ready`.
      if (!panel.visible) this.ready = false;
    }, undefined, this.disposables);
  }

  /** Explains the call at `position` in `uri` and shows it. */
  async explain(uri: vscode.Uri, position: vscode.Position, title: string, sql?: string): Promise<ExplainResult | undefined> {
    this.target = { uri, position, title, sql };
    this.state = { status: 'loading', title, target: { uri: uri.toString(), line: position.line, character: position.character }, analyzeRequested: false, whatIf: {} };
    this.post();
    return this.request(false, false);
  }

  dispose(): void {
    if (ExplainPanel.current === this) ExplainPanel.current = undefined;
    this.panel.dispose();
    this.resultEmitter.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private async request(analyze: boolean, writeConfirmed: boolean): Promise<ExplainResult | undefined> {
    const target = this.target;
    if (!target) return undefined;
    const generation = ++this.generation;
    const params: ExplainParams = {
      uri: target.uri.toString(),
      position: { line: target.position.line, character: target.position.character },
      ...(target.sql !== undefined ? { sql: target.sql } : {}),
      analyze,
      writeConfirmed,
      settings: explainSettings(target.uri),
    };
    // The server reports its stages on this token; the panel shows the latest with the time so far.
    const workDoneToken = `prisma-lens-explain-${randomBytes(8).toString('hex')}`;
    const progress = this.client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
      if (generation !== this.generation || this.state.status !== 'loading' || value.kind === 'end' || !value.message) return;
      this.state = { ...this.state, progress: value.message };
      this.post();
    });
    this.cancellation?.cancel();
    const cancellation = new vscode.CancellationTokenSource();
    this.cancellation = cancellation;
    let result: ExplainResult;
    try {
      result = await this.client.sendRequest<ExplainResult>(EXPLAIN_REQUEST, { ...params, workDoneToken }, cancellation.token);
    } catch (error) {
      result = cancellation.token.isCancellationRequested
        ? { error: 'Cancelled: no plan was made.', statements: [], elapsedMs: 0 }
        : { error: `The language server did not answer: ${error instanceof Error ? error.message : String(error)}`, statements: [], elapsedMs: 0 };
    } finally {
      progress.dispose();
      cancellation.dispose();
      if (this.cancellation === cancellation) this.cancellation = undefined;
    }
    // A newer request (another call explained meanwhile) wins.
    if (generation !== this.generation) return result;
    this.state = { ...this.state, status: 'ready', result, analyzeRequested: analyze, whatIf: {}, notice: undefined, progress: undefined };
    this.post();
    this.resultEmitter.fire(result);
    return result;
  }

  private async onMessage(message: WebviewMessage): Promise<void> {
    if (message.type !== 'ready' && !this.target) {
      this.notify('Place the cursor on a Prisma call and run "Prisma Lens: Explain Query at Cursor".');
      return;
    }
    // The error state shows no actions; a message from a webview rendered before the error changes nothing.
    if ((message.type === 'rerun' || message.type === 'analyze' || message.type === 'revealCall') && !explainsACall(this.state)) return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.post();
        return;
      case 'cancel':
        this.cancellation?.cancel();
        return;
      case 'rerun':
        this.state = { ...this.state, status: 'loading' };
        this.post();
        await this.request(this.state.analyzeRequested, false);
        return;
      case 'analyze':
        await this.analyze();
        return;
      case 'addIndex':
        await this.addIndex(message.statementIndex, message.suggestionIndex);
        return;
      case 'whatIf':
        await this.whatIf(message.statementIndex, message.suggestionIndex);
        return;
      case 'revealCall':
        if (this.target) {
          const editor = await vscode.window.showTextDocument(this.target.uri, { viewColumn: vscode.ViewColumn.One });
          editor.selection = new vscode.Selection(this.target.position, this.target.position);
          editor.revealRange(new vscode.Range(this.target.position, this.target.position));
        }
        return;
    }
  }

  private async analyze(): Promise<void> {
    const writes = this.state.result?.statements.some((statement) => statement.isWrite) ?? false;
    let confirmed = false;
    if (writes) {
      const run = 'Run and Roll Back';
      const answer = await vscode.window.showWarningMessage(
        'EXPLAIN ANALYZE runs the statements. This call writes: Prisma Lens runs it inside a transaction and rolls it back, so no row changes, but sequences it advances stay advanced and it holds row locks while it runs.',
        { modal: true },
        run,
      );
      if (answer !== run) return;
      confirmed = true;
    }
    this.state = { ...this.state, status: 'loading' };
    this.post();
    await this.request(true, confirmed);
  }

  private async addIndex(statementIndex: number, suggestionIndex: number): Promise<void> {
    const suggestion = this.state.result?.statements[statementIndex]?.suggestions[suggestionIndex];
    const change = suggestion?.workspaceEdit;
    if (!suggestion || !change) return;
    const uri = vscode.Uri.parse(change.uri);
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText().includes(suggestion.indexText)) {
      this.notify(`${suggestion.model} already has ${suggestion.indexText}.`);
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    const { start, end } = change.edit.range;
    edit.replace(uri, new vscode.Range(start.line, start.character, end.line, end.character), change.edit.newText);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      this.notify(`The schema changed since the plan was made; explain the call again to add ${suggestion.indexText}.`);
      return;
    }
    const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: true });
    const line = start.line + (change.edit.newText.startsWith('\n') || change.edit.newText.startsWith('\r\n') ? 1 : 0);
    editor.revealRange(new vscode.Range(line, 0, line + 1, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    this.notify(`Added ${suggestion.indexText} to ${suggestion.model}. Save the schema and create a migration to build the index.`);
  }

  private async whatIf(statementIndex: number, suggestionIndex: number): Promise<void> {
    const target = this.target;
    const suggestion = this.state.result?.statements[statementIndex]?.suggestions[suggestionIndex];
    if (!target || !suggestion) return;
    const key = `${statementIndex}:${suggestionIndex}`;
    this.state = { ...this.state, whatIf: { ...this.state.whatIf, [key]: 'loading' } };
    this.post();
    const params: WhatIfParams = {
      uri: target.uri.toString(),
      position: { line: target.position.line, character: target.position.character },
      statementIndex,
      suggestion: { indexText: suggestion.indexText },
      settings: explainSettings(target.uri),
    };
    let result: WhatIfResult;
    try {
      result = await this.client.sendRequest<WhatIfResult>(EXPLAIN_WHAT_IF_REQUEST, params);
    } catch (error) {
      result = { error: error instanceof Error ? error.message : String(error) };
    }
    this.state = { ...this.state, whatIf: { ...this.state.whatIf, [key]: result } };
    this.post();
  }

  private notify(notice: string): void {
    this.state = { ...this.state, notice };
    this.post();
  }

  private post(): void {
    this.panel.title = this.state.title ? `EXPLAIN ${this.state.title}` : 'EXPLAIN';
    if (!this.ready) return;
    const message: HostMessage = { type: 'state', state: this.state };
    void this.panel.webview.postMessage(message);
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'; img-src ${webview.cspSource};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>EXPLAIN</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

function explainSettings(uri: vscode.Uri): ExplainSettings {
  const config = vscode.workspace.getConfiguration('prismaLens.explain', uri);
  return { databaseUrl: config.get<string>('databaseUrl', '') || undefined, rowsPerTable: config.get<number>('rowsPerTable', 100_000) };
}
