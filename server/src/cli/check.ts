/** Runs the analysis for the CLI: discovers the schemas under each path, reads and validates them, and collects findings. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeSchema, runSchemaRules } from '../analysis/analyze';
import type { SchemaError, WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { Rule } from '../analysis/rules/types';
import { discoverSchemas, readSchemaFiles, schemaSetForFile, type SchemaSet } from '../workspace/discovery';
import { commonFolder, reportFindings, sortFindings, type Report } from './report';
import { checkCodeFiles } from './check-code';
import type { PrismaSchema, SchemaFile } from '../analysis/schema/model';
import { checkMigrations, isMigrationTarget, type MigrationSelection, type NamedMigrations } from './check-migrations';
import { CliPolicy } from './policy';
import { rules as registeredRules } from '../analysis/rules/index';
import { applySuppressions } from '../analysis/policy/suppressions';
import { pendingFindings } from './check-pending';
import { validateSchema, type PrismaValidation } from '../engines/schema-validation';
import { SchemaValidationThread } from '../engines/schema-validation-thread';
import { migrationFolderKind } from '../workspace/migrations';

export interface CheckTarget {
  /** As the user typed it, for messages. */
  input: string;
  absolute: string;
  isFile: boolean;
}

export interface CheckProblem {
  path: string;
  message: string;
}

export interface CheckOutcome {
  report: Report;
  /** Files that could not be analysed (too large, binary, unreadable): input errors. */
  unreadable: CheckProblem[];
  /** Configured locations that were not usable; the files were still reviewed. */
  warnings: CheckProblem[];
  /** What the run decided that the reader should know (which migrations were reviewed, against which base). */
  notes: string[];
  /** Rules that threw, with the schema they threw on; the other rules still reported. */
  ruleErrors: string[];
  /** Folder targets holding no Prisma project (no schema) and no migrations: input errors. */
  emptyTargets: CheckTarget[];
}

interface Planned {
  set: SchemaSet;
  /** Absent: report every file of the set; present: only these (file arguments). */
  onlyFiles: Set<string> | undefined;
}

export async function checkTargets(targets: readonly CheckTarget[], options: { rules?: readonly Rule[]; pending?: boolean; migrations?: MigrationSelection } = {}): Promise<CheckOutcome> {
  const base = commonFolder(targets.map((target) => (target.isFile ? path.dirname(target.absolute) : target.absolute)));
  const outcome: CheckOutcome = { report: { findings: [], schemaCount: 0, base }, unreadable: [], warnings: [], notes: [], ruleErrors: [], emptyTargets: [] };
  const planned = new Map<string, Planned>();
  // `.sql` files are linted by checkMigrations below, never read as a schema; so are migration folders.
  const namedMigrations: NamedMigrations = { files: targets.filter(isMigrationTarget).map((target) => target.absolute), folders: [] };
  for (const target of targets) {
    if (isMigrationTarget(target)) continue;
    for (const { set, onlyFile } of await setsForTarget(target, outcome, namedMigrations)) plan(planned, set, onlyFile);
  }
  const policy = new CliPolicy(options.rules ?? registeredRules, outcome);
  const schemas = new Map<string, PrismaSchema>();
  const validation = new SchemaValidation();
  try {
    await checkSchemas(planned, { policy, schemas, validation, pending: options.pending === true, base, outcome });
  } finally {
    await validation.dispose();
  }
  await checkMigrations(namedMigrations, [...planned.values()].filter((entry) => !entry.onlyFiles).map((entry) => entry.set), outcome, { policy, selection: options.migrations ?? { env: {} } });
  const queries = new Map<string, WorkspaceQuery[]>();
  await checkCodeFiles(targets, outcome, { policy, schemas, queries });
  await checkIndexUsage(planned, schemas, queries, policy, outcome);
  sortFindings(outcome.report.findings);
  return outcome;
}

/** Reads, validates and checks each planned schema, and adds its findings to the outcome. */
async function checkSchemas(
  planned: ReadonlyMap<string, Planned>,
  context: { policy: CliPolicy; schemas: Map<string, PrismaSchema>; validation: SchemaValidation; pending: boolean; base: string; outcome: CheckOutcome },
): Promise<void> {
  const { policy, schemas, validation, base, outcome } = context;
  for (const { set, onlyFiles } of planned.values()) {
    const read = await readSchemaFiles(set);
    outcome.unreadable.push(...read.problems);
    if (read.files.length === 0) continue;
    outcome.report.schemaCount++;
    const ran = await policy.rulesFor(set.schemaPath);
    // Prisma's own validation (schema-error) runs meanwhile, on another thread for a large schema,
    // and its rule runs on its answer after the others.
    const errorRules = ran.rules.filter((rule) => rule.id === 'schema-error');
    const prismaValidation = errorRules.length > 0 ? schemaErrors(set, read, outcome, validation) : undefined;
    const analysis = analyzeSchema(read.files, { rules: ran.rules.filter((rule) => rule.id !== 'schema-error') });
    if (prismaValidation) {
      const errors = runSchemaRules(analysis.schema, { rules: errorRules, facts: { prismaValidation: await prismaValidation } });
      analysis.findings.push(...errors.findings);
      analysis.errors.push(...errors.errors);
    }
    schemas.set(set.schemaPath, analysis.schema);
    for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${set.schemaPath})`);
    const pending = context.pending ? await pendingFindings(set, read.files, ran.rules, outcome) : [];
    for (const file of read.files) {
      if (onlyFiles && !onlyFiles.has(file.uri)) continue;
      const findings = policy.finish(analysis.findings.filter((finding) => finding.uri === file.uri), { uri: file.uri, text: file.text, language: 'prisma' }, ran);
      // Hazards of the next migration honour the comments too; staleness is judged on the schema rules only.
      const next = applySuppressions(pending.filter((finding) => finding.uri === file.uri), file.text, 'prisma').kept;
      outcome.report.findings.push(...reportFindings([...findings, ...next], read.files, base));
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

/** Prisma's validation for the CLI: in this thread for a small schema, on another core for a large one (started when first needed, ended by `dispose`). */
class SchemaValidation {
  private thread: SchemaValidationThread | undefined;

  validate(files: readonly SchemaFile[]): Promise<PrismaValidation> {
    const size = files.reduce((sum, file) => sum + file.text.length, 0);
    if (size < THREAD_FROM_CHARACTERS) return Promise.resolve(validateSchema(files));
    this.thread ??= new SchemaValidationThread();
    return this.thread.validate(files);
  }

  async dispose(): Promise<void> {
    await this.thread?.dispose();
  }
}

/**
 * `unused-index` needs every query of the project, so it runs after the code files, on the schemas
 * checked whole, and only where the configuration turns it on (it is off by default).
 */
async function checkIndexUsage(planned: ReadonlyMap<string, Planned>, schemas: ReadonlyMap<string, PrismaSchema>, queries: ReadonlyMap<string, WorkspaceQuery[]>, policy: CliPolicy, outcome: CheckOutcome): Promise<void> {
  for (const { set, onlyFiles } of planned.values()) {
    const schema = schemas.get(set.schemaPath);
    if (onlyFiles || !schema) continue;
    const ran = await policy.rulesFor(set.schemaPath);
    const rules = ran.rules.filter((rule) => rule.id === 'unused-index');
    if (rules.length === 0) continue;
    const analysis = runSchemaRules(schema, { rules, facts: { queries: queries.get(set.schemaPath) ?? [] } });
    for (const file of schema.files) {
      const findings = applySuppressions(analysis.findings.filter((finding) => finding.uri === file.uri), file.text, 'prisma').kept;
      outcome.report.findings.push(...reportFindings(findings, schema.files, outcome.report.base));
    }
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
  const discovery = await discoverSchemas(target.absolute);
  outcome.warnings.push(...discovery.problems);
  if (discovery.sets.length === 0) {
    // No schema: a migrations folder, or one migration's folder, is linted on its own, as Squawk would.
    const migrations = await migrationFolderKind(target.absolute);
    if (migrations?.kind === 'migration') namedMigrations.files.push(migrations.file);
    else if (migrations?.kind === 'migrations') namedMigrations.folders.push(target.absolute);
    else outcome.emptyTargets.push(target);
  }
  return discovery.sets.map((set) => ({ set }));
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
