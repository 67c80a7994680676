/** Lists a workspace's TypeScript and JavaScript sources, as git sees them: .gitignore'd, dependency, build and generated-client folders are left out. */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isGeneratedClientFolder, isSkippedFolderName, walkInSlices } from './walk';

const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const DECLARATION_FILE = /\.d\.[cm]?ts$/;
const MINIFIED_FILE = /\.min\.[cm]?js$/;

export function isCodeFile(file: string): boolean {
  return CODE_FILE.test(file) && !DECLARATION_FILE.test(file) && !MINIFIED_FILE.test(file);
}

interface IgnoreScope {
  dir: string;
  rules: Ignore;
}

interface PendingFolder {
  dir: string;
  scopes: readonly IgnoreScope[];
  isRoot: boolean;
}

/**
 * Absolute paths of the code files under `root`, sorted. Unreadable folders are skipped.
 * `onFiles` gets each folder's code files as soon as the folder is read, so that they can be
 * worked on while the rest of the tree is listed.
 */
export async function listCodeFiles(root: string, onFiles?: (files: readonly string[]) => void): Promise<string[]> {
  const files: string[] = [];
  await walkInSlices<PendingFolder>({ dir: path.resolve(root), scopes: [], isRoot: true }, (folder, push) => {
    const before = files.length;
    visit(folder, files, push);
    if (onFiles && files.length > before) onFiles(files.slice(before));
  });
  return files.sort();
}

function visit({ dir, scopes, isRoot }: PendingFolder, files: string[], push: (folder: PendingFolder) => void): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const names = entries.map((entry) => entry.name);
  if (!isRoot && isGeneratedClientFolder(dir, names)) return;
  const ownScope = names.includes('.gitignore') ? readIgnoreScope(dir) : undefined;
  const active = ownScope ? [...scopes, ownScope] : scopes;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolderName(entry.name) && !isIgnored(full, true, active)) push({ dir: full, scopes: active, isRoot: false });
    } else if (entry.isFile() && isCodeFile(entry.name) && !isIgnored(full, false, active)) {
      files.push(full);
    }
  }
}

function readIgnoreScope(dir: string): IgnoreScope | undefined {
  try {
    return { dir, rules: ignore().add(readFileSync(path.join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined;
  }
}

function isIgnored(file: string, isDirectory: boolean, scopes: readonly IgnoreScope[]): boolean {
  for (const scope of scopes) {
    // A scope is a folder above `file`, so the path below it is the rest of `file`.
    const below = file.slice(scope.dir.endsWith(path.sep) ? scope.dir.length : scope.dir.length + 1);
    const relative = path.sep === '/' ? below : below.split(path.sep).join('/');
    if (relative !== '' && scope.rules.ignores(isDirectory ? `${relative}/` : relative)) return true;
  }
  return false;
}
