/**
 * Finds a workspace's Prisma schemas the way Prisma's CLI does, one schema set per project
 * (monorepos hold several), plus sets for `.prisma` files no project claims that are not copies of
 * a schema (history, documentation, fixtures, templates: see schema-copies.ts).
 */
import * as path from 'node:path';
import { groupLooseFiles } from './loose-schemas';
import { declaresDatasource, generatorOutputs, PRISMA_CONFIG_NAMES } from './prisma-project';
import { resolveProjectSchema, type ResolvedSource } from './project-schema';
import { hasTemplatePlaceholder, schemaCopyKind, type SetAsideSchema } from './schema-copies';
import { forgetWorkspaceLayouts, monorepoRootAbove, type RootMemo } from './monorepo';
import { StampedCache } from './stamped-cache';
import { comparePaths, isInside, listPrismaFiles, pathExists, readStampedText, scanTree, type Stamps, type WalkProblem } from './walk';

export { readSchemaFiles, MAX_SCHEMA_FILE_BYTES, type ReadSchemaFilesResult, type SchemaFileProblem } from './schema-files';

export type SchemaSource = ResolvedSource | 'loose';

/** The files Prisma reads together as one schema. */
export interface SchemaSet {
  /** The folder Prisma's CLI would run in: where the package.json or prisma.config.* is (or the searched root). */
  projectRoot: string;
  /** The schema file, or the folder of a multi-file schema. */
  schemaPath: string;
  /** Absolute paths of its `.prisma` files, sorted. */
  files: string[];
  source: SchemaSource;
  /** Absolute folders its generators write clients to (`output`, resolved against the file that declares it). */
  clientOutputs?: string[];
}

export type DiscoveryProblem = WalkProblem;

export interface Discovery {
  sets: SchemaSet[];
  /** Configured locations that do not exist or cannot be read, unreadable folders. */
  problems: DiscoveryProblem[];
  /** `.prisma` files no project claims that are copies of a schema (history, documentation, fixtures, templates), sorted: in no set. */
  setAside: SetAsideSchema[];
  /**
   * The copies that generate a client, each a set of its own: their findings are not reported,
   * but a code file that imports such a client (a data migration's script beside its copy of the
   * schema) runs on it, and is joined to it.
   */
  copies: SchemaSet[];
}

export async function findSchemaSets(root: string): Promise<SchemaSet[]> {
  return (await discoverSchemas(root)).sets;
}

/** Schema sets under `root`, sorted by schema path, with what went wrong on the way. */
export async function discoverSchemas(root: string, options: { stamps?: Stamps } = {}): Promise<Discovery> {
  const top = path.resolve(root);
  const scan = await scanTree(top, options);
  const problems: DiscoveryProblem[] = [...scan.problems];
  const facts = readSchemaFacts(scan.prismaFiles, options.stamps);
  const outputs = generatedOutputFolders(facts);
  const isGeneratedOutput = (file: string): boolean => outputs.some((folder) => isInside(file, folder));
  const projectDirs = scan.projectDirs.includes(top) ? scan.projectDirs : [top, ...scan.projectDirs];

  const resolved = await Promise.all(
    projectDirs.map(async (projectRoot): Promise<SchemaSet | undefined> => {
      const resolution = await resolveProjectSchema(projectRoot, options.stamps);
      problems.push(...resolution.problems);
      const schema = resolution.schema;
      if (!schema) return undefined;
      if (!schema.isFolder) return withOutputs({ projectRoot, schemaPath: schema.schemaPath, files: [schema.schemaPath], source: schema.source }, facts, options.stamps);
      const listed = await listPrismaFiles(schema.schemaPath, options);
      problems.push(...listed.problems);
      const files = listed.files.filter((file) => !isGeneratedOutput(file));
      if (files.length === 0) {
        problems.push({ path: schema.schemaPath, message: `the schema folder of ${describeSource(schema.source)} holds no .prisma files` });
        return undefined;
      }
      return withOutputs({ projectRoot, schemaPath: schema.schemaPath, files, source: schema.source }, facts, options.stamps);
    }),
  );
  const sets = preferExplicitSources(resolved.filter((set): set is SchemaSet => set !== undefined));

  const claimed = new Set(sets.flatMap((set) => set.files));
  const loose = scan.prismaFiles
    .filter((file) => !claimed.has(file) && !isGeneratedOutput(file))
    .map((file) => ({ file, hasDatasource: facts.get(file)?.hasDatasource ?? false, projectRoot: nearestProject(file, projectDirs) }));
  // Copies of a schema are left out; naming one (a CLI argument, a file opened in the editor) still reviews it on its own.
  const setAside: SetAsideSchema[] = [];
  const live = loose.filter((entry) => {
    const kind = schemaCopyKind(entry.file, entry.projectRoot, { rootIsProject: scan.projectDirs.includes(entry.projectRoot), isTemplate: facts.get(entry.file)?.isTemplate });
    if (kind) setAside.push({ file: entry.file, kind });
    return kind === undefined;
  });
  for (const schema of groupLooseFiles(live)) sets.push(withOutputs({ ...schema, source: 'loose' }, facts, options.stamps));
  const copies = setAside
    .map(({ file }) => withOutputs({ projectRoot: nearestProject(file, projectDirs), schemaPath: file, files: [file], source: 'loose' }, facts, options.stamps))
    .filter((copy) => copy.clientOutputs !== undefined);

  sets.sort((a, b) => comparePaths(a.schemaPath, b.schemaPath) || comparePaths(a.projectRoot, b.projectRoot));
  problems.sort((a, b) => comparePaths(a.path, b.path) || comparePaths(a.message, b.message));
  return { sets, problems, setAside, copies };
}

interface SchemaFacts {
  /** Absolute `output` folders of the file's generators. */
  outputs: string[];
  hasDatasource: boolean;
  /** A template a build step fills in (`provider = "{{PRISMA_PROVIDER}}"`), not a schema Prisma reads. */
  isTemplate: boolean;
}

function readSchemaFacts(files: readonly string[], stamps: Stamps | undefined): Map<string, SchemaFacts> {
  const facts = new Map<string, SchemaFacts>();
  for (const file of files) {
    const fileFacts = readFileFacts(file, stamps);
    if (fileFacts) facts.set(file, fileFacts);
  }
  return facts;
}

function readFileFacts(file: string, stamps: Stamps | undefined): SchemaFacts | undefined {
  const text = readStampedText(file, stamps);
  if (text === undefined || text.includes('\u0000')) return undefined;
  const outputs = generatorOutputs(text).map((output) => path.resolve(path.dirname(file), output));
  return { outputs, hasDatasource: declaresDatasource(text), isTemplate: hasTemplatePlaceholder(text) };
}

/** The set with the client folders of its files' generators (a configured schema outside the walk is read for them). */
function withOutputs(set: SchemaSet, facts: Map<string, SchemaFacts>, stamps: Stamps | undefined): SchemaSet {
  const outputs = new Set<string>();
  for (const file of set.files) {
    let fileFacts = facts.get(file);
    if (!fileFacts) {
      fileFacts = readFileFacts(file, stamps);
      if (fileFacts) facts.set(file, fileFacts);
    }
    for (const output of fileFacts?.outputs ?? []) outputs.add(output);
  }
  return outputs.size > 0 ? { ...set, clientOutputs: [...outputs].sort(comparePaths) } : set;
}

/**
 * Folders that some generator writes its client to (Prisma resolves `output` against the schema
 * file). An output that contains the schema itself (`output = "."`) is ignored: excluding it would
 * hide the very schema that declares it.
 */
function generatedOutputFolders(facts: ReadonlyMap<string, SchemaFacts>): string[] {
  const folders = new Set<string>();
  for (const [file, { outputs }] of facts) {
    for (const output of outputs) if (!isInside(file, output)) folders.add(output);
  }
  return [...folders];
}

const SOURCE_RANK: Record<SchemaSource, number> = {
  'prisma.config': 0,
  'package.json': 1,
  'default-file': 2,
  'default-folder': 2,
  loose: 3,
};

/**
 * Two projects may name the same schema (a monorepo root's config pointing into a package that
 * also finds it by default): one set is kept, the one named explicitly, else the nearest project.
 */
function preferExplicitSources(sets: readonly SchemaSet[]): SchemaSet[] {
  const bySchema = new Map<string, SchemaSet>();
  for (const set of sets) {
    const kept = bySchema.get(set.schemaPath);
    const better =
      !kept ||
      SOURCE_RANK[set.source] < SOURCE_RANK[kept.source] ||
      (SOURCE_RANK[set.source] === SOURCE_RANK[kept.source] && set.projectRoot.length > kept.projectRoot.length);
    if (better) bySchema.set(set.schemaPath, set);
  }
  return [...bySchema.values()];
}

function nearestProject(file: string, projectDirs: readonly string[]): string {
  let nearest = projectDirs[0]!;
  for (const dir of projectDirs) if (isInside(file, dir) && dir.length > nearest.length) nearest = dir;
  return nearest;
}

function describeSource(source: ResolvedSource): string {
  return source === 'default-folder' ? 'the default location prisma/schema/' : `the ${source} file`;
}

// ---------------------------------------------------------------------------------------------
// The language server's entry point: which schema a file belongs to, cached per root.

const discoveries = new StampedCache<Discovery>((root, stamps) => discoverSchemas(root, { stamps }));

/**
 * The set holding `file`, discovered from the innermost workspace folder that contains it (or,
 * outside every folder, from its monorepo or nearest project; see `discoveryRootFor`). The
 * discovery is cached and revalidated by comparing the modification times of what it read, so
 * calling again costs a few `stat`s.
 */
export async function schemaSetForFile(file: string, workspaceFolders: readonly string[]): Promise<SchemaSet | undefined> {
  const target = normalizeDrive(path.resolve(file));
  const root = await discoveryRootFor(target, workspaceFolders.map((folder) => normalizeDrive(path.resolve(folder))));
  const discovery = await cachedDiscovery(root);
  return discovery.sets.find((set) => set.files.includes(target));
}

/** Drops every cached discovery, for callers that know the disk changed (a file-watcher event). */
export function forgetSchemaSets(): void {
  discoveries.clear();
  forgetWorkspaceLayouts();
}

/** The discovery of `root`, cached; a few `stat`s check that it is still current (none within a moment of the last check). */
export function cachedDiscovery(root: string): Promise<Discovery> {
  return discoveries.get(root);
}

/**
 * Where a file's projects are discovered from: the innermost workspace folder that contains it,
 * narrowed to the monorepo or repository the file is in when that lies inside the folder (a folder
 * holding several repositories); outside every folder (the CLI), the root of its monorepo
 * (workspace markers, else the git repository; never the home folder or above), else its nearest
 * project, else its folder. The current folder plays no part, so a file is joined to the same
 * schema from wherever it is asked.
 */
export async function discoveryRootFor(file: string, workspaceFolders: readonly string[], memo?: RootMemo): Promise<string> {
  const containing = workspaceFolders.filter((folder) => isInside(file, folder));
  if (containing.length > 0) {
    const folder = containing.reduce((a, b) => (b.length > a.length ? b : a));
    return (await monorepoRootAbove(path.dirname(file), memo, folder)) ?? folder;
  }
  return (await monorepoRootAbove(path.dirname(file), memo)) ?? (await nearestProjectAbove(file)) ?? path.dirname(file);
}

/**
 * The nearest folder above a file that has a package.json or Prisma config, without climbing out
 * of a repository (a `.git` folder) or into the home folder, so a stray file does not make the
 * whole disk the search root.
 */
async function nearestProjectAbove(file: string): Promise<string | undefined> {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (home && path.resolve(dir) === path.resolve(home)) return undefined;
    for (const marker of ['package.json', ...PRISMA_CONFIG_NAMES]) if (await pathExists(path.join(dir, marker))) return dir;
    if ((await pathExists(path.join(dir, '.git'))) || path.dirname(dir) === dir) return undefined;
  }
}

/** `c:\…` and `C:\…` are one path on Windows; file URIs and workspace folders disagree on the case. */
export function normalizeDrive(file: string): string {
  return /^[a-z]:/.test(file) ? file[0]!.toUpperCase() + file.slice(1) : file;
}
