/** The Prisma Lens language server: capabilities and handler registration only. */
import { fileURLToPath } from 'node:url';
import {
  DidChangeWatchedFilesNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { registerCodeActions } from './lsp/codeActions';
import { createServerConnection } from './lsp/connection';
import { registerHover } from './lsp/hover';
import { registerExplain } from './lsp/explain';
import { affectsSchemas, registerCodeFiles } from './lsp/codeFiles';
import { isSchemaUri, PushDiagnostics, registerPullDiagnostics } from './lsp/diagnostics';
import { registerMigrationFiles } from './lsp/migrationFiles';
import { registerPendingMigrations } from './lsp/pending-migrations';
import { FIX_ALL_COMMAND, FIX_ALL_KIND, OFFICIAL_PRISMA_EXTENSION_NOTIFICATION } from './lsp/protocol';
import { SchemaErrorReporting } from './lsp/schema-errors';
import { SchemaWorkspace } from './workspace/documents';
import { ProjectHost } from './workspace/project-host';
import { IndexUsageFacts } from './workspace/index-usage';
import { editorTextDocuments } from './lsp/text-documents';
import { quietFor } from './lsp/activity';
import { registerIndexUsageLenses } from './lsp/indexUsageLens';

const connection = createServerConnection();
const documents = new TextDocuments(editorTextDocuments);
const log = (message: string) => connection.console.log(message);

let workspaceFolders: string[] = [];
let usePull = false;
/** Whether the client asks for code lenses again when told to (`workspace/codeLens/refresh`). */
let codeLensRefresh = false;
let debounceMs = 150;

const host = new ProjectHost({ report: (problem) => connection.console.warn(`Prisma Lens configuration: ${problem.path}: ${problem.message}`) });
const workspace = new SchemaWorkspace(
  () => workspaceFolders,
  (uri) => {
    const document = documents.get(uri);
    return document ? { uri, version: document.version, text: document.getText() } : undefined;
  },
  host,
);
const push = new PushDiagnostics(connection, workspace, (uri) => documents.get(uri)?.version, () => debounceMs, log);
const schemaErrors = new SchemaErrorReporting(workspace, { refresh: refreshAll, log });
const codeFiles = registerCodeFiles(connection, documents, workspace, { workspaceFolders: () => workspaceFolders, usePull: () => usePull, debounceMs: () => debounceMs, log, host });

connection.onInitialize((params): InitializeResult => {
  workspaceFolders = (params.workspaceFolders ?? []).flatMap((folder) => (folder.uri.startsWith('file:') ? [fileURLToPath(folder.uri)] : []));
  if (workspaceFolders.length === 0 && params.rootUri?.startsWith('file:')) workspaceFolders = [fileURLToPath(params.rootUri)];
  usePull = params.capabilities.textDocument?.diagnostic !== undefined;
  codeLensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  const options = params.initializationOptions as { debounceMs?: number; settings?: unknown; officialPrismaExtension?: boolean } | undefined;
  if (typeof options?.debounceMs === 'number') debounceMs = options.debounceMs;
  if (options?.settings) host.policy.setSettings(options.settings);
  schemaErrors.setSettings(options?.settings);
  schemaErrors.setOfficialExtension(options?.officialPrismaExtension === true);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: false },
      hoverProvider: true,
      codeLensProvider: { resolveProvider: false },
      executeCommandProvider: { commands: [FIX_ALL_COMMAND] },
      ...(usePull ? { diagnosticProvider: { identifier: 'prisma-lens', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'Prisma Lens' },
  };
});

connection.onInitialized(() => {
  codeFiles.initialized();
  void connection.client.register(DidChangeWatchedFilesNotification.type, {
    watchers: [{ globPattern: '**/*.prisma' }, { globPattern: '**/package.json' }, { globPattern: '**/prisma.config.{ts,mts,cts,js,mjs,cjs}' }, { globPattern: '**/.prismalens.json' }, { globPattern: '**/{tsconfig,jsconfig}*.json' }, { globPattern: '**/pnpm-workspace.yaml' }],
  }).catch(() => undefined);
  connection.workspace.onDidChangeWorkspaceFolders((event) => {
    const removed = new Set(event.removed.map((folder) => folder.uri));
    workspaceFolders = [
      ...workspaceFolders.filter((folder) => !removed.has(folder)),
      ...event.added.flatMap((folder) => (folder.uri.startsWith('file:') ? [fileURLToPath(folder.uri)] : [])),
    ];
    workspace.invalidateDisk();
    void codeFiles.indexWorkspace();
  });
});

connection.onDidChangeWatchedFiles((params) => {
  if (params.changes.some((change) => change.uri.endsWith('/.prismalens.json'))) {
    host.policy.invalidateFiles();
    refreshAll();
  }
  const schemaChanges = params.changes.filter((change) => affectsSchemas(change.uri));
  if (schemaChanges.length > 0) {
    workspace.invalidateDisk(schemaChanges.map((change) => change.uri));
    refreshAll();
  }
  codeFiles.filesChanged(params.changes);
});

/** How long the editor must have asked nothing before work in the background goes on. */
const QUIET_BEFORE_BACKGROUND_MS = 20;
const indexUsage = new IndexUsageFacts();
// Between keystrokes: a pull waits neither for a slice of the reading nor behind one.
indexUsage.mayRun = () => quietFor(QUIET_BEFORE_BACKGROUND_MS);
// Registered always; the client only pulls when initialize announced the capability.
registerIndexUsageLenses(connection, workspace, codeFiles.index, indexUsage, log, factsRead);
// The code files' queries are read for the schema's analysis in the background; once read, the schema is analysed again.
workspace.useFacts((schema) => indexUsage.factsSoon(codeFiles.index.files.values(), schema, factsRead), () => codeFilesSignature());

/** The workspace's queries were read in the background: diagnostics and lenses that depend on them are asked for again. */
function factsRead(): void {
  refreshAll();
  if (codeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
}

/** Changes whenever an indexed code file does, or the facts read in the background are ready: part of the cache key of analyses that read workspace facts. */
function codeFilesSignature(): string {
  let signature = `${indexUsage.generation}:${codeFiles.index.files.size}`;
  for (const file of codeFiles.index.files.values()) signature += file.contentHash.slice(0, 6);
  return signature;
}

const migrationFiles = registerMigrationFiles(connection, documents, { usePull: () => usePull, debounceMs: () => debounceMs, log, host });

// `prismaLens` settings (rule levels) arrive at start and on every change (client `synchronize.configurationSection`).
connection.onDidChangeConfiguration((params) => {
  const settings = (params.settings as { prismaLens?: unknown } | undefined)?.prismaLens;
  if (!settings) return;
  host.policy.setSettings(settings);
  schemaErrors.setSettings(settings);
  refreshAll();
});

// The official Prisma extension was installed, enabled, disabled or removed: `schema-error` in `auto` follows it.
connection.onNotification(OFFICIAL_PRISMA_EXTENSION_NOTIFICATION, (params: { present?: unknown } | undefined) => {
  if (schemaErrors.setOfficialExtension(params?.present === true)) refreshAll();
});
registerPullDiagnostics(connection, workspace, log, (uri, previous, token) => (migrationFiles.handles(uri) ? migrationFiles.pull(uri, previous, token) : codeFiles.pull(uri, previous, token)));

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
registerHover(connection, documents, () => workspaceFolders, log);
registerExplain(connection, documents, { workspaceFolders: () => workspaceFolders, log });
registerPendingMigrations(connection, documents, workspace, { workspaceFolders: () => workspaceFolders, refresh: refreshAll, log, host });

process.on('uncaughtException', (error) => log(`unexpected error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => log(`unexpected rejection: ${String(reason)}`));

documents.listen(connection);
connection.listen();
