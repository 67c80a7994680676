/**
 * Tells which `.prisma` files that no project claims are copies of a schema rather than schemas
 * Prisma is run on: snapshots kept with the migration history, documentation, fixtures. Pure.
 */
import * as path from 'node:path';
import { isInside } from './walk';

/** Why a file is set aside: what the folders it sits in say it is. */
export type SchemaCopyKind = 'history' | 'documentation' | 'fixture' | 'template';

/** A file discovery leaves out of its schema sets, and why. */
export interface SetAsideSchema {
  file: string;
  kind: SchemaCopyKind;
}

/** Folders that hold documentation. */
const DOCUMENTATION_FOLDERS: ReadonlySet<string> = new Set(['docs', 'doc', 'documentation']);

/** Folders that hold test data, by the conventions of Jest, Vitest, Go and most test runners. */
const FIXTURE_FOLDERS: ReadonlySet<string> = new Set(['__tests__', '__fixtures__', '__mocks__', 'fixtures', 'testdata']);

/** Folder names Prisma's own conventions give a schema (`prisma/schema.prisma`, `prisma/schema/`). */
const SCHEMA_FOLDERS: ReadonlySet<string> = new Set(['prisma', 'schema']);

/**
 * What an unclaimed `.prisma` file is, judged by the folders between its project (the nearest folder
 * with a package.json or Prisma config, or the folder searched) and the file, so that a project's
 * own name plays no part and searching a folder below one of these asks for what it holds:
 *
 * - `history`: below a `migrations` folder, or in the `migrations` folder searched (when it is no
 *   project). Prisma never reads a schema from there; a `.prisma` file beside a migration is the
 *   schema as it was then (a data migration's copy, a snapshot).
 * - `documentation`: below a `docs`, `doc` or `documentation` folder.
 * - `fixture`: below a test-data folder (`__tests__`, `__fixtures__`, `__mocks__`, `fixtures`,
 *   `testdata`), or in a source folder (`src`) without any of Prisma's names: neither called
 *   `schema.prisma` nor in a folder called `prisma` or `schema`. Such a file is data the code reads
 *   (an import sample, a template), not a schema the project runs Prisma on.
 *
 * - `template`: a file whose datasource or generator holds a placeholder a build step fills in
 *   (`provider = "{{PRISMA_PROVIDER}}"`): the schemas Prisma reads are made from it.
 *
 * Undefined for any other file: it is reviewed as a schema of its own.
 */
export function schemaCopyKind(file: string, projectRoot: string, options: { rootIsProject: boolean; isTemplate?: boolean }): SchemaCopyKind | undefined {
  if (options.isTemplate) return 'template';
  if (!isInside(file, projectRoot)) return undefined;
  const folders = path.relative(projectRoot, path.dirname(file)).split(/[\\/]/).filter((name) => name !== '').map((name) => name.toLowerCase());
  // A migrations folder searched on its own is no project: its name counts, so its migrations are linted instead.
  const searchedMigrations = !options.rootIsProject && path.basename(projectRoot).toLowerCase() === 'migrations';
  if (searchedMigrations || folders.includes('migrations')) return 'history';
  if (folders.some((name) => DOCUMENTATION_FOLDERS.has(name))) return 'documentation';
  if (folders.some((name) => FIXTURE_FOLDERS.has(name))) return 'fixture';
  const named = path.basename(file).toLowerCase() === 'schema.prisma' || folders.some((name) => SCHEMA_FOLDERS.has(name));
  if (folders.includes('src') && !named) return 'fixture';
  return undefined;
}

/** `provider = "{{PRISMA_PROVIDER}}"`, `url = "<%= url %>"`: a setting of the schema left for a template engine. */
const PLACEHOLDER_SETTING = /^[ \t]*(?:provider|url|output)\s*=\s*"[^"\n]*(?:\{\{|<%|\$\{)/m;

/** Whether a `.prisma` file is a template of a schema rather than a schema (its settings hold a placeholder). */
export function hasTemplatePlaceholder(text: string): boolean {
  return (text.includes('{{') || text.includes('<%') || text.includes('${')) && PLACEHOLDER_SETTING.test(text);
}
