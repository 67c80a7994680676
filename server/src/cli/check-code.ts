/** Runs the code rules for the CLI: the TypeScript/JavaScript files under each folder (or named), each with its project's schema. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import { isCodeFile, listCodeFiles } from '../workspace/code-files';
import { readCodeText } from '../workspace/code-index-core';
import { codeFileSchemaSnapshot, schemaSetForCodeFile } from '../workspace/code-file-schema';
import { cachedDiscovery, readSchemaFiles, type SchemaSet } from '../workspace/discovery';
import { isInside } from '../workspace/walk';
import type { CheckOutcome, CheckTarget } from './outcome';
import type { ProjectHost } from '../workspace/project-host';
import { workspaceQueries, type WorkspaceQuery } from '../analysis/facts/workspace-facts';
import { reportFindings } from './report';

export interface CodeCheckOptions {
  /** Puts each file's findings together: the rules it runs under, its suppression comments. */
  host: ProjectHost;
  /** Collects each schema's workspace queries (by schema path), for rules that read them (`unused-index`). */
  queries?: Map<string, WorkspaceQuery[]>;
  /** Schemas the schema check already built, by schema path; others are read here. */
  schemas: ReadonlyMap<string, PrismaSchema>;
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

  let checked = 0;
  const readable: { file: string; set: SchemaSet | undefined; uri: string; text: string }[] = [];
  const joined = new Set<CheckTarget>();
  const outsideSchemas = new Map<CheckTarget, Set<string>>();
  for (const [file, { target, setOf, named }] of [...planned].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // Blocking reads: a command-line run has nothing else to do meanwhile, and an awaited read per
    // file waits for the thread pool twice (its stat, then its read).
    const read = readCodeText(file);
    if ('problem' in read) {
      (named ? outcome.unreadable : outcome.warnings).push({ path: file, message: read.problem });
      continue;
    }
    checked++;
    const set = await setOf(file, read.text);
    readable.push({ file, set, uri: pathToFileURL(file).toString(), text: read.text });
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
  // Analysed in one pass with what each function queries per call, across files (n-plus-one follows calls).
  const entries = await Promise.all(
    readable.map(async (entry) => ({ ...entry, ran: await options.host.rulesFor(entry.file, { language: 'typescript', text: entry.text }), schema: await schemaOf(entry.set) })),
  );
  const queries = options.queries;
  const analyses = options.host.workspaceCodeFindings(entries, {
    // What each file queries, for the rules that read the workspace's queries (`unused-index`), taken as each file is analysed.
    sites: (entry, sites) => {
      if (!queries || !entry.set || !entry.schema) return;
      const list = queries.get(entry.set.schemaPath) ?? [];
      list.push(...workspaceQueries(sites, entry.schema));
      queries.set(entry.set.schemaPath, list);
    },
  });
  for (const { file, uri, text } of entries) {
    const analysis = analyses.get(uri);
    if (!analysis) continue;
    for (const error of analysis.errors) outcome.ruleErrors.push(`${error.split('\n')[0]} (in ${file})`);
    outcome.report.findings.push(...reportFindings(analysis.findings, [{ uri, text }], outcome.report.base));
  }
  outcome.report.codeFileCount = (outcome.report.codeFileCount ?? 0) + checked;
}
