/** Configuration (`.prismalens.json`) and suppression comments in the built CLI: the same file and comments the editor honours. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

function check(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args], { cwd: root, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr, findings: (JSON.parse(result.stdout) as { findings: { rule: string; severity: string; line: number }[] }).findings };
}

const N_PLUS_ONE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function feed(ids: number[]) {
  for (const id of ids) {
    await prisma.post.findFirst({ where: { id } });
  }
}
`;

after(removeTempProjects);

describe('prisma-lens check with .prismalens.json', () => {
  it('turns a rule off and changes another rule\'s severity', async () => {
    const root = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING, 'src/feed.ts': N_PLUS_ONE });
    const before = check(root);
    assert.deepEqual(before.findings.map((f) => `${f.rule}:${f.severity}`).sort(), ['missing-fk-index:warning', 'n-plus-one:warning']);
    const configured = await tempProject({
      'package.json': '{}',
      'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'src/feed.ts': N_PLUS_ONE,
      '.prismalens.json': JSON.stringify({ rules: { 'missing-fk-index': 'off', 'n-plus-one': 'error' } }),
    });
    const after = check(configured);
    assert.equal(after.status, 1);
    assert.deepEqual(after.findings.map((f) => `${f.rule}:${f.severity}`), ['n-plus-one:error']);
  });

  it('enables a rule that is off by default', async () => {
    const root = await tempProject({
      'package.json': '{}',
      'prisma/schema.prisma': `${SCHEMA_WITH_ONE_FINDING}\nmodel Event {\n  id Int @id\n  at DateTime\n}\n`,
      '.prismalens.json': JSON.stringify({ rules: { 'timestamp-without-timezone': 'warning', 'missing-fk-index': 'off' } }),
    });
    assert.deepEqual(check(root).findings.map((f) => f.rule), ['timestamp-without-timezone']);
  });

  it('runs unused-index, off by default, on the queries of the project\'s code when turned on', async () => {
    const schema = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel Post {\n  id     Int    @id\n  title  String\n  status String\n\n  @@index([status])\n  @@index([title])\n}\n';
    const code = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport const drafts = () => prisma.post.findMany({ where: { status: 'DRAFT' }, take: 20 });\n";
    const files = { 'package.json': '{}', 'prisma/schema.prisma': schema, 'src/posts.ts': code };
    assert.deepEqual(check(await tempProject(files)).findings, []);
    const on = check(await tempProject({ ...files, '.prismalens.json': JSON.stringify({ rules: { 'unused-index': 'info' } }) }));
    assert.deepEqual(on.findings.map((f) => `${f.rule}:${f.line}`), ['unused-index:11']);
  });

  it('reports a broken or misspelt configuration on stderr and keeps the defaults for the rest', async () => {
    const root = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING, '.prismalens.json': '{ "rules": { "missing-fk-indx": "off" } }' });
    const result = check(root);
    assert.match(result.stderr, /Unknown rule "missing-fk-indx" \(did you mean "missing-fk-index"\?\)/);
    assert.deepEqual(result.findings.map((f) => f.rule), ['missing-fk-index']);
    const broken = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING, '.prismalens.json': '{ rules: ' });
    const brokenResult = check(broken);
    assert.match(brokenResult.stderr, /\.prismalens\.json is not valid JSON/);
    assert.deepEqual(brokenResult.findings.map((f) => f.rule), ['missing-fk-index']);
  });
});

describe('prisma-lens check with suppression comments', () => {
  it('silences a finding in the schema and in code with a reason, and reports stale and reasonless ones', async () => {
    const schema = SCHEMA_WITH_ONE_FINDING.replace('  authorId Int\n', '  // prisma-lens-ignore missing-fk-index: posts are only read by id\n  authorId Int\n');
    assert.notEqual(schema, SCHEMA_WITH_ONE_FINDING);
    const code = N_PLUS_ONE.replace('    await prisma.post.findFirst', '    // prisma-lens-ignore n-plus-one\n    await prisma.post.findFirst').replace(
      'export async function feed',
      '// prisma-lens-ignore lost-update: nothing is written here\nexport async function feed',
    );
    const root = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': schema, 'src/feed.ts': code });
    const result = check(root);
    assert.deepEqual(result.findings.map((f) => `${f.rule}:${f.line}`), ['unused-suppression:3', 'invalid-suppression:6', 'n-plus-one:7']);
  });

  it('honours -- suppressions in migration SQL', async () => {
    const sql = '-- prisma-lens-ignore ban-drop-column: the column has been unused since v2\nALTER TABLE "User" DROP COLUMN "legacy";\nALTER TABLE "User" DROP COLUMN "other";\n';
    const root = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING.replace('  authorId Int\n', '  authorId Int @unique\n'), 'prisma/migrations/20240101000000_drop/migration.sql': sql });
    const result = check(root);
    assert.deepEqual(result.findings.map((f) => `${f.rule}:${f.line}`), ['ban-drop-column:3']);
  });
});
