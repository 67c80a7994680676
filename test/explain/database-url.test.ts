/** Finding the user's database URL the way Prisma does: the setting, prisma.config.ts, the schema's env(), .env files. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connectUserDatabase, parseDotenv, readDatabaseUrl, resolveDatabaseUrl } from '../../server/src/explain/database';

const roots: string[] = [];

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-url-'));
  roots.push(root);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

const schemaWithEnv = (name: string) => `datasource db {\n  provider = "postgresql"\n  url      = env("${name}")\n}\n`;

after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

describe('resolveDatabaseUrl', () => {
  test('the setting wins over everything', async () => {
    const root = project({ '.env': 'DATABASE_URL=postgresql://from-env/db\n' });
    const found = await resolveDatabaseUrl({ setting: ' postgresql://from-setting/db ', schemaDir: join(root, 'prisma'), projectRoot: root, env: {} });
    assert.deepEqual(found, { url: 'postgresql://from-setting/db', source: 'the prismaLens.explain.databaseUrl setting' });
  });

  test('the variable the schema names, from the .env next to the schema first', async () => {
    const root = project({ '.env': 'APP_DB=postgresql://root-env/db\n', 'prisma/.env': 'APP_DB="postgresql://prisma-env/db"\n' });
    const found = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, schemaText: schemaWithEnv('APP_DB'), env: {} });
    assert.deepEqual(found, { url: 'postgresql://prisma-env/db', source: 'APP_DB in prisma/.env, line 1' });
  });

  test('the project root .env when the schema folder has none; DATABASE_URL by default', async () => {
    const root = project({ '.env': '# local database\nexport DATABASE_URL=postgresql://root-env/db # trailing comment\n' });
    const found = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: {} });
    assert.deepEqual(found, { url: 'postgresql://root-env/db', source: 'DATABASE_URL in .env, line 2' });
  });

  test('prisma.config.ts names the variable', async () => {
    const root = project({
      'prisma.config.ts': "import { defineConfig, env } from 'prisma/config';\nexport default defineConfig({\n  schema: 'prisma/schema.prisma',\n  // url: env('OLD_URL'),\n  datasource: { url: env('PG_URL') },\n});\n",
      '.env': 'DATABASE_URL=postgresql://wrong/db\nPG_URL=postgresql://configured/db\n',
    });
    const found = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: {} });
    assert.deepEqual(found, { url: 'postgresql://configured/db', source: 'PG_URL in .env, line 2' });
  });

  test('the process environment when no file has it; nothing at all gives undefined', async () => {
    const root = project({ 'prisma/schema.prisma': schemaWithEnv('DATABASE_URL') });
    const fromEnv = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: { DATABASE_URL: 'postgresql://process/db' } });
    assert.deepEqual(fromEnv, { url: 'postgresql://process/db', source: 'DATABASE_URL in the environment' });
    assert.equal(await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: {} }), undefined);
  });

  test('a variable set in the process environment wins over the .env files, as Prisma reads them', async () => {
    const root = project({ '.env': 'DATABASE_URL=postgresql://from-file/db\n', 'prisma/.env': 'DATABASE_URL=postgresql://from-prisma-file/db\n' });
    const found = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: { DATABASE_URL: 'postgresql://from-shell/db' } });
    assert.deepEqual(found, { url: 'postgresql://from-shell/db', source: 'DATABASE_URL in the environment' });
    const empty = await resolveDatabaseUrl({ schemaDir: join(root, 'prisma'), projectRoot: root, env: { DATABASE_URL: '' } });
    assert.equal(empty?.url, 'postgresql://from-prisma-file/db', 'an empty variable counts as unset');
  });

  test('the CLI flag is named as the CLI flag', async () => {
    const root = project({});
    const found = await resolveDatabaseUrl({ setting: 'postgresql://x/db', settingName: 'the --database-url flag', schemaDir: root, projectRoot: root, env: {} });
    assert.equal(found?.source, 'the --database-url flag');
  });

  test('${VAR} references inside a .env value are expanded', async () => {
    const root = project({ '.env': 'DB_PASSWORD=s3cret\nDATABASE_URL=postgresql://app:${DB_PASSWORD}@localhost/db\n' });
    const found = await resolveDatabaseUrl({ schemaDir: root, projectRoot: root, env: {} });
    assert.equal(found?.url, 'postgresql://app:s3cret@localhost/db');
  });
});

describe('readDatabaseUrl', () => {
  test('a malformed URL is a sentence, never an exception, and never shows the password', () => {
    const cases: [string, RegExp][] = [
      ['postgres://pg%ZZ:pw@host/db', /user name holds a malformed %-escape/],
      ['postgres://user:p%E0%A4%A@host/db', /password holds a malformed %-escape/],
      ['postgres://user:pw@host/d%ZZb', /database name holds a malformed %-escape/],
      ['postgres://user:pw@host/db?schema=%', /query holds a malformed %-escape/],
      ['not a url', /not a valid URL/],
      ['mysql://root:pw@localhost/app', /is for mysql, and EXPLAIN plans need PostgreSQL/],
      ['', /not a valid URL/],
    ];
    for (const [url, message] of cases) {
      const read = readDatabaseUrl(url);
      assert.ok('error' in read, url);
      assert.match(read.error, message, url);
      assert.doesNotMatch(read.error, /pw|p%E0/, 'no password in the message');
    }
    const good = readDatabaseUrl('postgresql://app:s%40cret@db.local:5433/shop?schema=tenant&connection_limit=5');
    assert.ok(!('error' in good));
    assert.equal(good.label, 'app@db.local:5433/shop');
    assert.equal(good.searchPath, 'tenant');
    assert.doesNotMatch(good.connectionString, /connection_limit|schema=/, 'Prisma-only parameters are left out');
  });

  test('connectUserDatabase answers a malformed URL with an error, not a rejection', async () => {
    const result = await connectUserDatabase('postgres://pg%ZZ:pw@127.0.0.1:1/db');
    assert.ok('error' in result);
    assert.match(result.error, /malformed %-escape/);
  });
});

describe('parseDotenv', () => {
  test('quotes, export, comments, escaped newlines and empty values', () => {
    const values = parseDotenv(['A=1', 'export B = "two words"', "C='single # not a comment'", 'D="line\\nbreak"', '# E=ignored', 'F=', 'G=value # comment'].join('\n'));
    assert.deepEqual(Object.fromEntries(values), { A: '1', B: 'two words', C: 'single # not a comment', D: 'line\nbreak', F: '', G: 'value' });
  });
});
