/** Lists a workspace's TypeScript and JavaScript sources, as git sees them: .gitignore'd, dependency, build and generated-client folders are left out. */
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isGeneratedClientFolder, isSkippedFolderName } from './walk';

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

/** Absolute paths of the code files under `root`, sorted. Unreadable folders are skipped. */
export async function listCodeFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  await visit(path.resolve(root), [], true, files);
  return files.sort();
}

async function visit(dir: string, scopes: readonly IgnoreScope[], isRoot: boolean, files: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  const names = entries.map((entry) => entry.name);
  if (!isRoot && (await isGeneratedClientFolder(dir, names, {}))) return;
  const ownScope = names.includes('.gitignore') ? await readIgnoreScope(dir) : undefined;
  const active = ownScope ? [...scopes, ownScope] : scopes;
  const subfolders: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isSkippedFolderName(entry.name) && !isIgnored(full, true, active)) subfolders.push(full);
    } else if (entry.isFile() && isCodeFile(entry.name) && !isIgnored(full, false, active)) {
      files.push(full);
    }
  }
  await Promise.all(subfolders.map((folder) => visit(folder, active, false, files)));
}

async function readIgnoreScope(dir: string): Promise<IgnoreScope | undefined> {
  try {
    return { dir, rules: ignore().add(await readFile(path.join(dir, '.gitignore'), 'utf8')) };
  } catch {
    return undefined;
  }
}

function isIgnored(file: string, isDirectory: boolean, scopes: readonly IgnoreScope[]): boolean {
  return scopes.some((scope) => {
    const relative = path.relative(scope.dir, file).split(path.sep).join('/');
    return relative !== '' && scope.rules.ignores(isDirectory ? `${relative}/` : relative);
  });
}
