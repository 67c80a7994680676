/** A minimal LSP client over stdio for driving the built server (dist/server.js) in tests. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const SERVER_PATH = join(__dirname, '..', '..', 'dist', 'server.js');

export interface Published {
  uri: string;
  version?: number;
  diagnostics: { code?: string | number; message: string; range: { start: { line: number } } }[];
}

export class LspTestClient {
  readonly process: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly published: Published[] = [];
  readonly logs: string[] = [];
  refreshRequests = 0;
  /** `$/progress` notifications, in arrival order. */
  readonly progress: { token: string | number; value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number } }[] = [];
  private progressWaiters: (() => void)[] = [];
  private refreshWaiters: (() => void)[] = [];
  private publishWaiters: { predicate: (p: Published) => boolean; resolve: (p: Published) => void }[] = [];
  applyEdit: (edit: unknown) => boolean = () => false;

  /** `env`: the server's environment (default: this process's); `serverPath`: the server to start (default: dist/server.js). */
  constructor(options: { env?: NodeJS.ProcessEnv; serverPath?: string } = {}) {
    this.process = spawn(process.execPath, [options.serverPath ?? SERVER_PATH, '--stdio'], { stdio: 'pipe', ...(options.env ? { env: options.env } : {}) });
    this.process.stderr.on('data', (chunk: Buffer) => this.logs.push(chunk.toString()));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (params: Published) => {
      this.published.push(params);
      this.publishWaiters = this.publishWaiters.filter((waiter) => {
        if (!waiter.predicate(params)) return true;
        waiter.resolve(params);
        return false;
      });
    });
    this.connection.onNotification('window/logMessage', (params: { message: string }) => void this.logs.push(params.message));
    this.connection.onNotification('window/showMessage', (params: { message: string }) => void this.logs.push(params.message));
    this.connection.onRequest('workspace/diagnostic/refresh', () => {
      this.refreshRequests++;
      for (const resolve of this.refreshWaiters.splice(0)) resolve();
      return null;
    });
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', (params: LspTestClient['progress'][number]) => {
      this.progress.push(params);
      if (params.value.kind === 'end') for (const resolve of this.progressWaiters.splice(0)) resolve();
    });
    this.connection.onRequest('workspace/applyEdit', (params: { edit: unknown }) => ({ applied: this.applyEdit(params.edit) }));
    this.connection.listen();
  }

  async initialize(rootPath: string, options: { pull: boolean; workDoneProgress?: boolean; initializationOptions?: unknown }): Promise<{ capabilities: Record<string, unknown> }> {
    const rootUri = `file://${rootPath}`;
    const result = await this.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri,
      ...(options.initializationOptions === undefined ? {} : { initializationOptions: options.initializationOptions }),
      workspaceFolders: [{ uri: rootUri, name: 'test' }],
      capabilities: {
        ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
        workspace: { applyEdit: true, workspaceEdit: { documentChanges: true }, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: {
          ...(options.pull ? { diagnostic: { dynamicRegistration: false } } : {}),
          publishDiagnostics: { versionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        },
      },
    });
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  open(uri: string, text: string, languageId = 'prisma', version = 1): Promise<void> {
    return this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri: string, version: number, text: string): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** Sends ranged changes, as an editor does for keystrokes when the server syncs incrementally (see `rangedChange`). */
  changeRanges(uri: string, version: number, changes: readonly RangedChange[]): Promise<void> {
    return this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
  }

  pull(uri: string, previousResultId?: string): Promise<{ kind: string; resultId?: string; items: Published['diagnostics'] }> {
    return this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, previousResultId });
  }

  waitForPublish(predicate: (published: Published) => boolean): Promise<Published> {
    const already = this.published.find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => this.publishWaiters.push({ predicate, resolve }));
  }

  /**
   * Pulls `uri`'s diagnostics, and again after each `workspace/diagnostic/refresh` that follows
   * within a second, as an editor does: the server reads the workspace's queries for the schema in
   * the background and asks for a new pull once they are read.
   */
  async settledPull(uri: string): Promise<Awaited<ReturnType<LspTestClient['pull']>>> {
    let refreshed = this.nextRefresh();
    let report = await this.pull(uri);
    for (;;) {
      const more = await Promise.race([refreshed.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false))]);
      if (!more) return report;
      refreshed = this.nextRefresh();
      report = await this.pull(uri);
    }
  }

  /** Resolves at the next `workspace/diagnostic/refresh` request from the server. */
  nextRefresh(): Promise<void> {
    return new Promise((resolve) => this.refreshWaiters.push(resolve));
  }

  /** Resolves once a `$/progress` with `kind: 'end'` has arrived (at once if one already has). */
  progressEnded(): Promise<void> {
    if (this.progress.some((entry) => entry.value.kind === 'end')) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  async close(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      await this.connection.sendNotification('exit');
    } catch {
      // The server may already be gone; the kill below makes sure.
    }
    this.connection.dispose();
    this.process.kill();
  }
}

export interface RangedChange {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  text: string;
}

/** The one ranged change that turns `before` into `after`: the span between their common prefix and suffix. */
export function rangedChange(before: string, after: string): RangedChange {
  let prefix = 0;
  const shorter = Math.min(before.length, after.length);
  while (prefix < shorter && before.charCodeAt(prefix) === after.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shorter - prefix && before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)) suffix++;
  const positionAt = (offset: number) => {
    let line = 0;
    let lineStart = 0;
    for (let i = before.indexOf('\n'); i >= 0 && i < offset; i = before.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return { line, character: offset - lineStart };
  };
  return { range: { start: positionAt(prefix), end: positionAt(before.length - suffix) }, text: after.slice(prefix, after.length - suffix) };
}
