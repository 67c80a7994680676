/**
 * `prisma-lens check` and copies of a schema (history kept with the migrations, documentation):
 * a folder's check leaves them out and says so; naming one reviews it; a migrations folder named on
 * its own is linted as migrations.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

after(removeTempProjects);

async function checkJson(cwd: string, args: string[]): Promise<{ status: number; findings: string[]; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, env: {}, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } };
  const status = await main(['check', ...args, '--format', 'json'], io);
  const findings = (JSON.parse(out.join('')) as { findings: { rule: string; file: string; line: number }[] }).findings;
  return { status, findings: findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`).sort(), stderr: err.join('') };
}

const PROJECT = {
  'package.json': JSON.stringify({ name: 'app', private: true }),
  'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
  'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
  'prisma/migrations/20240101000000_index/migration.sql': 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n',
  'prisma/migrations/20240201000000_split_names/schema.prisma': SCHEMA_WITH_ONE_FINDING,
  'prisma/migrations/20240201000000_split_names/migration.ts': 'export {};\n',
  'docs/reference/schema.prisma': SCHEMA_WITH_ONE_FINDING,
};

describe('prisma-lens check and copies of a schema', () => {
  it('leaves the copies out of a check of the project, and names one on stderr', async () => {
    const root = await tempProject(PROJECT);
    const result = await checkJson(root, ['.']);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, ['prisma/migrations/20240101000000_index/migration.sql:1 require-concurrent-index-creation', 'prisma/schema.prisma:17 missing-fk-index']);
    assert.match(result.stderr, /2 \.prisma files in \. not reviewed as copies of a schema \(1 history, 1 documentation\); name one to review it \(docs\/reference\/schema\.prisma\)/);
  });

  it('reviews a copy named on the command line', async () => {
    const root = await tempProject(PROJECT);
    const result = await checkJson(root, ['docs/reference/schema.prisma']);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, ['schema.prisma:17 missing-fk-index']);
  });

  it('lints a migrations folder named on its own, the schema kept in one of its migrations left out', async () => {
    const root = await tempProject(PROJECT);
    const result = await checkJson(root, ['prisma/migrations']);
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(result.findings, ['20240101000000_index/migration.sql:1 require-concurrent-index-creation']);
  });
});
