/** The Prisma Lens language server: capabilities and handler registration only. */
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerCodeActions } from './lsp/codeActions';
import { isSchemaUri, PushDiagnostics, registerPullDiagnostics } from './lsp/diagnostics';
import { FIX_ALL_COMMAND, FIX_ALL_KIND } from './lsp/protocol';
import { SchemaWorkspace } from './workspace/documents';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const log = (message: string) => connection.console.log(message);

let workspaceFolders: string[] = [];
let usePull = false;
let debounceMs = 150;

const workspace = new SchemaWorkspace(
  () => workspaceFolders,
  (uri) => {
    const document = documents.get(uri);
    return document ? { uri, version: document.version, text: document.getText() } : undefined;
  },
);
const push = new PushDiagnostics(connection, workspace, (uri) => documents.get(uri)?.version, () => debounceMs, log);

connection.onInitialize((params): InitializeResult => {
  workspaceFolders = (params.workspaceFolders ?? []).flatMap((folder) => (folder.uri.startsWith('file:') ? [fileURLToPath(folder.uri)] : []));
  if (workspaceFolders.length === 0 && params.rootUri?.startsWith('file:')) workspaceFolders = [fileURLToPath(params.rootUri)];
  usePull = params.capabilities.textDocument?.diagnostic !== undefined;
  const options = params.initializationOptions as { debounceMs?: number } | undefined;
  if (typeof options?.debounceMs === 'number') debounceMs = options.debounceMs;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: false },
      executeCommandProvider: { commands: [FIX_ALL_COMMAND] },
      ...(usePull ? { diagnosticProvider: { identifier: 'prisma-lens', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Prisma Lens' },
  };
});

connection.onInitialized(() => {
  void connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: '**/*.prisma' }, { globPattern: '**/package.json' }, { globPattern: '**/prisma.config.{ts,mts,cts,js,mjs,cjs}' }],
  }).catch(() => undefined);
  connection.workspace.onDidChangeWorkspaceFolders((event) => {
    const removed = new Set(event.removed.map((folder) => folder.uri));
    workspaceFolders = [
      ...workspaceFolders.filter((folder) => !removed.has(folder)),
      ...event.added.flatMap((folder) => (folder.uri.startsWith('file:') ? [fileURLToPath(folder.uri)] : [])),
    ];
    workspace.invalidateDisk();
  });
});

connection.onDidChangeWatchedFiles((params) => {
  workspace.invalidateDisk(params.changes.map((change) => change.uri));
  refreshAll();
});

// Registered always; the client only pulls when initialize announced the capability.
registerPullDiagnostics(connection, workspace, log);

documents.onDidChangeContent((event) => {
  if (usePull) {
    // Other files of a multi-file schema may change their findings too; ask the client to pull again.
    void workspace.schemaOf(event.document.uri).then((schema) => {
      if (schema.uris.length > 1) void connection.languages.diagnostics.refresh();
    });
  } else {
    push.schedule(event.document.uri);
  }
});
documents.onDidClose((event) => {
  if (!usePull && isSchemaUri(event.document.uri)) push.schedule(event.document.uri);
});

function refreshAll(): void {
  if (usePull) void connection.languages.diagnostics.refresh();
  else for (const document of documents.all()) push.schedule(document.uri);
}

registerCodeActions(connection, documents, workspace, log);

process.on('uncaughtException', (error) => log(`unexpected error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log(`unexpected rejection: ${String(reason)}`));

documents.listen(connection);
connection.listen();
