/**
 * Resolves import specifiers to where they lead, as TypeScript and Node would for the purpose of
 * finding a Prisma client: relative paths, tsconfig `paths` and `baseUrl`, workspace packages
 * (by the monorepo's package list, else a `node_modules` link) and their entry files.
 */
import { realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord, parseJsonc } from './monorepo';
import { isInside, readStampedText } from './walk';

/** Where a specifier leads. */
export type ImportTarget =
  /** Prisma's default generated client (`@prisma/client`, `.prisma/client`): the one the nearest project generates. */
  | { kind: 'prisma-client' }
  /**
   * A path in the workspace: `joined` as written (it may name a folder, or a generated client that
   * does not exist yet), `file` the source file it resolves to, if any.
   */
  | { kind: 'path'; joined: string; file: string | undefined }
  /** A package of the workspace (not a dependency from a registry): its folder and the file the import resolves to. */
  | { kind: 'package'; name: string; folder: string; file: string | undefined };

/** Facts about the disk a resolution reads, memoised by the caller for one lookup or one pass. */
export interface ResolutionContext {
  /** The monorepo's packages by name (empty outside a monorepo). */
  packages: ReadonlyMap<string, string>;
  /** Stops climbing for tsconfig files and node_modules above this folder. */
  top: string | undefined;
  /** Memo for tsconfig lookups, by folder. */
  tsconfigs: Map<string, PathAliases | undefined>;
  /** Memo of resolutions, by importing folder and specifier: the files of a folder import much the same. */
  resolved: Map<string, ImportTarget | undefined>;
  /** Memo of `node_modules` links, by folder and package name (most are registry packages: none). */
  linked: Map<string, string | undefined>;
  /** Memo of package entry files, by folder and subpath. */
  entries: Map<string, string | undefined>;
}

export function newResolutionContext(packages: ReadonlyMap<string, string>, top: string | undefined): ResolutionContext {
  return { packages, top, tsconfigs: new Map(), resolved: new Map(), linked: new Map(), entries: new Map() };
}

const PRISMA_CLIENT = /^(?:@prisma\/client|\.prisma\/client)(?:\/(?!runtime\b).*)?$/;

/** Where `specifier`, imported by `fromFile`, leads; undefined for a dependency that is no workspace package or file. */
export function resolveImport(specifier: string, fromFile: string, context: ResolutionContext): ImportTarget | undefined {
  if (PRISMA_CLIENT.test(specifier)) return { kind: 'prisma-client' };
  const key = `${path.dirname(fromFile)}\u0000${specifier}`;
  if (context.resolved.has(key)) return context.resolved.get(key);
  const target = resolveUncached(specifier, fromFile, context);
  context.resolved.set(key, target);
  return target;
}

function resolveUncached(specifier: string, fromFile: string, context: ResolutionContext): ImportTarget | undefined {
  if (isRelative(specifier) || path.isAbsolute(specifier)) {
    const joined = path.resolve(path.dirname(fromFile), specifier);
    return { kind: 'path', joined, file: resolveSourceFile(joined) };
  }
  const aliased = resolveAlias(specifier, fromFile, context);
  if (aliased) return aliased;
  const name = packageNameOf(specifier);
  if (!name) return undefined;
  const subpath = specifier.slice(name.length + 1);
  const folder = context.packages.get(name) ?? linkedWorkspacePackage(name, path.dirname(fromFile), context);
  if (!folder) return undefined;
  const entryKey = `${folder}\u0000${subpath}`;
  if (!context.entries.has(entryKey)) context.entries.set(entryKey, packageFile(folder, subpath));
  return { kind: 'package', name, folder, file: context.entries.get(entryKey) };
}

/** `./x`, `../x`, `.` or `..`; not `.prisma/client`, which names a package folder. */
function isRelative(specifier: string): boolean {
  return /^\.\.?(?:\/|$)/.test(specifier);
}

/** `@scope/name` or `name`, without the subpath; undefined for something that is no package name. */
function packageNameOf(specifier: string): string | undefined {
  const match = /^(@[^/\s]+\/[^/\s]+|[^@./\s][^/\s]*)/.exec(specifier);
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------
// tsconfig `paths` and `baseUrl`

export interface PathAliases {
  /** `paths` patterns, each with its targets already made absolute. */
  paths: { prefix: string; suffix: string; wildcard: boolean; targets: string[] }[];
  /** The absolute `baseUrl`, under which non-relative specifiers are looked up too. */
  baseUrl: string | undefined;
}

function resolveAlias(specifier: string, fromFile: string, context: ResolutionContext): ImportTarget | undefined {
  const aliases = aliasesFor(path.dirname(fromFile), context);
  if (!aliases) return undefined;
  let best: { pattern: PathAliases['paths'][number]; star: string } | undefined;
  for (const pattern of aliases.paths) {
    if (!pattern.wildcard) {
      if (specifier === pattern.prefix) {
        best = { pattern, star: '' };
        break;
      }
      continue;
    }
    if (specifier.length < pattern.prefix.length + pattern.suffix.length || !specifier.startsWith(pattern.prefix) || !specifier.endsWith(pattern.suffix)) continue;
    // TypeScript takes the pattern with the longest prefix.
    if (!best || pattern.prefix.length > best.pattern.prefix.length) best = { pattern, star: specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length) };
  }
  if (best) {
    const candidates = best.pattern.targets.map((target) => target.replace('*', best!.star));
    for (const joined of candidates) {
      const file = resolveSourceFile(joined);
      if (file) return { kind: 'path', joined, file };
    }
    if (candidates.length > 0) return { kind: 'path', joined: candidates[0]!, file: undefined };
  }
  if (aliases.baseUrl) {
    const joined = path.resolve(aliases.baseUrl, specifier);
    const file = resolveSourceFile(joined);
    if (file) return { kind: 'path', joined, file };
  }
  return undefined;
}

/** The aliases of the nearest tsconfig.json or jsconfig.json at or above `folder`. */
function aliasesFor(folder: string, context: ResolutionContext): PathAliases | undefined {
  if (context.tsconfigs.has(folder)) return context.tsconfigs.get(folder);
  let aliases: PathAliases | undefined;
  const config = ['tsconfig.json', 'jsconfig.json'].map((name) => path.join(folder, name)).find(isFile);
  if (config) {
    aliases = readAliases(config, context, 0);
  } else {
    const parent = path.dirname(folder);
    const stop = parent === folder || (context.top !== undefined && (folder === context.top || !isInside(parent, context.top)));
    aliases = stop ? undefined : aliasesFor(parent, context);
  }
  context.tsconfigs.set(folder, aliases);
  return aliases;
}

/** `paths` and `baseUrl` as a tsconfig and the configs it `extends` set them (the nearest setting wins). */
function readAliases(configFile: string, context: ResolutionContext, depth: number): PathAliases | undefined {
  if (depth > 5) return undefined;
  const json = parseJsonc(readStampedText(configFile, undefined, 1024 * 1024) ?? '');
  if (!isRecord(json)) return undefined;
  const dir = path.dirname(configFile);
  let inherited: PathAliases | undefined;
  const extended = typeof json.extends === 'string' ? [json.extends] : Array.isArray(json.extends) ? json.extends.filter((item): item is string => typeof item === 'string') : [];
  for (const parent of extended) {
    const parentFile = extendedConfigFile(parent, dir, context);
    const parentAliases = parentFile ? readAliases(parentFile, context, depth + 1) : undefined;
    if (parentAliases) inherited = { paths: parentAliases.paths.length > 0 ? parentAliases.paths : (inherited?.paths ?? []), baseUrl: parentAliases.baseUrl ?? inherited?.baseUrl };
  }
  const options = isRecord(json.compilerOptions) ? json.compilerOptions : {};
  const baseUrl = typeof options.baseUrl === 'string' ? path.resolve(dir, options.baseUrl) : inherited?.baseUrl;
  let paths = inherited?.paths ?? [];
  if (isRecord(options.paths)) {
    // Paths resolve against baseUrl when there is one, else against the config that declares them.
    const base = baseUrl ?? dir;
    paths = Object.entries(options.paths).map(([pattern, targets]) => {
      const star = pattern.indexOf('*');
      const list = Array.isArray(targets) ? targets.filter((target): target is string => typeof target === 'string') : [];
      return {
        prefix: star === -1 ? pattern : pattern.slice(0, star),
        suffix: star === -1 ? '' : pattern.slice(star + 1),
        wildcard: star !== -1,
        targets: list.map((target) => path.resolve(base, target)),
      };
    });
  }
  if (paths.length === 0 && baseUrl === undefined) return undefined;
  return { paths, baseUrl };
}

function extendedConfigFile(specifier: string, dir: string, context: ResolutionContext): string | undefined {
  const withJson = (file: string): string | undefined => [file, `${file}.json`, path.join(file, 'tsconfig.json')].find(isFile);
  if (isRelative(specifier) || path.isAbsolute(specifier)) return withJson(path.resolve(dir, specifier));
  // A shared config from a workspace package (`@acme/tsconfig/base.json`); registry packages are not read.
  const name = packageNameOf(specifier);
  const folder = name ? (context.packages.get(name) ?? linkedWorkspacePackage(name, dir, context)) : undefined;
  return folder ? withJson(path.join(folder, specifier.slice(name!.length + 1))) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Files, folders and package entry points

/** Source extensions, TypeScript first: a workspace's own code is read before its build output. */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.d.ts'];
const JS_TO_TS: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/** The source file a path names, as TypeScript resolves it: the file, with an extension, or the folder's index. */
export function resolveSourceFile(joined: string): string | undefined {
  const extension = path.extname(joined);
  // ESM code writes `./db.js` for the file `./db.ts`.
  for (const ts of JS_TO_TS[extension] ?? []) {
    const candidate = joined.slice(0, -extension.length) + ts;
    if (isFile(candidate)) return candidate;
  }
  if (isFile(joined)) return joined;
  for (const ext of EXTENSIONS) if (isFile(joined + ext)) return joined + ext;
  if (isFolder(joined)) {
    if (isFile(path.join(joined, 'package.json'))) {
      const entry = packageFile(joined, '');
      if (entry) return entry;
    }
    for (const ext of EXTENSIONS) if (isFile(path.join(joined, `index${ext}`))) return path.join(joined, `index${ext}`);
  }
  return undefined;
}

/** The file that `<package>/<subpath>` resolves to: package.json `exports`, `main`, `module`, `types`, else the usual source entries. */
export function packageFile(folder: string, subpath: string): string | undefined {
  const json = parseJsonc(readStampedText(path.join(folder, 'package.json'), undefined, 1024 * 1024) ?? '');
  const manifest = isRecord(json) ? json : {};
  const key = subpath === '' ? '.' : `./${subpath}`;
  for (const target of exportTargets(manifest.exports, key)) {
    const file = resolveSourceFile(path.resolve(folder, target));
    if (file && isInside(file, folder)) return file;
  }
  if (subpath !== '') return resolveSourceFile(path.join(folder, subpath)) ?? resolveSourceFile(path.join(folder, 'src', subpath));
  for (const field of ['main', 'module', 'types', 'typings']) {
    const target = manifest[field];
    if (typeof target !== 'string') continue;
    const file = resolveSourceFile(path.resolve(folder, target));
    if (file && isInside(file, folder)) return file;
  }
  return resolveSourceFile(path.join(folder, 'index')) ?? resolveSourceFile(path.join(folder, 'src', 'index'));
}

/**
 * The paths an `exports` map gives for `key`, every condition in order (a workspace package often
 * points `types` at its source and `default` at a build that does not exist yet). Patterns with
 * one `*` are matched as Node matches them.
 */
function exportTargets(exports: unknown, key: string): string[] {
  if (typeof exports === 'string' || Array.isArray(exports)) return key === '.' ? conditionTargets(exports) : [];
  if (!isRecord(exports)) return [];
  const keys = Object.keys(exports);
  if (!keys.some((name) => name.startsWith('.'))) return key === '.' ? conditionTargets(exports) : [];
  if (key in exports) return conditionTargets(exports[key]);
  for (const pattern of keys) {
    const star = pattern.indexOf('*');
    if (star === -1) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= prefix.length + suffix.length) {
      const match = key.slice(prefix.length, key.length - suffix.length);
      return conditionTargets(exports[pattern]).map((target) => target.replace(/\*/g, match));
    }
  }
  return [];
}

function conditionTargets(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(conditionTargets);
  if (isRecord(value)) return Object.values(value).flatMap(conditionTargets);
  return [];
}

/**
 * A package linked into a `node_modules` folder at or above `folder` that lives in the workspace
 * (its real path is outside every node_modules), as pnpm and yarn link workspace packages.
 */
function linkedWorkspacePackage(name: string, folder: string, context: ResolutionContext): string | undefined {
  const key = `${folder}\u0000${name}`;
  if (context.linked.has(key)) return context.linked.get(key);
  let found: string | undefined;
  const link = path.join(folder, 'node_modules', ...name.split('/'));
  if (isFolder(link)) {
    try {
      const real = realpathSync(link);
      found = real.split(path.sep).includes('node_modules') ? undefined : real;
    } catch {
      found = undefined;
    }
  } else {
    const parent = path.dirname(folder);
    const stop = parent === folder || (context.top !== undefined && (folder === context.top || !isInside(parent, context.top)));
    found = stop ? undefined : linkedWorkspacePackage(name, parent, context);
  }
  context.linked.set(key, found);
  return found;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function isFolder(folder: string): boolean {
  try {
    return statSync(folder).isDirectory();
  } catch {
    return false;
  }
}
