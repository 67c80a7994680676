/**
 * `prisma-lens explain` prints what the EXPLAIN panel shows, through the same pipeline (the SQL laid
 * out one clause per line and unchanged in JSON, parameters, the plan tree, highlights, the index the
 * unindexed-query rule proposes, the database and why), and honours `--analyze` and `--allow-writes`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HELP, parseArgs } from '../../server/src/cli/args';
import { freePort } from '../explain/plan-postgres-server';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');

interface ExplainJson {
  callee: string;
  statements: {
    sql: string;
    params: { name: string; type: string; value?: unknown }[];
    status: string;
    message?: string;
    analyzed: boolean;
    plan: { Plan: Record<string, unknown> } | null;
    highlights: { kind: string; severity: string; message: string; node?: string }[];
    suggestions: { model: string; indexText: string; createIndexSql: string }[];
  }[];
  highlights: { statement: number; kind: string }[];
  advice: { statement: number; model: string; indexText: string }[];
  database: { kind: string; label: string; detail: string; rowsPerTable?: number } | null;
  fallbackReason: string | null;
}

describe('prisma-lens explain: the panel\'s report', () => {
  let project: string;
  let cacheDir: string;
  let port: number;

  const explain = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, 'explain', ...args], { cwd: project, encoding: 'utf8', env: { ...process.env, DATABASE_URL: '', PRISMA_LENS_CACHE_DIR: cacheDir } });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  before(async () => {
    project = mkdtempSync(path.join(tmpdir(), 'prisma-lens-explain-cli-'));
    cacheDir = mkdtempSync(path.join(tmpdir(), 'prisma-lens-explain-cache-'));
    cpSync(path.join(REPO, 'examples', 'blog'), project, { recursive: true });
    port = await freePort();
    // The project's database is not running: the report says so and uses the embedded one.
    writeFileSync(path.join(project, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${port}/blog?schema=public"\n`);
    writeFileSync(path.join(project, 'src', 'tags.ts'), `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport const renameTag = () => prisma.tag.updateMany({ where: { name: 'draft' }, data: { name: 'explained' } });\n`);
  });

  after(() => {
    if (project) rmSync(project, { recursive: true, force: true });
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  });

  it('text: the SQL by clause, parameters, the plan tree, highlights, the advice and the database with why', () => {
    const result = explain('src/feed.ts:7', '--rows', '20000', '--analyze');
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^prisma\.post\.findMany \(src\/feed\.ts:7\): 1 statement\n/);
    assert.match(out, /\nDatabase: embedded PostgreSQL \(PGlite\), generated data, 20,000 rows per queried table\n/);
    assert.match(out, new RegExp(`\\nCould not use your database \\(DATABASE_URL in \\.env.*\\): nothing accepts connections at blog@127\\.0\\.0\\.1:${port}/blog .*The plans below come from the embedded database\\.\\n`));
    assert.match(out, /\n-- Statement 1 of 1\nSELECT "public"\."posts"\."id", .*\nFROM "public"\."posts"\nWHERE "public"\."posts"\."published" = \$1\nORDER BY "public"\."posts"\."published_at" DESC\nLIMIT \$2\nOFFSET \$3\n/);
    assert.match(out, /\n {3}\$1 = true \(Boolean\)\n {3}\$2 take \(Int\), known at run time\n/);
    assert.match(out, /\nplan: Total cost [\d,.]+ · planning .* · EXPLAIN ANALYZE, rolled back\n {2}Limit {2}\(est\. [\d,]+ rows · actual [\d,]+/);
    assert.match(out, /\n {6}-> Seq Scan on posts {2}\(.*\)\n {12}Filter: \(published = \$1\)\n/);
    assert.match(out, /\nhighlights:\n {2}! Sequential scan of posts \(20,000 rows\) to find the rows matching \(published = \$1\): every row is read\.\n/);
    assert.match(out, /\nindex advice:\n {2}An index on posts \(published, published_at\) avoids this scan: @@index\(\[published, publishedAt\]\) on model Post\n$/);
    assert.equal(result.stderr, '');
  });

  it('JSON: the SQL as the compiler wrote it, plans, highlights and advice per statement and gathered, the database and the fallback reason', () => {
    const result = explain('src/feed.ts:7', '--rows', '20000', '--format', 'json');
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as ExplainJson;
    assert.equal(report.callee, 'prisma.post.findMany');
    const [statement] = report.statements;
    assert.match(statement!.sql, /^SELECT "public"\."posts"\."id", .* FROM "public"\."posts" WHERE "public"\."posts"\."published" = \$1 ORDER BY "public"\."posts"\."published_at" DESC LIMIT \$2 OFFSET \$3$/);
    assert.deepEqual(statement!.params.slice(0, 2), [{ name: 'literal', type: 'Boolean', value: true }, { name: 'take', type: 'Int' }]);
    assert.equal(statement!.status, 'plan');
    assert.equal(statement!.analyzed, false);
    assert.equal(typeof statement!.plan?.Plan['Node Type'], 'string');
    assert.ok(statement!.highlights.some((highlight) => highlight.kind === 'seq-scan' && highlight.node === 'Seq Scan on posts'), JSON.stringify(statement!.highlights));
    assert.deepEqual(statement!.suggestions.map((suggestion) => [suggestion.indexText, suggestion.createIndexSql]), [['@@index([published, publishedAt])', 'CREATE INDEX ON "public"."posts" ("published", "published_at")']]);
    assert.deepEqual(report.highlights.map((highlight) => [highlight.statement, highlight.kind]), statement!.highlights.map((highlight) => [1, highlight.kind]));
    assert.deepEqual(report.advice.map((advice) => [advice.statement, advice.model, advice.indexText]), [[1, 'Post', '@@index([published, publishedAt])']]);
    assert.equal(report.database?.kind, 'embedded');
    assert.equal(report.database?.rowsPerTable, 20_000);
    assert.match(report.fallbackReason ?? '', /^Could not use your database \(DATABASE_URL in \.env.*\): nothing accepts connections/);
  });

  it('--analyze refuses a write without --allow-writes, and runs it, rolled back, with it', () => {
    const refused = explain('src/tags.ts:3', '--rows', '50', '--analyze', '--format', 'json');
    assert.equal(refused.status, 2);
    assert.equal(refused.stderr, 'prisma-lens: statement 1 writes, so EXPLAIN ANALYZE was refused: pass --allow-writes to run it inside a transaction that is rolled back\n');
    const report = JSON.parse(refused.stdout) as ExplainJson;
    assert.equal(report.statements[0]!.status, 'needs-confirmation');
    assert.match(report.statements[0]!.message!, /pass --allow-writes/);
    assert.equal(report.statements[0]!.plan, null);

    const allowed = explain('src/tags.ts:3', '--rows', '50', '--analyze', '--allow-writes');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /\nUPDATE "public"\."Tag"\nSET "name" = \$1\nWHERE "public"\."Tag"\."name" = \$2\n/);
    assert.match(allowed.stdout, /\nplan: .*EXPLAIN ANALYZE, rolled back\n {2}ModifyTable on Tag /);
  });
});

describe('prisma-lens explain: flags and help', () => {
  it('parses --analyze and --allow-writes; --allow-writes alone is a usage error', () => {
    const parsed = parseArgs(['explain', 'src/a.ts:3', '--analyze', '--allow-writes']);
    assert.ok(parsed.kind === 'explain', JSON.stringify(parsed));
    assert.deepEqual([parsed.file, parsed.line, parsed.analyze, parsed.allowWrites], ['src/a.ts', 3, true, true]);
    const plain = parseArgs(['explain', 'src/a.ts:3']);
    assert.ok(plain.kind === 'explain' && !plain.analyze && !plain.allowWrites);
    assert.deepEqual(parseArgs(['explain', 'src/a.ts:3', '--allow-writes']), { kind: 'usage-error', message: '--allow-writes only applies with --analyze' });
  });

  it('the help names the flags and the JSON keys', () => {
    for (const text of ['--analyze', '--allow-writes', '"highlights","advice","database","fallbackReason"']) assert.ok(HELP.includes(text), text);
  });
});
