/** Groups `.prisma` files that no project claims into schemas of their own. */
import * as path from 'node:path';
import { comparePaths, isInside } from './walk';

export interface LooseFile {
  file: string;
  hasDatasource: boolean;
  /** The nearest folder above the file with a package.json or Prisma config (or the searched root). */
  projectRoot: string;
}

export interface LooseSchema {
  projectRoot: string;
  /** The folder for a group, the file for a file on its own. */
  schemaPath: string;
  files: string[];
}

/**
 * A multi-file schema must hold exactly one datasource, so a folder whose unclaimed files (with
 * its subfolders, within one project) hold exactly one datasource is read as one schema, the way
 * Prisma would read it if the folder were configured. Any other folder is a collection of
 * unrelated schemas (examples, fixtures, scratch files): each file stands alone. Folders are
 * considered from the top down, so the widest such group wins. Pure.
 */
export function groupLooseFiles(files: readonly LooseFile[]): LooseSchema[] {
  const sorted = [...files].sort((a, b) => comparePaths(a.file, b.file));
  const folders = [...new Set(sorted.map((entry) => path.dirname(entry.file)))].sort(
    (a, b) => depth(a) - depth(b) || comparePaths(a, b),
  );
  const assigned = new Set<string>();
  const schemas: LooseSchema[] = [];
  for (const folder of folders) {
    const direct = sorted.filter((entry) => !assigned.has(entry.file) && path.dirname(entry.file) === folder);
    if (direct.length === 0) continue;
    const projectRoot = direct[0]!.projectRoot;
    const subtree = sorted.filter(
      (entry) => !assigned.has(entry.file) && entry.projectRoot === projectRoot && isInside(entry.file, folder),
    );
    const datasources = subtree.filter((entry) => entry.hasDatasource).length;
    const group = subtree.length > 1 && datasources === 1 ? subtree : undefined;
    if (group) {
      schemas.push({ projectRoot, schemaPath: folder, files: group.map((entry) => entry.file) });
      for (const entry of group) assigned.add(entry.file);
      continue;
    }
    for (const entry of direct) {
      schemas.push({ projectRoot: entry.projectRoot, schemaPath: entry.file, files: [entry.file] });
      assigned.add(entry.file);
    }
  }
  return schemas;
}

function depth(folder: string): number {
  return folder.split(path.sep).length;
}
