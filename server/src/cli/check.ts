/** Runs the analysis for the CLI: discovers the schemas under each path, reads and validates them, and collects findings. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SchemaError, WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { Rule } from '../analysis/rules/types';
import { buildSchema } from '../analysis/schema/build';
import { cachedDiscovery, readSchemaFiles, schemaSetForFile, type SchemaSet } from '../workspace/discovery';
import type { SetAsideSchema } from '../workspace/schema-copies';
import { commonFolder, reportFindings, sortFindings } from './report';
import { checkCodeFiles } from './check-code';
import type { PrismaSchema, SchemaFile } from '../analysis/schema/model';
import { checkMigrations, isMigrationTarget, type MigrationSelection, type NamedMigrations } from './check-migrations';
import { ProjectHost, type RulesInForce } from '../workspace/project-host';
import { pendingFindings } from './check-pending';
import { validateSchema, type PrismaValidation } from '../engines/schema-validation';
import { SchemaValidationThread } from '../engines/schema-validation-thread';
import { migrationFolderKind } from '../workspace/migrations';
import type { CheckOutcome, CheckTarget } from './outcome';

export type { CheckOutcome, CheckProblem, CheckTarget } from './outcome';

interface Planned {
  set: SchemaSet;
  /** Absent: report every file of the set; present: only these (file arguments). */
  onlyFiles: Set<string> | undefined;
}

/** A planned schema once read: its files, its model (for the code rules too), its rules and Prisma's validation under way. */
interface ReadSchema extends Planned {
  files: SchemaFile[];
  schema: PrismaSchema;
  ran: RulesInForce;
  validation: Promise<SchemaError[]> | undefined;
}

/**
 * Plans the run and hands each file to the project host, which puts its findings together (the
 * rules in force, their facts, the suppression comments): the schemas are read first, the
 * migrations and code files are checked, then the schemas' findings are made with what the code
 * queries (`unused-index`) and Prisma's validation (`schema-error`).
 */
export async function checkTargets(
  targets: readonly CheckTarget[],
  options: { rules?: readonly Rule[]; pending?: boolean; migrations?: MigrationSelection; codeThreadFrom?: number } = {},
): Promise<CheckOutcome> {
  const base = commonFolder(targets.map((target) => (target.isFile ? path.dirname(target.absolute) : target.absolute)));
  const outcome = emptyOutcome(base);
  const planned = new Map<string, Planned>();
  // `.sql` files are linted by checkMigrations below, never read as a schema; so are migration folders.
  const namedMigrations: NamedMigrations = { files: targets.filter(isMigrationTarget).map((target) => target.absolute), folders: [], listings: new Map() };
  for (const target of targets) {
    if (isMigrationTarget(target)) continue;
    for (const { set, onlyFile } of await setsForTarget(target, outcome, namedMigrations)) plan(planned, set, onlyFile);
  }
  const host = new ProjectHost({ report: (problem) => outcome.warnings.push(problem), candidates: options.rules });
  const validation = new SchemaValidation();
  try {
    const read = await readSchemas(planned, host, validation, outcome);
    // The migrations are linted while the code pass's worker thread analyses the code (or before the
    // code, without one); what they report goes where it went when they were linted first.
    const migrations = emptyOutcome(outcome.report.base);
    let linted: Promise<void> | undefined;
    const lintMigrations = () => (linted ??= checkMigrations(namedMigrations, [...planned.values()].filter((entry) => !entry.onlyFiles).map((entry) => entry.set), migrations, { host, selection: options.migrations ?? { env: {} } }));
    const marks = problemCounts(outcome);
    const queries = new Map<string, WorkspaceQuery[]>();
    await checkCodeFiles(targets, outcome, { host, schemas: new Map(read.map((entry) => [entry.set.schemaPath, entry.schema])), queries, threadFrom: options.codeThreadFrom, meanwhile: lintMigrations });
    await lintMigrations();
    insertOutcome(outcome, migrations, marks);
    await checkSchemas(read, { host, queries, pending: options.pending === true, base, outcome });
  } finally {
    await validation.dispose();
  }
  sortFindings(outcome.report.findings);
  return outcome;
}

function emptyOutcome(base: string): CheckOutcome {
  return { report: { findings: [], schemaCount: 0, base }, unreadable: [], warnings: [], notes: [], ruleErrors: [], emptyTargets: [] };
}

type ProblemCounts = Record<'unreadable' | 'warnings' | 'notes' | 'ruleErrors', number>;

function problemCounts(outcome: CheckOutcome): ProblemCounts {
  return { unreadable: outcome.unreadable.length, warnings: outcome.warnings.length, notes: outcome.notes.length, ruleErrors: outcome.ruleErrors.length };
}

/** Puts `part`'s findings and problems into `outcome`, each list's at the length it had at `marks`. */
function insertOutcome(outcome: CheckOutcome, part: CheckOutcome, marks: ProblemCounts): void {
  outcome.report.findings.push(...part.report.findings);
  if (part.report.migrationFileCount !== undefined) outcome.report.migrationFileCount = (outcome.report.migrationFileCount ?? 0) + part.report.migrationFileCount;
  outcome.unreadable.splice(marks.unreadable, 0, ...part.unreadable);
  outcome.warnings.splice(marks.warnings, 0, ...part.warnings);
  outcome.notes.splice(marks.notes, 0, ...part.notes);
  outcome.ruleErrors.splice(marks.ruleErrors, 0, ...part.ruleErrors);
  outcome.emptyTargets.push(...part.emptyTargets);
}

/** Reads each planned schema, builds its model and starts Prisma's validation (on another thread for a large schema) where `schema-error` runs. */
async function readSchemas(planned: ReadonlyMap<string, Planned>, host: ProjectHost, validation: SchemaValidation, outcome: CheckOutcome): Promise<ReadSchema[]> {
  const read: ReadSchema[] = [];
  for (const entry of planned.values()) {
    const files = await readSchemaFiles(entry.set);
    outcome.unreadable.push(...files.problems);
    if (files.files.length === 0) continue;
    outcome.report.schemaCount++;
    const ran = await host.rulesFor(entry.set.schemaPath);
    const errors = host.wants(ran, 'validation') ? schemaErrors(entry.set, files, outcome, validation) : undefined;
    read.push({ ...entry, files: files.files, schema: buildSchema(files.files), ran, validation: errors });
  }
  return read;
}

/** Each schema's findings, from the host, with the hazards of its next migration when `--pending` asks for them. */
async function checkSchemas(read: readonly ReadSchema[], context: { host: ProjectHost; queries: ReadonlyMap<string, WorkspaceQuery[]>; pending: boolean; base: string; outcome: CheckOutcome }): Promise<void> {
  const { host, base, outcome } = context;
  for (const { set, onlyFiles, files, schema, ran, validation } of read) {
    // The workspace's queries are known only for a schema checked whole (its code files were checked with it).
    const queries = !onlyFiles && host.wants(ran, 'queries') ? (context.queries.get(set.schemaPath) ?? []) : undefined;
    const facts = { ...(queries ? { queries } : {}), ...(validation ? { prismaValidation: await validation } : {}) };
    const analysis = host.schemaFindings(schema, files, ran, { facts })!;
    for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${set.schemaPath})`);
    const pending = context.pending ? await pendingFindings(set, files, outcome) : [];
    for (const file of files) {
      if (onlyFiles && !onlyFiles.has(file.uri)) continue;
      const findings = analysis.findings.filter((finding) => finding.uri === file.uri);
      const next = host.pendingFindings(pending.filter((finding) => finding.uri === file.uri), { uri: file.uri, text: file.text, ran });
      outcome.report.findings.push(...reportFindings([...findings, ...next], files, base));
    }
  }
}

/**
 * What stops Prisma in the schema: bytes that are not UTF-8, and the errors of Prisma's own
 * validation, which runs only when every file of the schema could be read (a missing file would
 * make every reference into it an error).
 */
async function schemaErrors(set: SchemaSet, read: { files: SchemaFile[]; problems: readonly unknown[]; encodingErrors: SchemaError[] }, outcome: CheckOutcome, validator: SchemaValidation): Promise<SchemaError[]> {
  if (read.problems.length > 0) return read.encodingErrors;
  const validation = await validator.validate(read.files);
  if ('failure' in validation) {
    outcome.warnings.push({ path: set.schemaPath, message: `not checked for Prisma's own errors: ${validation.failure}` });
    return read.encodingErrors;
  }
  return [...read.encodingErrors, ...validation.errors];
}

/** Schemas at least this large are validated on a thread of their own: starting it costs about what validating 100 KB does. */
const THREAD_FROM_CHARACTERS = 100_000;

/** Prisma's validation for the CLI: in this thread for a small schema, on another core for a large one (started when first needed, ended when idle or by `dispose`). */
class SchemaValidation {
  private thread: SchemaValidationThread | undefined;

  validate(files: readonly SchemaFile[]): Promise<PrismaValidation> {
    const size = files.reduce((sum, file) => sum + file.text.length, 0);
    if (size < THREAD_FROM_CHARACTERS) return Promise.resolve(validateSchema(files));
    // Ended once it has answered: its engine's memory is not kept through the code check.
    this.thread ??= new SchemaValidationThread(0);
    return this.thread.validate(files);
  }

  async dispose(): Promise<void> {
    await this.thread?.dispose();
  }
}

async function setsForTarget(target: CheckTarget, outcome: CheckOutcome, namedMigrations: NamedMigrations): Promise<{ set: SchemaSet; onlyFile?: string }[]> {
  if (target.isFile) {
    // A code file is checked by checkCodeFiles against its project's schema; it is no schema itself.
    if (/\.[cm]?[jt]sx?$/i.test(target.absolute)) return [];
    // A file is reviewed with the rest of its schema (its relations may point into sibling
    // files), but only its own findings are reported. A file no project claims, even one in a
    // skipped folder, is reviewed on its own: naming it is asking for it.
    const owner = await schemaSetForFile(target.absolute, []);
    const set = owner ?? { projectRoot: path.dirname(target.absolute), schemaPath: target.absolute, files: [target.absolute], source: 'loose' as const };
    return [{ set, onlyFile: target.absolute }];
  }
  // Cached: the code step asks for the same folder's discovery again.
  const discovery = await cachedDiscovery(target.absolute);
  outcome.warnings.push(...discovery.problems);
  if (discovery.setAside.length > 0) outcome.notes.push(setAsideNote(target, discovery.setAside));
  if (discovery.sets.length === 0) {
    // No schema: a migrations folder, or one migration's folder, is linted on its own, as Squawk would.
    const migrations = await migrationFolderKind(target.absolute);
    if (migrations?.kind === 'migration') namedMigrations.files.push(migrations.file);
    else if (migrations?.kind === 'migrations') {
      namedMigrations.folders.push(target.absolute);
      namedMigrations.listings.set(target.absolute, migrations.listing);
    }
    else outcome.emptyTargets.push(target);
  }
  return discovery.sets.map((set) => ({ set }));
}

/** One line naming the copies of a schema a folder holds, which its check leaves out, and how to review one anyway. */
function setAsideNote(target: CheckTarget, setAside: readonly SetAsideSchema[]): string {
  const kinds = (['history', 'documentation', 'fixture', 'template'] as const)
    .map((kind) => ({ kind, count: setAside.filter((entry) => entry.kind === kind).length }))
    .filter(({ count }) => count > 0)
    .map(({ kind, count }) => `${count} ${kind}`);
  const first = path.join(target.input, path.relative(target.absolute, setAside[0]!.file));
  const files = setAside.length === 1 ? '1 .prisma file' : `${setAside.length} .prisma files`;
  return `${files} in ${target.input} not reviewed as copies of a schema (${kinds.join(', ')}); name one to review it (${first})`;
}

function plan(planned: Map<string, Planned>, set: SchemaSet, onlyFile: string | undefined): void {
  const key = `${set.schemaPath}\u0000${set.files.join('\u0000')}`;
  const existing = planned.get(key);
  const only = onlyFile === undefined ? undefined : new Set([pathToFileURL(onlyFile).toString()]);
  if (!existing) {
    planned.set(key, { set, onlyFiles: only });
  } else if (existing.onlyFiles) {
    // A whole-schema request wins over file requests; file requests add up.
    if (only) for (const uri of only) existing.onlyFiles.add(uri);
    else existing.onlyFiles = undefined;
  }
}
