/**
 * Diagnostics for open migration SQL files (`**\/migrations/**\/*.sql`): pull, or debounced push.
 * A migration that is history (already in the default branch's merge base) keeps its findings as
 * information, each marked as applied and without fixes: it cannot be changed, but what it did
 * (a lock, a rewrite) still explains what happened when it ran.
 */
import { fileURLToPath } from 'node:url';
import {
  DiagnosticSeverity,
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSqlParser } from '../analysis/migrations/sql';
import { LineIndex } from '../analysis/text';
import { isMigrationSqlPath, migrationSkipReason, type MigrationFileContext } from '../workspace/migrations';
import { migrationContextAgainstBase, type MigrationBase } from '../workspace/migration-base';
import { toDiagnostic } from './convert';
import { DIAGNOSTIC_SOURCE, ruleIdOf, type DiagnosticData } from './protocol';
import type { ProjectHost } from '../workspace/project-host';

export interface MigrationFilesOptions {
  usePull: () => boolean;
  debounceMs: () => number;
  log: (message: string) => void;
  /** The rules in force, their facts and suppression comments. */
  host: ProjectHost;
}

export interface MigrationFiles {
  /** True for the documents this module answers for. */
  handles(uri: string): boolean;
  /** Answers `textDocument/diagnostic` for a migration file. */
  pull(uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport>;
}

export function isMigrationSqlUri(uri: string): boolean {
  if (!uri.startsWith('file:')) return false;
  try {
    return isMigrationSqlPath(fileURLToPath(uri.split(/[?#]/)[0]!));
  } catch {
    return false;
  }
}

/** Settings read from the client (`prismaLens.migrations.postgresVersion`), default PostgreSQL 15. */
const DEFAULT_POSTGRES_VERSION = 15;
const CONFIGURATION_TIMEOUT_MS = 500;

export function registerMigrationFiles(connection: Connection, documents: TextDocuments<TextDocument>, options: MigrationFilesOptions): MigrationFiles {
  const parserReady = loadSqlParser().catch((error: unknown) => {
    options.log(`the PostgreSQL parser did not load: ${error instanceof Error ? error.message : String(error)}`);
  });
  const contexts = new Map<string, { version: number; value: Promise<EditorMigrationContext> }>();
  const timers = new Map<string, NodeJS.Timeout>();

  /** Re-read for each new version of the document (a few ms of async IO, off the typing path), shared by its pulls. */
  const contextOf = (uri: string, version: number): Promise<EditorMigrationContext> => {
    const cached = contexts.get(uri);
    if (cached && cached.version === version) return cached.value;
    // The editor has no pull request to ask about: the base is the merge base with the default branch.
    const value = migrationContextAgainstBase(fileURLToPath(uri), { onDefaultBranch: 'merge-base' }).catch(
      (): EditorMigrationContext => ({ newTables: [], applied: false, deployment: 'unknown', base: { kind: 'all', reason: 'git failed' } }),
    );
    contexts.set(uri, { version, value });
    return value;
  };

  const postgresVersion = async (uri: string): Promise<number> => {
    try {
      // A client without `workspace/configuration` may never answer: the default wins after a moment.
      const setting: unknown = await Promise.race([
        connection.workspace.getConfiguration({ scopeUri: uri, section: 'prismaLens.migrations.postgresVersion' }),
        new Promise((resolve) => setTimeout(resolve, CONFIGURATION_TIMEOUT_MS)),
      ]);
      return typeof setting === 'number' && setting >= 9 ? setting : DEFAULT_POSTGRES_VERSION;
    } catch {
      return DEFAULT_POSTGRES_VERSION;
    }
  };

  const analyse = async (uri: string): Promise<{ resultId: string; items: Diagnostic[] } | undefined> => {
    const document = documents.get(uri);
    if (!document) return undefined;
    await parserReady;
    const text = document.getText();
    const context = await contextOf(uri, document.version);
    const ran = await options.host.rulesFor(uri);
    const version = ran.config.postgresVersion ?? (await postgresVersion(uri));
    const applied = context.applied && context.base.kind === 'commit' ? context.base.label : undefined;
    const resultId = `${document.version}#${version}#${context.newTables.join(',')}#${ran.key}#${applied ?? ''}`;
    const skipped = migrationSkipReason(Buffer.byteLength(text, 'utf8'), context.folder?.provider);
    if (skipped) return { resultId, items: [notice(`Prisma Lens does not check this migration: ${skipped}.`)] };
    const lines = new LineIndex(text);
    // The earlier migrations are read only for a script that changes a column's type: they declare its old type.
    const analysis = options.host.migrationFindings({ uri, text, lines }, { postgresVersion: version, newTables: context.newTables, folder: context.folder }, ran);
    if (!analysis) return { resultId, items: [] };
    for (const error of analysis.errors) options.log(`rule failed on ${uri}: ${error}`);
    const items = analysis.findings.map((finding) => toDiagnostic(finding, lines, (other) => (other === uri ? lines : undefined)));
    for (const error of analysis.parseErrors) {
      items.push({
        range: { start: lines.positionAt(error.span.start), end: lines.positionAt(error.span.end) },
        severity: DiagnosticSeverity.Warning,
        source: DIAGNOSTIC_SOURCE,
        message: `PostgreSQL cannot parse this statement (${error.message}); the migration rules skip it.`,
      });
    }
    return { resultId, items: applied === undefined ? items : items.map((item) => asApplied(item, applied)) };
  };

  const pull = async (uri: string, previousResultId: string | undefined, token: CancellationToken): Promise<DocumentDiagnosticReport> => {
    try {
      const result = await analyse(uri);
      if (!result || token.isCancellationRequested) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      if (previousResultId === result.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: result.resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId: result.resultId, items: result.items };
    } catch (error) {
      options.log(`diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
  };

  const publish = async (uri: string, version: number): Promise<void> => {
    try {
      const result = await analyse(uri);
      if (!result || documents.get(uri)?.version !== version) return;
      await connection.sendDiagnostics({ uri, version, diagnostics: result.items });
    } catch (error) {
      options.log(`diagnostics for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  };

  documents.onDidChangeContent((event) => {
    const uri = event.document.uri;
    if (!isMigrationSqlUri(uri) || options.usePull()) return;
    clearTimeout(timers.get(uri));
    const version = event.document.version;
    timers.set(uri, setTimeout(() => void publish(uri, version), options.debounceMs()));
  });
  documents.onDidClose((event) => {
    const uri = event.document.uri;
    if (!isMigrationSqlUri(uri)) return;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    contexts.delete(uri);
    if (!options.usePull()) void connection.sendDiagnostics({ uri, diagnostics: [] });
  });

  return { handles: isMigrationSqlUri, pull };
}

function notice(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: DIAGNOSTIC_SOURCE, message };
}

type EditorMigrationContext = MigrationFileContext & { base: MigrationBase };

/** A diagnostic of an applied migration: information, said to be applied, with no fix to offer. */
function asApplied(diagnostic: Diagnostic, base: string): Diagnostic {
  const ruleId = ruleIdOf(diagnostic);
  return {
    ...diagnostic,
    severity: DiagnosticSeverity.Information,
    message: `Applied migration (already in ${base}): ${diagnostic.message}`,
    data: ruleId ? ({ ruleId, fixes: [], applied: true } satisfies DiagnosticData) : undefined,
  };
}
