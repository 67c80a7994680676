/** `prisma-lens check` reads a migration's history for the old type of a column it changes: widening is quiet, narrowing is reported. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { removeTempProjects, tempProject } from '../workspace/tempProject';

after(removeTempProjects);

describe('prisma-lens check: column types from the migration history', () => {
  it('reports the narrowing type change, not the widening one the history shows is free', async () => {
    const root = await tempProject({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Store" ("id" TEXT NOT NULL, "namespace" VARCHAR(64) NOT NULL, "title" VARCHAR(200) NOT NULL);\n',
      'prisma/migrations/20240601000000_limits/migration.sql': [
        'ALTER TABLE "Store" ALTER COLUMN "namespace" SET DATA TYPE VARCHAR(256);',
        'ALTER TABLE "Store" ALTER COLUMN "title" SET DATA TYPE VARCHAR(100);',
        '',
      ].join('\n'),
    });
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { cwd: root, env: { PRISMA_LENS_MIGRATIONS_BASE: 'none' }, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } };
    const status = await main(['check', 'prisma/migrations', '--format', 'json'], io);
    const findings = (JSON.parse(out.join('')) as { findings: { rule: string; file: string; line: number }[] }).findings;
    assert.equal(status, 1, err.join(''));
    assert.deepEqual(findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`), ['20240601000000_limits/migration.sql:2 changing-column-type']);
  });
});
