/** Reads the migrations that come before one migration of a folder, for the rules that follow a column's type through the history. */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { MAX_MIGRATION_BYTES, type MigrationFolder } from './migrations';

/** Texts already read, by path, with the mtime they were read at: a history is read once per change. */
const texts = new Map<string, { mtimeMs: number; text: string }>();

/**
 * The SQL of the migrations of `folder` that Prisma applies before `name`, oldest first. Reads are
 * synchronous (hundreds of small files: a promise per file through the thread pool costs more than
 * the read) and cached by mtime; a file that cannot be read, or is too large to be a schema
 * change, is left out.
 */
export function earlierMigrationScripts(folder: MigrationFolder, name: string): string[] {
  const scripts: string[] = [];
  for (const earlier of folder.migrations) {
    if (earlier >= name) break;
    const file = path.join(folder.folder, earlier, 'migration.sql');
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info?.isFile() || info.size > MAX_MIGRATION_BYTES) continue;
    let cached = texts.get(file);
    if (!cached || cached.mtimeMs !== info.mtimeMs) {
      try {
        cached = { mtimeMs: info.mtimeMs, text: readFileSync(file, 'utf8') };
      } catch {
        continue;
      }
      texts.set(file, cached);
    }
    scripts.push(cached.text);
  }
  return scripts;
}
