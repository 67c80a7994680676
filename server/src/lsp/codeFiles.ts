/**
 * Diagnostics for TypeScript/JavaScript documents (pull, or debounced push) and the background
 * index of the workspace's code files, with `window/workDoneProgress` until it first completes.
 *
 * How a client (or a benchmark) can tell that the first indexing ended: when it announced
 * `window.workDoneProgress`, the server creates a progress token after `initialized`, sends
 * `$/progress` with `kind: 'begin'` (title "Prisma Lens"), `kind: 'report'` messages such as
 * "120/5000 files", and `kind: 'end'` once the pass is over. It then logs (`window/logMessage`)
 * "indexed N code files (P parsed, Q Prisma queries) in T ms" (then " (K of the files on a second thread)"
 * when a worker thread shared the work, and ", cancelled" when it was) and,
 * for a pull client, sends `workspace/diagnostic/refresh`. A pass cancelled by the user, or
 * superseded by a newer one (workspace folders changed), ends its progress early; the next pass
 * shows a progress of its own, until one completes.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ProjectHost } from '../workspace/project-host';
import {
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type FileEvent,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isCodeFile } from '../workspace/code-files';
import { CodeIndex, type AnalysedCode, type CodeSchema, type IndexSummary } from '../workspace/code-index';
import { codeFileSchemaSnapshot, schemaSetForCodeFile } from '../workspace/code-file-schema';
import type { SchemaSet } from '../workspace/discovery';
import { importsKey } from '../workspace/import-specifiers';
import { PRISMA_CONFIG_NAMES } from '../workspace/prisma-project';
import type { SchemaWorkspace } from '../workspace/documents';
import { sharedPending } from '../workspace/shared-pending';
import { toDiagnostic } from './convert';
import { isSchemaUri } from './diagnostics';
import { DIAGNOSTIC_SOURCE } from './protocol';

export interface CodeFilesOptions {
  workspaceFolders: () => string[];
  usePull: () => boolean;
  debounceMs: () => number;
  log: (message: string) => void;
  /** Configuration and suppression comments for the code rules. */
  host?: ProjectHost;
}

export interface CodeFiles {
  readonly index: CodeIndex;
  /** Answers `textDocument/diagnostic` for a code document. */
  pull(uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport>;
  /** After `initialized`: watches code files and starts the first background pass. */
  initialized(): void;
  /** Starts (or restarts) the background pass over the workspace. */
  indexWorkspace(): Promise<IndexSummary | undefined>;
  /** Re-indexes code files the client reports as created, changed or deleted; a schema change re-resolves every file. */
  filesChanged(changes: readonly FileEvent[]): void;
}

export function isCodeUri(uri: string): boolean {
  if (uri.startsWith('untitled:')) return false;
  return isCodeFile(fileNameOf(uri));
}

/** Whether a watched-file event can change which schema files exist or belong together (a `prisma.config.ts` is both). */
export function affectsSchemas(uri: string): boolean {
  return !isCodeUri(uri) || PRISMA_CONFIG_NAMES.includes(fileNameOf(uri));
}

function fileNameOf(uri: string): string {
  const clean = uri.split(/[?#]/)[0]!;
  return decodeURIComponent(clean.slice(clean.lastIndexOf('/') + 1));
}

/** The files whose changes the client reports, beside the schema watchers registered by the server. */
const CODE_FILE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** Schema lookups kept per file and imports before the cache starts over. */
const MAX_CACHED_LOOKUPS = 5000;

/** Code documents the client opened, by language rather than by file name (an untitled buffer has none). */
const CODE_LANGUAGES = new Set(['typescript', 'typescriptreact', 'javascript', 'javascriptreact']);

export function registerCodeFiles(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  workspace: SchemaWorkspace,
  options: CodeFilesOptions,
): CodeFiles {
  const isCode = (uri: string): boolean => {
    const document = documents.get(uri);
    return document ? CODE_LANGUAGES.has(document.languageId) || isCodeUri(uri) : isCodeUri(uri);
  };
  const analyseSet = async (set: SchemaSet | undefined): Promise<CodeSchema | undefined> => {
    if (!set || set.files.length === 0) return undefined;
    const analysed = await workspace.analyse(pathToFileURL(set.files[0]!).toString());
    return analysed ? { key: analysed.versionKey, schema: analysed.analysis.schema } : undefined;
  };
  const lookUpSchema = async (uri: string, text: string | undefined): Promise<CodeSchema | undefined> => {
    if (!uri.startsWith('file:')) return undefined;
    return analyseSet(await schemaSetForCodeFile(fileURLToPath(uri), options.workspaceFolders(), text));
  };
  // A file's schema follows from its place and its imports. The lookup is kept per file and
  // imports until a schema may have changed (an edit, open or close of a schema document, a
  // watched schema or project file), so a keystroke in a code file costs a scan of its imports and
  // a map read instead of a walk over the discovery's timestamps.
  const schemaByFile = new Map<string, Promise<CodeSchema | undefined>>();
  // Counts the times a schema may have changed, so that a pass does not keep a lookup made before.
  let schemaEpoch = 0;
  const forgetSchemas = (): void => {
    schemaByFile.clear();
    schemaEpoch++;
  };
  const cachedPerFile = (uri: string, text: string | undefined, lookUp: (uri: string, text: string | undefined) => Promise<CodeSchema | undefined>): Promise<CodeSchema | undefined> => {
    // Typing an import creates a key per keystroke; the map is bounded rather than kept exact.
    if (schemaByFile.size > MAX_CACHED_LOOKUPS) schemaByFile.clear();
    const key = text === undefined ? uri : `${uri}\n${importsKey(text)}`;
    return sharedPending(schemaByFile, key, () => lookUp(uri, text));
  };
  const schemaFor = (uri: string, text?: string): Promise<CodeSchema | undefined> => cachedPerFile(uri, text, lookUpSchema);
  // A background pass looks at the disk once (one discovery snapshot) and analyses each schema
  // once, instead of checking both for every file of the workspace.
  const schemasForPass = (): ((uri: string, text?: string) => Promise<CodeSchema | undefined>) => {
    const setOf = codeFileSchemaSnapshot(options.workspaceFolders());
    const bySet = new Map<string, Promise<CodeSchema | undefined>>();
    let epoch = schemaEpoch;
    const lookUp = async (uri: string, text: string | undefined): Promise<CodeSchema | undefined> => {
      if (!uri.startsWith('file:')) return undefined;
      const set = await setOf(fileURLToPath(uri), text);
      if (epoch !== schemaEpoch) {
        // A schema changed since the pass began: its analyses are looked up again.
        bySet.clear();
        epoch = schemaEpoch;
      }
      return sharedPending(bySet, set?.schemaPath ?? '', () => analyseSet(set));
    };
    return (uri, text) => cachedPerFile(uri, text, lookUp);
  };
  const index = new CodeIndex({ schemaFor, schemasForPass, isOpen: (uri) => documents.get(uri) !== undefined, host: options.host });
  // The first pass starts after `initialized`; its thread loads the parser in the meantime.
  index.startThreadEarly();
  // Progress is shown until one pass has indexed the whole workspace (a cancelled pass does not count).
  let indexedOnce = false;

  const analyseOpen = async (uri: string, isCancelled?: () => boolean): Promise<AnalysedCode | undefined> => {
    const document = documents.get(uri);
    if (!document) return undefined;
    return index.analyse({ uri, text: document.getText(), version: document.version }, isCancelled);
  };

  const pull = async (uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport> => {
    try {
      const analysed = await analyseOpen(uri, () => token.isCancellationRequested);
      if (!analysed) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      if (previousResultId === analysed.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: analysed.resultId };
      for (const error of analysed.errors) options.log(`rule failed on ${uri}: ${error}`);
      return { kind: DocumentDiagnosticReportKind.Full, resultId: analysed.resultId, items: diagnosticsOf(analysed) };
    } catch (error) {
      options.log(`diagnostics for ${uri} failed: ${describe(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  };

  const push = new CodePush(connection, (uri, isCancelled) => analyseOpen(uri, isCancelled), (uri) => documents.get(uri)?.version, options);

  /** Asks for fresh diagnostics of every open code document (after a schema or index change). */
  const refreshOpenCode = (): void => {
    const open = documents.all().filter((document) => isCode(document.uri));
    if (open.length === 0) return;
    if (options.usePull()) void connection.languages.diagnostics.refresh().catch(() => undefined);
    else for (const document of open) push.schedule(document.uri);
  };
  // While the schema is being typed in, code files are refreshed once typing pauses, not per keystroke.
  let schemaEditTimer: NodeJS.Timeout | undefined;
  const refreshAfterSchemaEdit = (): void => {
    clearTimeout(schemaEditTimer);
    schemaEditTimer = setTimeout(refreshOpenCode, options.debounceMs());
  };

  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    if (isCode(uri)) {
      if (!options.usePull()) push.schedule(uri);
    } else if (isSchemaUri(uri)) {
      // Query sites resolve their models through the schema: open code files may change with it.
      forgetSchemas();
      refreshAfterSchemaEdit();
    }
  });
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    if (isSchemaUri(uri)) {
      // The text on disk takes over from the closed document.
      forgetSchemas();
      refreshAfterSchemaEdit();
    }
    if (!isCode(uri)) return;
    if (!options.usePull()) push.clear(uri);
    void index.documentClosed(uri).catch((error: unknown) => options.log(`re-indexing ${uri} failed: ${describe(error)}`));
  });

  const indexWorkspace = async (): Promise<IndexSummary | undefined> => {
    const showProgress = !indexedOnce;
    forgetSchemas();
    const reporter = showProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    const cancelled = reporter?.token.onCancellationRequested(() => index.cancel());
    try {
      reporter?.begin('Prisma Lens', 0, 'Indexing TypeScript and JavaScript files', true);
      let lastReport = 0;
      let lastDone = 0;
      const summary = await index.indexWorkspace(options.workspaceFolders(), ({ done, total }) => {
        const now = Date.now();
        if (!reporter || done === lastDone || (now - lastReport < 100 && done < total)) return;
        lastReport = now;
        lastDone = done;
        reporter.report(Math.floor((done / total) * 100), `${done}/${total} files`);
      });
      options.log(
        `indexed ${summary.files} code files (${summary.parsed} parsed, ${summary.querySites} Prisma queries) in ${Math.round(summary.durationMs)} ms${summary.threadFiles > 0 ? ` (${summary.threadFiles} of the files on a second thread)` : ''}${summary.cancelled ? ', cancelled' : ''}`,
      );
      if (!summary.cancelled) {
        indexedOnce = true;
        refreshOpenCode();
        // Calls into other files are followed once the workspace's functions are summarised, in the background.
        void index
          .rebuildCallSummaries()
          .then((rebuilt) => rebuilt && refreshOpenCode())
          .catch((error: unknown) => options.log(`summarising the workspace's functions failed: ${describe(error)}`));
      }
      return summary;
    } catch (error) {
      options.log(`indexing the workspace failed: ${describe(error)}`);
      return undefined;
    } finally {
      cancelled?.dispose();
      reporter?.done();
    }
  };

  const filesChanged = (changes: readonly FileEvent[]): void => {
    const schemaChanged = changes.some((change) => affectsSchemas(change.uri));
    if (schemaChanged) {
      // A schema, package.json or prisma.config change can move files between schemas: one pass re-resolves all.
      void indexWorkspace();
      return;
    }
    // A changed file may be one that others import to reach their client (a `lib/db.ts` that now
    // imports another package): the lookups that followed it are made again when next asked.
    schemaByFile.clear();
    void (async () => {
      // Created, changed and deleted files alike: a deleted file reads as absent and leaves the index.
      for (const change of changes) await index.reindexFile(change.uri);
    })().catch((error: unknown) => options.log(`re-indexing failed: ${describe(error)}`));
  };

  const initialized = (): void => {
    void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: CODE_FILE_GLOB }] }).catch(() => undefined);
    void indexWorkspace();
  };

  return { index, pull, initialized, indexWorkspace, filesChanged };
}

function diagnosticsOf(analysed: AnalysedCode): Diagnostic[] {
  if (analysed.skipped) {
    return [
      {
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: DiagnosticSeverity.Information,
        source: DIAGNOSTIC_SOURCE,
        message: `Prisma Lens does not analyse this file: ${analysed.skipped}.`,
      },
    ];
  }
  const lineIndexFor = (uri: string) => (uri === analysed.uri ? analysed.lines : undefined);
  return analysed.findings.map((finding) => toDiagnostic(finding, analysed.lines, lineIndexFor));
}

/** For clients without pull diagnostics: publishes a code document's diagnostics after a quiet period. */
class CodePush {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly generation = new Map<string, number>();

  constructor(
    private readonly connection: Connection,
    private readonly analyse: (uri: string, isCancelled: () => boolean) => Promise<AnalysedCode | undefined>,
    private readonly versionOf: (uri: string) => number | undefined,
    private readonly options: CodeFilesOptions,
  ) {}

  schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    const generation = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, generation);
    this.timers.set(uri, setTimeout(() => void this.publish(uri, generation), this.options.debounceMs()));
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.generation.set(uri, (this.generation.get(uri) ?? 0) + 1);
    void this.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private async publish(uri: string, generation: number): Promise<void> {
    const stale = () => this.generation.get(uri) !== generation;
    try {
      const analysed = await this.analyse(uri, stale);
      if (!analysed || stale()) return;
      for (const error of analysed.errors) this.options.log(`rule failed on ${uri}: ${error}`);
      await this.connection.sendDiagnostics({ uri, version: this.versionOf(uri), diagnostics: diagnosticsOf(analysed) });
    } catch (error) {
      this.options.log(`diagnostics for ${uri} failed: ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
