/** Walks a folder tree for Prisma projects and schema files, skipping dependencies, build output and generated clients. */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
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
  await visit(root, true, scan, options);
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

async function visit(dir: string, isRoot: boolean, scan: TreeScan, options: WalkOptions): Promise<void> {
  let entries: Dirent[];
  try {
    if (options.stamps) options.stamps.set(dir, (await stat(dir)).mtimeMs);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    scan.problems.push({ path: dir, message: `the folder could not be read (${errorCode(error)})` });
    return;
  }
  const names = entries.map((entry) => entry.name);
  if (!isRoot && (await isGeneratedClientFolder(dir, names, options))) {
    scan.generatedDirs.push(dir);
    return;
  }
  if (names.includes('package.json') || names.some((name) => PRISMA_CONFIG_NAMES.includes(name))) scan.projectDirs.push(dir);
  const subfolders: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolderName(entry.name)) subfolders.push(full);
    } else if (entry.name.endsWith('.prisma') && (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full))))) {
      // Symlinked files are followed; symlinked folders are not, so a link cycle cannot trap the walk.
      scan.prismaFiles.push(full);
    }
  }
  await Promise.all(subfolders.map((folder) => visit(folder, false, scan, options)));
}

export async function isGeneratedClientFolder(dir: string, names: readonly string[], options: WalkOptions): Promise<boolean> {
  const evidence = generatedClientEvidence(names);
  if (evidence !== 'package-json') return evidence === 'generated';
  const text = await readStampedText(path.join(dir, 'package.json'), options.stamps);
  return text !== undefined && isGeneratedClientPackage(text);
}

/** Reads a small text file, recording its mtime first so that a write during the read is noticed later. */
export async function readStampedText(file: string, stamps: Stamps | undefined, maxBytes = 5 * 1024 * 1024): Promise<string | undefined> {
  try {
    const info = await stat(file);
    stamps?.set(file, info.mtimeMs);
    if (!info.isFile() || info.size > maxBytes) return undefined;
    return await readFile(file, 'utf8');
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

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Code-unit order: the same on every platform and locale, unlike `localeCompare`. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? (error instanceof Error ? error.message : String(error));
}

/** True when `child` is `parent` or lies inside it. */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}
