/** Walks a folder tree for Prisma projects and schema files, skipping dependencies, build output and generated clients. */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { generatedClientEvidence, isGeneratedClientPackage, PRISMA_CONFIG_NAMES } from './prisma-project';

/**
 * Folders never searched: dependencies and the usual build output. Hidden folders (`.git`,
 * `.next`, `.turbo`, `.cache`, `.vercel`, `.output`, `.yarn`, `.pnpm-store`, …) are skipped as a
 * class, since none of them holds a schema Prisma would load and some are huge.
 */
export const SKIPPED_FOLDER_NAMES: ReadonlySet<string> = new Set(['node_modules', 'dist', 'build', 'out', 'coverage', 'bower_components']);

export function isSkippedFolderName(name: string): boolean {
  return name.startsWith('.') || SKIPPED_FOLDER_NAMES.has(name);
}

/**
 * Modification times of what a walk read, so a cached result can be checked with `stat` alone:
 * a folder's mtime changes when entries are added, removed or renamed; a file's when it is written.
 */
export type Stamps = Map<string, number>;

export interface WalkProblem {
  path: string;
  message: string;
}

export interface TreeScan {
  /** Folders holding a package.json or a prisma.config.*: where Prisma's CLI could be run from. */
  projectDirs: string[];
  prismaFiles: string[];
  /** Folders recognised as generated Prisma clients and not searched. */
  generatedDirs: string[];
  problems: WalkProblem[];
}

export interface WalkOptions {
  stamps?: Stamps;
}

/** Scans `root` (always searched, whatever its name) and everything below it that is not skipped. */
export async function scanTree(root: string, options: WalkOptions = {}): Promise<TreeScan> {
  const scan: TreeScan = { projectDirs: [], prismaFiles: [], generatedDirs: [], problems: [] };
  await walkInSlices({ dir: root, isRoot: true }, (folder, push) => visit(folder.dir, folder.isRoot, scan, options, push));
  scan.projectDirs.sort(comparePaths);
  scan.prismaFiles.sort(comparePaths);
  scan.generatedDirs.sort(comparePaths);
  return scan;
}

/** Every `.prisma` file under `folder` (a multi-file schema), with the same skipping rules, sorted. */
export async function listPrismaFiles(folder: string, options: WalkOptions = {}): Promise<{ files: string[]; problems: WalkProblem[] }> {
  const scan = await scanTree(folder, options);
  return { files: scan.prismaFiles, problems: scan.problems };
}

/** A walk gives the event loop back after this much work, so requests are answered in between. */
const SLICE_MS = 8;

/**
 * Visits `first` and every folder its visits push, one after another, giving the event loop back
 * between slices. Walks read folders with blocking calls: a workspace holds thousands of small
 * folders, and a round trip through the thread pool costs several times the call itself.
 */
export async function walkInSlices<T>(first: T, visitOne: (item: T, push: (item: T) => void) => void): Promise<void> {
  const pending: T[] = [first];
  const push = (item: T): void => void pending.push(item);
  let sliceStart = performance.now();
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    visitOne(item, push);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

function visit(dir: string, isRoot: boolean, scan: TreeScan, options: WalkOptions, push: (folder: { dir: string; isRoot: boolean }) => void): void {
  let entries: Dirent[];
  try {
    if (options.stamps) options.stamps.set(dir, statSync(dir).mtimeMs);
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    scan.problems.push({ path: dir, message: `the folder could not be read (${errorCode(error)})` });
    return;
  }
  const names = entries.map((entry) => entry.name);
  if (!isRoot && isGeneratedClientFolder(dir, names, options.stamps)) {
    scan.generatedDirs.push(dir);
    return;
  }
  if (names.includes('package.json') || names.some((name) => PRISMA_CONFIG_NAMES.includes(name))) scan.projectDirs.push(dir);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolderName(entry.name)) push({ dir: full, isRoot: false });
    } else if (entry.name.endsWith('.prisma') && (entry.isFile() || (entry.isSymbolicLink() && isFile(full)))) {
      // Symlinked files are followed; symlinked folders are not, so a link cycle cannot trap the walk.
      scan.prismaFiles.push(full);
    }
  }
}

/** Whether a folder holds a generated Prisma client (and is not searched); reads its package.json only when the names leave it open. */
export function isGeneratedClientFolder(dir: string, names: readonly string[], stamps?: Stamps): boolean {
  const evidence = generatedClientEvidence(names);
  if (evidence !== 'package-json') return evidence === 'generated';
  const text = readStampedText(path.join(dir, 'package.json'), stamps);
  return text !== undefined && isGeneratedClientPackage(text);
}

/**
 * Reads a small text file (a blocking read, as the walks make), recording its mtime first so that
 * a write during the read is noticed later.
 */
export function readStampedText(file: string, stamps: Stamps | undefined, maxBytes = 5 * 1024 * 1024): string | undefined {
  try {
    const info = statSync(file);
    stamps?.set(file, info.mtimeMs);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    stamps?.set(file, -1);
    return undefined;
  }
}

/** True when every stamped path still has the recorded mtime (-1 = absent). */
export async function stampsAreCurrent(stamps: Stamps): Promise<boolean> {
  const checks = [...stamps].map(async ([file, mtimeMs]) => {
    try {
      return (await stat(file)).mtimeMs === mtimeMs;
    } catch {
      return mtimeMs === -1;
    }
  });
  return (await Promise.all(checks)).every(Boolean);
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Code-unit order: the same on every platform and locale, unlike `localeCompare`. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether anything (file or folder) is at `target`. */
export async function pathExists(target: string): Promise<boolean> {
  try {
    await stat(target);
    return true;
  } catch {
    return false;
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * True when `child` is `parent` or lies inside it. Asked for every import of every code file, so
 * two normalised POSIX paths (the usual case) are compared as text; any other pair goes through
 * `path.relative`, which resolves both (and compares Windows paths without case).
 */
export function isInside(child: string, parent: string): boolean {
  if (isNormalPosixPath(child) && isNormalPosixPath(parent)) {
    if (child.length === parent.length) return child === parent;
    return child.startsWith(parent) && (parent.length === 1 || child.charCodeAt(parent.length) === SLASH);
  }
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

const SLASH = 0x2f;
/** A `.` or `..` segment, an empty segment, or a trailing slash: what `path.resolve` would change. */
const NOT_NORMAL = /\/\.{1,2}(?:\/|$)|\/\/|.\/$/;

function isNormalPosixPath(value: string): boolean {
  return path.sep === '/' && value.charCodeAt(0) === SLASH && !NOT_NORMAL.test(value);
}
