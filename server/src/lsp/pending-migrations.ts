/**
 * Pending migration changes while typing: after a quiet spell, the schema's next migration is
 * computed in the background (Prisma's schema engine in a worker thread), its hazards are kept as
 * extra diagnostics of the schema files, and the client is asked to pull again. A keystroke never
 * waits for it. Also answers "Preview Next Migration" and "Create Safe Migration for …".
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Connection, type Diagnostic, type TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { addedColumnType, expandContractMigrations } from '../analysis/pending/expand-contract';
import { previewMigrationText } from '../analysis/pending/preview';
import { buildSchema } from '../analysis/schema/build';
import type { SchemaFile } from '../analysis/schema/model';
import { LineIndex } from '../analysis/text';
import { sharedSchemaEngineThread } from '../engines/schema-engine-thread';
import { schemaSetForFile } from '../workspace/discovery';
import type { AnalysedSchema, SchemaWorkspace } from '../workspace/documents';
import { readMigrationFolder } from '../workspace/migrations';
import { PendingChanges, type PendingBaseline, type PendingReport } from '../workspace/pending-changes';
import { toDiagnostic } from './convert';
import type { ProjectHost } from '../workspace/project-host';
import { addSchemaDiagnosticSource, isSchemaUri } from './diagnostics';
import { DIAGNOSTIC_SOURCE } from './protocol';

export { CREATE_SAFE_MIGRATION_REQUEST, PREVIEW_NEXT_MIGRATION_REQUEST, SAFE_MIGRATION_CANDIDATES_REQUEST } from '../../../shared/protocol';
export type { SafeMigrationCandidate } from '../../../shared/protocol';
import { CREATE_SAFE_MIGRATION_REQUEST, PREVIEW_NEXT_MIGRATION_REQUEST, SAFE_MIGRATION_CANDIDATES_REQUEST, type SafeMigrationCandidate } from '../../../shared/protocol';

/** The key of a report with no finding and no notice. */
const EMPTY_KEY = 'none';

/** A short digest of what the findings say and where (it becomes part of the pull result id). */
function keyOf(report: PendingReport): string {
  const notice = noticeOf(report)?.message;
  if (!notice && report.findings.length === 0) return EMPTY_KEY;
  const described = JSON.stringify([notice, report.findings.map((finding) => [finding.uri, finding.span.start, finding.span.end, finding.ruleId, finding.message])]);
  return createHash('sha1').update(described).digest('hex').slice(0, 16);
}

/** Quiet time after the last edit before the next migration is computed. */
const DEFAULT_DEBOUNCE_MS = 400;

interface Computed {
  /** The texts the report was computed from, by URI. */
  texts: Map<string, string>;
  report: PendingReport;
  /** Changes whenever the report does; part of the pull result id. */
  key: string;
}

export interface PendingMigrationsOptions {
  workspaceFolders: () => string[];
  /** Asks the client for fresh diagnostics (a pull refresh, or a push of every open document). */
  refresh: () => void;
  log: (message: string) => void;
  /** The rules in force and the suppression comments, as for the schema's own findings. */
  host: ProjectHost;
  debounceMs?: number;
}

export function registerPendingMigrations(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  workspace: SchemaWorkspace,
  options: PendingMigrationsOptions,
): { dispose(): Promise<void> } {
  const engine = sharedSchemaEngineThread();
  const pending = new PendingChanges(engine);
  const computedBySchema = new Map<string, Computed>();
  const schemaOfUri = new Map<string, string>();
  const generations = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const lastLines = new Map<string, LineIndex>();

  addSchemaDiagnosticSource({
    key: (uri) => computedFor(uri)?.key ?? '',
    diagnostics: (uri, analysed) => diagnosticsOf(uri, analysed),
  });

  function computedFor(uri: string): Computed | undefined {
    const key = schemaOfUri.get(uri);
    return key ? computedBySchema.get(key) : undefined;
  }

  /** The report's findings for `uri` that still point at the same text; the rest wait for the next computation. */
  function diagnosticsOf(uri: string, analysed: AnalysedSchema): Diagnostic[] {
    const computed = computedFor(uri);
    if (!computed) return [];
    const current = documents.get(uri)?.getText() ?? computed.texts.get(uri);
    const then = computed.texts.get(uri);
    if (current === undefined || then === undefined) return [];
    const notice = noticeOf(computed.report);
    if (!notice && !computed.report.findings.some((finding) => finding.uri === uri)) return [];
    // Derived from the last index of the file: only the edited lines are scanned again.
    const lines = LineIndex.forEditedText(lastLines.get(uri), current);
    lastLines.set(uri, lines);
    const lineIndexFor = (other: string) => (other === uri ? lines : undefined);
    const diagnostics: Diagnostic[] = [];
    const stillCurrent = computed.report.findings.filter((finding) => finding.uri === uri && current.slice(finding.span.start, finding.span.end) === then.slice(finding.span.start, finding.span.end));
    // The rules in force apply, and `// prisma-lens-ignore <rule>: <reason>` above the schema line silences these too.
    for (const finding of options.host.pendingFindings(stillCurrent, { uri, text: current, lines, ran: analysed.ran })) diagnostics.push(toDiagnostic(finding, lines, lineIndexFor));
    if (notice && uri === firstSchemaUri(computed)) {
      const anchor = noticeAnchor(computed, uri, current);
      diagnostics.push({ range: { start: lines.positionAt(anchor.start), end: lines.positionAt(anchor.end) }, severity: notice.severity, source: DIAGNOSTIC_SOURCE, message: notice.message });
    }
    return diagnostics;
  }

  // Both are asked on every pull of the schema: each builds a schema once per text it is asked about.
  const firstUris = new WeakMap<Computed, string | undefined>();
  function firstSchemaUri(computed: Computed): string | undefined {
    if (!firstUris.has(computed)) firstUris.set(computed, buildSchemaOfTexts(computed.texts).datasource?.uri ?? [...computed.texts.keys()][0]);
    return firstUris.get(computed);
  }

  let lastAnchor: { uri: string; text: string; anchor: { start: number; end: number } } | undefined;
  function noticeAnchor(computed: Computed, uri: string, current: string): { start: number; end: number } {
    if (lastAnchor?.uri === uri && lastAnchor.text === current) return lastAnchor.anchor;
    const datasource = buildSchemaOfTexts(new Map([[uri, current]])).datasource;
    const start = datasource?.span.start ?? 0;
    const end = current.indexOf('\n', start);
    lastAnchor = { uri, text: current, anchor: { start, end: end < 0 ? current.length : end } };
    return lastAnchor.anchor;
  }

  function schedule(uri: string): void {
    if (!isSchemaUri(uri)) return;
    clearTimeout(timers.get(uri));
    const generation = (generations.get(uri) ?? 0) + 1;
    generations.set(uri, generation);
    const timer = setTimeout(() => {
      timers.delete(uri);
      void recompute(uri, () => generations.get(uri) !== generation);
    }, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
    timers.set(uri, timer);
  }

  async function recompute(uri: string, isCancelled: () => boolean): Promise<void> {
    try {
      const result = await computeFor(uri, isCancelled);
      if (!result || isCancelled()) return;
      const { schemaKey, files, report } = result;
      for (const error of report.errors) options.log(`pending migration for ${schemaKey}: ${error}`);
      const previous = computedBySchema.get(schemaKey);
      // The key names what the findings say and where: an edit that changes neither asks for no new pull.
      const key = keyOf(report);
      computedBySchema.set(schemaKey, { texts: new Map(files.map((file) => [file.uri, file.text])), report, key });
      for (const file of files) schemaOfUri.set(file.uri, schemaKey);
      if ((previous?.key ?? EMPTY_KEY) === key) return;
      options.refresh();
    } catch (error) {
      options.log(`pending migration for ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  async function computeFor(uri: string, isCancelled: () => boolean = () => false) {
    if (!uri.startsWith('file:')) return undefined;
    const set = await schemaSetForFile(fileURLToPath(uri), options.workspaceFolders());
    if (!set) return undefined;
    const analysed = await workspace.analyse(uri, isCancelled);
    if (!analysed || isCancelled()) return undefined;
    const files: SchemaFile[] = analysed.analysis.schema.files.map((file) => ({ uri: file.uri, text: file.text, version: file.version }));
    const report = await pending.compute({ projectRoot: set.projectRoot, schemaPath: set.schemaPath, files }, isCancelled);
    if (!report) return undefined;
    return { schemaKey: analysed.schemaKey, files, report, set };
  }

  documents.onDidOpen((event) => schedule(event.document.uri));
  documents.onDidChangeContent((event) => schedule(event.document.uri));
  documents.onDidSave((event) => {
    // A saved migration changes the baseline of every open schema.
    if (/[\\/]migrations[\\/]/.test(event.document.uri) && /\.sql$/i.test(event.document.uri)) for (const document of documents.all()) schedule(document.uri);
  });

  connection.onRequest(PREVIEW_NEXT_MIGRATION_REQUEST, async (params: { uri: string }) => {
    const result = await computeFor(params.uri).catch((error: unknown) => ({ error: String(error) }));
    if (!result) return { text: previewMigrationText({ sql: '', sqlFindings: [], from: 'nothing', to: params.uri, problem: 'this file is not part of a Prisma schema Prisma Lens found in the workspace' }) };
    if ('error' in result) return { text: previewMigrationText({ sql: '', sqlFindings: [], from: 'nothing', to: params.uri, problem: result.error }) };
    const { report, set } = result;
    const to = `${relativeTo(set.projectRoot, set.schemaPath)} (unsaved changes included)`;
    const problem = report.problem ?? (report.baseline.kind === 'none' ? `no baseline: ${report.baseline.reason}` : report.errors.find((error) => error.startsWith('schema engine:')));
    return { text: previewMigrationText({ sql: report.sql, sqlFindings: report.sqlFindings, from: describeBaseline(report.baseline, set.projectRoot), to, problem }) };
  });

  connection.onRequest(SAFE_MIGRATION_CANDIDATES_REQUEST, async (params: { uri: string }) => {
    const result = await computeFor(params.uri).catch(() => undefined);
    if (!result) return { fields: [], problem: 'this file is not part of a Prisma schema Prisma Lens found in the workspace' };
    return { fields: requiredFieldsOf(result.report, result.files), problem: result.report.problem };
  });

  connection.onRequest(CREATE_SAFE_MIGRATION_REQUEST, async (params: { uri: string; model: string; field: string }) => {
    try {
      const result = await computeFor(params.uri);
      if (!result) return { error: 'this file is not part of a Prisma schema Prisma Lens found in the workspace' };
      const { report, files } = result;
      if (report.baseline.kind !== 'migrations') return { error: 'this project has no migrations folder yet: create the first migration with `prisma migrate dev` first' };
      const schema = buildSchema(files);
      const model = schema.models.find((candidate) => candidate.name === params.model);
      const field = model?.fields.find((candidate) => candidate.name === params.field);
      if (!model || !field) return { error: `\`${params.model}.${params.field}\` is not in the schema` };
      const finding = report.sqlFindings.find((candidate) => candidate.ruleId === 'adding-required-field' && candidate.target.table === model.dbName && candidate.target.column === field.dbName);
      if (!finding) return { error: `the next migration does not add \`${params.model}.${params.field}\` as a required column to a table with rows` };
      const sqlType = addedColumnType(report.sql.slice(finding.span.start, finding.span.end), field.dbName);
      if (!sqlType) return { error: `the SQL type of \`${params.model}.${params.field}\` could not be read from the next migration` };
      const folder = report.baseline.folder;
      const listing = await readMigrationFolder(folder);
      const plans = expandContractMigrations({ table: model.dbName, schema: finding.target.schema, column: field.dbName, sqlType, label: `${model.name}.${field.name}` }, new Date(), listing.migrations);
      const written: string[] = [];
      for (const plan of plans) {
        const target = path.join(folder, plan.name);
        await fs.mkdir(target, { recursive: false });
        await fs.writeFile(path.join(target, 'migration.sql'), plan.sql, { flag: 'wx' });
        written.push(target);
      }
      for (const document of documents.all()) schedule(document.uri);
      return { folders: written };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });

  return {
    async dispose() {
      for (const timer of timers.values()) clearTimeout(timer);
      await engine.dispose();
    },
  };
}

/** The new required fields of the next migration that a table with rows would reject. */
function requiredFieldsOf(report: PendingReport, files: readonly SchemaFile[]): SafeMigrationCandidate[] {
  const schema = buildSchema(files);
  const candidates: SafeMigrationCandidate[] = [];
  for (const finding of report.sqlFindings) {
    if (finding.ruleId !== 'adding-required-field') continue;
    const model = schema.models.find((candidate) => candidate.kind === 'model' && candidate.dbName === finding.target.table);
    const field = model?.fields.find((candidate) => candidate.dbName === finding.target.column);
    if (!model || !field) continue;
    const text = files.find((file) => file.uri === model.uri)?.text ?? '';
    candidates.push({ model: model.name, field: field.name, uri: model.uri, line: new LineIndex(text).positionAt(field.nameSpan.start).line });
  }
  return candidates;
}

function noticeOf(report: PendingReport): { severity: DiagnosticSeverity; message: string } | undefined {
  if (report.problem) return { severity: DiagnosticSeverity.Warning, message: `Prisma Lens could not compute the next migration: ${report.problem}` };
  // Said alongside what is pending, so an unchanged schema shows nothing.
  if (report.baseline.kind === 'git' && report.sql.trim()) {
    return {
      severity: DiagnosticSeverity.Information,
      message: 'This project has no migrations folder: Prisma Lens compares the schema with the last committed version (git HEAD) to find what the next migration would change.',
    };
  }
  return undefined;
}

function describeBaseline(baseline: PendingBaseline, projectRoot: string): string {
  switch (baseline.kind) {
    case 'migrations':
      return `the state the ${baseline.count} migration${baseline.count === 1 ? '' : 's'} in ${relativeTo(projectRoot, baseline.folder)} build`;
    case 'git':
      return 'the schema of the last commit (git HEAD), since the project has no migrations folder';
    case 'none':
      return `nothing (${baseline.reason})`;
  }
}

function relativeTo(root: string, target: string): string {
  const relative = path.relative(root, target);
  return relative && !relative.startsWith('..') ? relative.split(path.sep).join('/') : target;
}

function buildSchemaOfTexts(texts: ReadonlyMap<string, string>) {
  return buildSchema([...texts].map(([uri, text]) => ({ uri, text })));
}

