/**
 * Which code files are tests, seeds or one-off scripts, by the conventions of the JavaScript
 * ecosystem (test runners' default file patterns, Prisma's `prisma/seed.ts`, a package's `scripts/`
 * folder) and by their imports of a test framework. The code rules do not run on them by default:
 * a missing transaction in a seed or a `new PrismaClient()` per test is true and changes nothing.
 */

/** `tests`: tests, specs, end-to-end tests and what only they use (fixtures, mocks, stories). */
export type FileRole = 'tests' | 'seeds' | 'scripts';

export const FILE_ROLES: readonly FileRole[] = ['tests', 'seeds', 'scripts'];

export interface FileRoleMatch {
  role: FileRole;
  /** The convention that decided, for messages and tests: `folder "tests"`, `name "*.test.*"`, `import "vitest"`. */
  reason: string;
}

export interface ClassifiedFile {
  /**
   * The file's path relative to its project folder (the nearest folder above it with a
   * package.json, a Prisma config or `.git`), with `/` separators; only its name when no project
   * folder is known, so that the folders a project happens to sit in (`~/test/my-app`) never count.
   */
  path: string;
  /** The file's text, for its imports; without it only the path decides. */
  text?: string;
}

interface NameConvention {
  /** As the documentation shows it. */
  shown: string;
  /** Tested on the file name; lower-cased first unless `caseSensitive`. */
  pattern: RegExp;
  caseSensitive?: boolean;
}

export interface RoleConventions {
  role: FileRole;
  /** What the kind of file is, for documentation. */
  title: string;
  /** File names; a name decides before the folders do. */
  names: readonly NameConvention[];
  /** Folder names, matched case-insensitively at any depth; the innermost folder with a convention decides. */
  folders: readonly string[];
  /** For `scripts`: the folder does not count inside these (the application's source). */
  notInside?: readonly string[];
  /** Folder names that count at any depth, inside the application's source too (matched case-insensitively). */
  anywhere?: readonly string[];
  /** Also a file in a dated folder (`20240118214315_name/`) of a folder with one of these names: a migration's own script. */
  datedInside?: readonly string[];
  /** Modules only this kind of file imports; a subpath (`vitest/globals`) counts as its package, a scope (`@testing-library/`) as any of its packages. */
  imports?: readonly string[];
}

export const ROLE_CONVENTIONS: readonly RoleConventions[] = [
  {
    role: 'tests',
    title: 'tests, specs, end-to-end tests, and the fixtures, mocks and stories they use',
    names: [
      { shown: '*.test.*', pattern: /\.test(?:-d)?\./ },
      { shown: '*.spec.*', pattern: /\.spec(?:-d)?\./ },
      { shown: '*.e2e.*', pattern: /\.e2e\./ },
      { shown: '*.e2e-spec.*', pattern: /\.e2e-(?:spec|test)\./ },
      { shown: '*.cy.*', pattern: /\.cy\./ },
      { shown: '*.fixture(s).*', pattern: /\.fixtures?\./ },
      { shown: '*.mock(s).*', pattern: /\.mocks?\./ },
      { shown: '*.stories.*', pattern: /\.stor(?:y|ies)\./ },
    ],
    folders: ['test', 'tests', '__tests__', '__test__', 'spec', 'specs', 'e2e', 'cypress', 'playwright', 'fixture', 'fixtures', '__fixtures__', '__mocks__', 'mocks'],
    imports: [
      'vitest',
      'jest',
      '@jest/globals',
      'mocha',
      'chai',
      'sinon',
      'ava',
      'tap',
      'supertest',
      'cypress',
      '@playwright/test',
      'node:test',
      'bun:test',
      '@testing-library/',
      'jest-mock-extended',
      'vitest-mock-extended',
      '@nestjs/testing',
    ],
  },
  {
    role: 'seeds',
    title: 'database seeds',
    names: [
      // `seed.ts`, `seeds.ts`, `seed-users.ts`, `seedUsers.ts`; not `seedling.ts`.
      { shown: 'seed.*', pattern: /^[sS]eed(?:s|er|ers)?(?:[._-]|[A-Z])/, caseSensitive: true },
      // `users.seed.ts`, `dev-seed.ts`.
      { shown: '*.seed.*', pattern: /[._-]seed(?:s|er|ers)?\.[^.]+$/ },
    ],
    folders: ['seed', 'seeds', 'seeder', 'seeders'],
  },
  {
    role: 'scripts',
    title: 'one-off scripts',
    // A backfill fills existing rows once (`backfill-badges.ts`, `backfillLeads.ts`, `membership-backfill.ts`), even when it is an admin endpoint run by hand.
    names: [{ shown: '*backfill*', pattern: /(?:^|[._-])backfill/ }],
    // A package's `scripts/` (or `prisma/scripts/`) is run by hand; `src/scripts/` or `app/scripts/`
    // is built and deployed with the application (cron jobs, queue workers), so its findings matter.
    folders: ['scripts'],
    notInside: ['src', 'app', 'lib', 'server', 'source'],
    // Data migrations run once, when they are deployed, then they are history like a migration's SQL.
    // So do backfills, and the endpoints kept in a `temp/` folder until they have run (`api/admin/temp/fix-images.ts`).
    anywhere: ['migrations', 'migration-scripts', 'data-migrations', 'code-migrations', 'background-migrations', 'backgroundMigrations', 'backfill', 'backfills', 'temp'],
    datedInside: ['migration', 'migrations'],
  },
];

/** A migration folder's name: a timestamp of 8 to 14 digits, then `_` or `-` (`20240118214315_muted_at`). */
const DATED_FOLDER = /^\d{8,14}[_-]/;

/** `from '…'`, `import '…'`, `import('…')`, `require('…')`. */
const MODULE_SPECIFIER = /(?:\bfrom|\bimport\s*\(?|\brequire\s*\()\s*(['"])([^'"\n]{1,200})\1/g;

/** The file's role, or undefined for application code (the default). */
export function fileRole(file: ClassifiedFile): FileRoleMatch | undefined {
  const segments = file.path.split('/').filter((segment) => segment !== '' && segment !== '.');
  const name = segments.pop() ?? '';
  return byName(name) ?? byFolders(segments) ?? (file.text === undefined ? undefined : byImports(file.text));
}

function byName(name: string): FileRoleMatch | undefined {
  const lower = name.toLowerCase();
  for (const conventions of ROLE_CONVENTIONS) {
    for (const { shown, pattern, caseSensitive } of conventions.names) {
      if (pattern.test(caseSensitive ? name : lower)) return { role: conventions.role, reason: `name "${shown}"` };
    }
  }
  return undefined;
}

/** The innermost folder with a convention decides: `scripts/fixtures/x.ts` is a fixture. */
function byFolders(folders: readonly string[]): FileRoleMatch | undefined {
  const lower = folders.map((folder) => folder.toLowerCase());
  for (let i = lower.length - 1; i >= 0; i--) {
    for (const conventions of ROLE_CONVENTIONS) {
      if (conventions.anywhere?.some((name) => name.toLowerCase() === lower[i])) return { role: conventions.role, reason: `folder "${folders[i]}"` };
      if (i > 0 && DATED_FOLDER.test(lower[i]!) && conventions.datedInside?.includes(lower[i - 1]!)) {
        return { role: conventions.role, reason: `folder "${folders[i - 1]}/${folders[i]}"` };
      }
      if (!conventions.folders.includes(lower[i]!)) continue;
      if (conventions.notInside && lower.slice(0, i).some((outer) => conventions.notInside!.includes(outer))) continue;
      return { role: conventions.role, reason: `folder "${folders[i]}"` };
    }
  }
  return undefined;
}

function byImports(text: string): FileRoleMatch | undefined {
  MODULE_SPECIFIER.lastIndex = 0;
  for (let match = MODULE_SPECIFIER.exec(text); match; match = MODULE_SPECIFIER.exec(text)) {
    const specifier = match[2]!;
    const slash = specifier.indexOf('/', specifier.startsWith('@') ? specifier.indexOf('/') + 1 : 0);
    const packageName = slash < 0 ? specifier : specifier.slice(0, slash);
    for (const conventions of ROLE_CONVENTIONS) {
      for (const module of conventions.imports ?? []) {
        if (module.endsWith('/') ? specifier.startsWith(module) : packageName === module) return { role: conventions.role, reason: `import "${specifier}"` };
      }
    }
  }
  return undefined;
}

/**
 * One sentence per kind of file, from the conventions above, for the JSON Schema, the settings and
 * the README; `code` formats a name or pattern (backticks in Markdown).
 */
export function describeRole(role: FileRole, code: (text: string) => string = (text) => text): string {
  const conventions = ROLE_CONVENTIONS.find((candidate) => candidate.role === role)!;
  const list = (items: readonly string[]) => items.map(code).join(', ');
  const parts: string[] = [];
  if (conventions.names.length) parts.push(`files named ${list(conventions.names.map((name) => name.shown))}`);
  parts.push(
    conventions.notInside
      ? `files in a ${list(conventions.folders)} folder that is not inside ${list(conventions.notInside)} (there it is deployed with the application)`
      : `files in folders named ${list(conventions.folders)}`,
  );
  if (conventions.anywhere?.length) parts.push(`data migrations and backfills: files in folders named ${list(conventions.anywhere)}, and in a dated folder of a ${list(conventions.datedInside ?? [])} folder (${code('20240118214315_name/')})`);
  if (conventions.imports?.length) parts.push(`files that import ${list(conventions.imports.map((module) => (module.endsWith('/') ? `${module}*` : module)))}`);
  return `${capitalize(conventions.title)}: ${parts.join('; ')}.`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
