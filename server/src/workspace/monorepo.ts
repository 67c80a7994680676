/**
 * Finds the monorepo a file belongs to (npm, yarn and pnpm workspaces, lerna, turbo, nx, else its
 * git repository) and the folders of its workspace packages by name, as package managers link them.
 */
import { readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stripScriptComments } from './prisma-project';
import { sharedPending } from './shared-pending';
import { StampedCache } from './stamped-cache';
import { isInside, isSkippedFolderName, pathExists, readStampedText, type Stamps } from './walk';

/** Files that make a folder the root of a monorepo, besides a package.json with `workspaces`. */
const MONOREPO_MARKERS = ['pnpm-workspace.yaml', 'lerna.json', 'turbo.json', 'nx.json', 'rush.json'];
/** Turborepo's package configuration: `"extends": ["//"]`, the root's configuration. */
const PACKAGE_TURBO_CONFIG = /"extends"\s*:\s*\[\s*"\/\/"/;

/** Where turbo and nx repositories keep their packages when no package manager lists them. */
const DEFAULT_PACKAGE_GLOBS = ['apps/*', 'packages/*', 'libs/*', 'services/*'];

/** `**` in a workspace glob descends at most this deep. */
const MAX_GLOB_DEPTH = 5;

/** Whether each folder asked about is a monorepo root, shared by the lookups of one pass. */
export type RootMemo = Map<string, Promise<boolean>>;

/**
 * The root of the monorepo holding `folder`: the nearest folder at or above it with a workspace
 * marker, else the root of its git repository. Never the home folder or a folder above it, never
 * above a repository's root; undefined when nothing marks one. With `inside`, only folders
 * strictly inside that one count (a monorepo within a larger workspace folder).
 */
export async function monorepoRootAbove(folder: string, memo: RootMemo = new Map(), inside?: string): Promise<string | undefined> {
  const home = homeFolder();
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    if (inside !== undefined && (dir === inside || !isInside(dir, inside))) return undefined;
    if (home && dir === home) return undefined;
    if (await sharedPending(memo, dir, () => marksRoot(dir))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function marksRoot(dir: string): Promise<boolean> {
  return (await isWorkspaceRoot(dir)) || (await pathExists(path.join(dir, '.git')));
}

function homeFolder(): string | undefined {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? os.homedir();
  return home ? path.resolve(home) : undefined;
}

async function isWorkspaceRoot(dir: string): Promise<boolean> {
  for (const marker of MONOREPO_MARKERS) {
    if (!(await pathExists(path.join(dir, marker)))) continue;
    // A package's own turbo.json extends the root's (`"extends": ["//"]`): it marks a package, not the root.
    if (marker === 'turbo.json' && PACKAGE_TURBO_CONFIG.test(readStampedText(path.join(dir, marker), undefined) ?? '')) continue;
    return true;
  }
  const text = readStampedText(path.join(dir, 'package.json'), undefined);
  return text !== undefined && packageJsonWorkspaces(text) !== undefined;
}

/** A monorepo's workspace packages: the folders its package manager links, by package name. */
export interface WorkspaceLayout {
  root: string;
  /** Package name → its folder. */
  packages: ReadonlyMap<string, string>;
}

const layouts = new StampedCache<WorkspaceLayout>((root, stamps) => Promise.resolve(readLayout(root, stamps)));

/** The packages of the monorepo rooted at `root`, cached and revalidated by the folders and package.json files it read. */
export function workspaceLayout(root: string): Promise<WorkspaceLayout> {
  return layouts.get(path.resolve(root));
}

/** Drops every cached layout (a file-watcher event). */
export function forgetWorkspaceLayouts(): void {
  layouts.clear();
}

function readLayout(root: string, stamps: Stamps): WorkspaceLayout {
  const globs = workspaceGlobs(root, stamps);
  const include = globs.filter((glob) => !glob.startsWith('!'));
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => path.resolve(root, glob.slice(1)));
  const packages = new Map<string, string>();
  const folders = new Set<string>([root]);
  for (const glob of include) for (const folder of expandGlob(root, glob, stamps)) folders.add(folder);
  for (const folder of [...folders].sort()) {
    if (exclude.some((excluded) => folder === excluded)) continue;
    const name = packageName(readStampedText(path.join(folder, 'package.json'), stamps));
    if (name && !packages.has(name)) packages.set(name, folder);
  }
  return { root, packages };
}

/** The package folders the root lists: package.json `workspaces`, pnpm-workspace.yaml, lerna.json; else the usual folders. */
function workspaceGlobs(root: string, stamps: Stamps): string[] {
  const globs: string[] = [];
  const packageJson = readStampedText(path.join(root, 'package.json'), stamps);
  if (packageJson !== undefined) globs.push(...(packageJsonWorkspaces(packageJson) ?? []));
  const pnpm = readStampedText(path.join(root, 'pnpm-workspace.yaml'), stamps);
  if (pnpm !== undefined) globs.push(...pnpmWorkspacePackages(pnpm));
  const lerna = readStampedText(path.join(root, 'lerna.json'), stamps);
  if (lerna !== undefined) globs.push(...stringList(parseJsonc(lerna), 'packages'));
  return globs.length > 0 ? globs : DEFAULT_PACKAGE_GLOBS;
}

/** The `workspaces` globs of a package.json (a list, or yarn's `{ packages }`); undefined when it has none. */
export function packageJsonWorkspaces(text: string): string[] | undefined {
  const json = parseJsonc(text);
  if (!isRecord(json)) return undefined;
  const workspaces = json.workspaces;
  if (Array.isArray(workspaces)) return workspaces.filter((glob): glob is string => typeof glob === 'string');
  if (isRecord(workspaces)) return stringList(workspaces, 'packages');
  return undefined;
}

/** The `packages:` list of a pnpm-workspace.yaml (block or flow style), read without a YAML parser. */
export function pnpmWorkspacePackages(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => /^packages\s*:/.test(line));
  if (start === -1) return [];
  const unquote = (value: string): string => value.trim().replace(/\s+#.*$/, '').replace(/^(['"])(.*)\1$/, '$2');
  const inline = /^packages\s*:\s*\[(.*)\]/.exec(lines[start]!);
  if (inline) return inline[1]!.split(',').map(unquote).filter(Boolean);
  const globs: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#.*)?$/.test(line)) continue;
    const item = /^\s+-\s+(.+)$/.exec(line);
    if (!item) break;
    globs.push(unquote(item[1]!));
  }
  return globs;
}

/** Folders matching a workspace glob (`apps/*`, `packages/**`, `tools/cli`), relative to the root. */
function expandGlob(root: string, glob: string, stamps: Stamps): string[] {
  const segments = glob.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter((segment) => segment !== '' && segment !== '.');
  const found: string[] = [];
  const walk = (dir: string, at: number, depth: number): void => {
    if (at === segments.length) {
      found.push(dir);
      return;
    }
    const segment = segments[at]!;
    if (segment === '..') return;
    if (!segment.includes('*')) {
      walk(path.join(dir, segment), at + 1, depth);
      return;
    }
    const children = subfolders(dir, stamps);
    if (segment === '**') {
      walk(dir, at + 1, depth);
      if (depth < MAX_GLOB_DEPTH) for (const child of children) walk(child, at, depth + 1);
      return;
    }
    const pattern = new RegExp(`^${segment.split('*').map(escapeRegExp).join('[^/]*')}$`);
    for (const child of children) if (pattern.test(path.basename(child))) walk(child, at + 1, depth);
  };
  walk(root, 0, 0);
  return found;
}

function subfolders(dir: string, stamps: Stamps): string[] {
  try {
    stamps.set(dir, statSync(dir).mtimeMs);
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !isSkippedFolderName(entry.name))
      .map((entry) => path.join(dir, entry.name));
  } catch {
    stamps.set(dir, -1);
    return [];
  }
}

/** The `name` of a package.json text; undefined when absent or unreadable. */
export function packageName(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const json = parseJsonc(text);
  return isRecord(json) && typeof json.name === 'string' && json.name !== '' ? json.name : undefined;
}

/** JSON as tsconfig.json and friends allow it: comments and trailing commas. Undefined when it does not parse. */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Falls through to the lenient reading.
  }
  try {
    return JSON.parse(stripScriptComments(text).replace(/,(\s*[}\]])/g, '$1'));
  } catch {
    return undefined;
  }
}

function stringList(json: unknown, key: string): string[] {
  const value = isRecord(json) ? json[key] : undefined;
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
