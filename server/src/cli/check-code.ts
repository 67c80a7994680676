/** Runs the code rules for the CLI: the TypeScript/JavaScript files under each folder (or named), each with its project's schema. */
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import { isCodeFile, listCodeFiles } from '../workspace/code-files';
import { callsPrismaOperation, readCodeText } from '../workspace/code-index-core';
import { CodePassThread } from '../workspace/code-pass-thread';
import { codeFileSchemaSnapshot, schemaSetForCodeFile } from '../workspace/code-file-schema';
import { cachedDiscovery, readSchemaFiles, type SchemaSet } from '../workspace/discovery';
import { isInside } from '../workspace/walk';
import type { CheckOutcome, CheckTarget } from './outcome';
import type { ProjectHost, RulesInForce } from '../workspace/project-host';
import type { WorkspaceQuery } from '../analysis/facts/workspace-facts';
import { reportFindings } from './report';

export interface CodeCheckOptions {
  /** Puts each file's findings together: the rules it runs under, its suppression comments. */
  host: ProjectHost;
  /** Collects each schema's workspace queries (by schema path), for rules that read them (`unused-index`). */
  queries?: Map<string, WorkspaceQuery[]>;
  /** Schemas the schema check already built, by schema path; others are read here. */
  schemas: ReadonlyMap<string, PrismaSchema>;
  /**
   * How many characters of code in files that call a Prisma operation make the code pass run on a
   * worker thread (tests lower it); `THREAD_FROM_CHARACTERS` by default, never with
   * `PRISMA_LENS_CODE_THREAD=0` (to measure or rule it out).
   */
  threadFrom?: number;
  /** Work of the main thread's own to do once every file is handed to the code pass, while the worker thread analyses them. */
  meanwhile?: () => Promise<void>;
}

/**
 * The worker thread pays from about this much code in the files that call a Prisma operation (the
 * files the first round parses). Starting it and building its schemas costs half a second of CPU,
 * and on a 2-core machine the check already keeps the second core half busy (V8 optimises and
 * collects garbage on threads of its own), so the thread shortens no check there; what it saves is
 * memory, the garbage of the syntax trees piling up in the main thread's heap (whose limit we
 * cannot set). Measured on the real-world corpus: with 9.7 to 12.9 million such characters (three
 * of its largest applications), the peak memory fell by 20 to 30 % (to 340 to 380 MB) for up to a
 * second more; with 3.6 million, it saved nothing.
 */
export const THREAD_FROM_CHARACTERS = 6_000_000;

/** A file of the pass: its schema set, for the queries it collects. */
interface PassFile {
  uri: string;
  text: string;
  set: SchemaSet | undefined;
  schema: PrismaSchema | undefined;
  ran: RulesInForce;
}

/** A code file read, with its plan. */
interface ReadCodeFile extends PlannedCodeFile {
  file: string;
  uri: string;
  text: string;
}

interface PlannedCodeFile {
  /** The folder target it was listed from; undefined for a file named on the command line. */
  target: CheckTarget | undefined;
  /** Its schema, from its text (see `schemaSetForCodeFile`). */
  setOf: (file: string, text: string) => Promise<SchemaSet | undefined>;
  /** Named on the command line: a file that cannot be read is an input error, not a warning. */
  named: boolean;
}

/**
 * Analyses the code files of `targets` and adds their findings, problems and count to `outcome`.
 * Each file is joined to the schema whose client it uses (see `schemaSetForCodeFile`): in a folder
 * holding schemas, as the editor does with that folder open; in a folder holding none (an app of a
 * monorepo), as if each file were named alone, so its imports and its monorepo decide. A schema
 * outside the folders checked is read for the code rules, and its own findings are not reported:
 * a note names it, and the folder is no empty target.
 */
export async function checkCodeFiles(targets: readonly CheckTarget[], outcome: CheckOutcome, options: CodeCheckOptions): Promise<void> {
  const readable = readCodeFiles(await planCodeFiles(targets), outcome);
  // A worker thread analyses the files, from the first one whose schema is known.
  const threadFrom = options.threadFrom ?? (process.env.PRISMA_LENS_CODE_THREAD === '0' ? Number.POSITIVE_INFINITY : THREAD_FROM_CHARACTERS);
  const calling = readable.reduce((sum, entry) => sum + (callsPrismaOperation(entry.text) ? entry.text.length : 0), 0);
  const thread = availableParallelism() > 1 && calling >= threadFrom ? CodePassThread.start() : undefined;
  try {
    const queries = options.queries;
    // Analysed in one pass with what each function queries per call, across files (n-plus-one follows calls).
    const pass = options.host.workspaceCodePass<PassFile>(readable, {
      thread,
      // What each file queries, for the rules that read the workspace's queries (`unused-index`, `missing-fk-index`).
      queries: queries && ((entry, found) => {
        if (!entry.set) return;
        const list = queries.get(entry.set.schemaPath) ?? [];
        list.push(...found);
        queries.set(entry.set.schemaPath, list);
      }),
    });
    await addToPass(readable, pass, targets, outcome, options);
    await options.meanwhile?.();
    const analyses = await pass.finish();
    for (const { file, uri, text } of readable) {
      const analysis = analyses.get(uri);
      if (!analysis) continue;
      for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${file})`);
      outcome.report.findings.push(...reportFindings(analysis.findings, [{ uri, text }], outcome.report.base));
    }
  } finally {
    await thread?.stop();
  }
  outcome.report.codeFileCount = (outcome.report.codeFileCount ?? 0) + readable.length;
}

/** The code files of `targets`, each with how its schema is found. */
async function planCodeFiles(targets: readonly CheckTarget[]): Promise<Map<string, PlannedCodeFile>> {
  const planned = new Map<string, PlannedCodeFile>();
  for (const target of targets) {
    if (target.isFile) {
      if (isCodeFile(path.basename(target.absolute))) planned.set(target.absolute, { target: undefined, setOf: (file, text) => schemaSetForCodeFile(file, [], text), named: true });
      continue;
    }
    const files = await listCodeFiles(target.absolute);
    if (files.length === 0) continue;
    const holdsSchemas = (await cachedDiscovery(target.absolute)).sets.length > 0;
    const setOf = codeFileSchemaSnapshot(holdsSchemas ? [target.absolute] : []);
    for (const file of files) if (!planned.has(file)) planned.set(file, { target, setOf, named: false });
  }
  return planned;
}

/** The texts of the planned files, in path order; a file that cannot be analysed is a problem of `outcome`. */
function readCodeFiles(planned: ReadonlyMap<string, PlannedCodeFile>, outcome: CheckOutcome): ReadCodeFile[] {
  // Blocking reads: a command-line run has nothing else to do meanwhile, and an awaited read per
  // file waits for the thread pool twice (its stat, then its read).
  const readable: ReadCodeFile[] = [];
  for (const [file, plan] of [...planned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const read = readCodeText(file);
    if ('problem' in read) (plan.named ? outcome.unreadable : outcome.warnings).push({ path: file, message: read.problem });
    else readable.push({ ...plan, file, uri: pathToFileURL(file).toString(), text: read.text });
  }
  return readable;
}

/**
 * Adds each file to the pass with its schema and rules, in order, and notes what the schemas tell
 * about the targets: a folder whose code uses a schema was checked, and a schema outside the paths
 * given is named.
 */
async function addToPass(readable: readonly ReadCodeFile[], pass: { add(file: PassFile): void }, targets: readonly CheckTarget[], outcome: CheckOutcome, options: CodeCheckOptions): Promise<void> {
  const schemas = new Map<string, Promise<PrismaSchema | undefined>>();
  const schemaOf = (set: SchemaSet | undefined): Promise<PrismaSchema | undefined> => {
    if (!set) return Promise.resolve(undefined);
    const known = options.schemas.get(set.schemaPath);
    if (known) return Promise.resolve(known);
    let pending = schemas.get(set.schemaPath);
    if (!pending) {
      pending = readSchemaFiles(set).then((read) => (read.files.length > 0 ? buildSchema(read.files) : undefined));
      schemas.set(set.schemaPath, pending);
    }
    return pending;
  };
  // Every file's rules are looked up at once: the lookups wait on the disk (configuration files, project folders).
  const rules = readable.map(({ file, text }) => options.host.rulesFor(file, { language: 'typescript', text }));
  const joined = new Set<CheckTarget>();
  const outsideSchemas = new Map<CheckTarget, Set<string>>();
  for (const [index, { file, uri, text, target, setOf }] of readable.entries()) {
    const set = await setOf(file, text);
    pass.add({ uri, text, set, schema: await schemaOf(set), ran: await rules[index]! });
    if (!set || !target) continue;
    joined.add(target);
    if (!targets.some((other) => !other.isFile && isInside(set.schemaPath, other.absolute))) {
      const sets = outsideSchemas.get(target) ?? new Set<string>();
      sets.add(set.schemaPath);
      outsideSchemas.set(target, sets);
    }
  }
  // A folder with no schema of its own whose code uses one (an app of a monorepo) was checked.
  outcome.emptyTargets = outcome.emptyTargets.filter((target) => !joined.has(target));
  for (const [target, schemaPaths] of outsideSchemas) {
    const named = [...schemaPaths].sort().map((schemaPath) => path.relative(outcome.report.base, schemaPath) || schemaPath);
    outcome.notes.push(`code in ${target.input} checked against ${named.join(', ')} (outside the paths given; ${named.length === 1 ? 'its' : 'their'} own findings are not reported)`);
  }
}
