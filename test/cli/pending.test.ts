/** `prisma-lens check --pending`: the next migration's hazards at the schema line, from the built CLI, as the editor shows them. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA } from '../pending/support';
import { removeTempProjects, tempProject } from '../workspace/tempProject';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');


function check(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', ...args], { cwd: root, encoding: 'utf8', timeout: 240_000 });
  const findings = (JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number; column: number }[] }).findings;
  // The fixture's migration files have hazards of their own, and its schema leaves foreign keys
  // unindexed; these tests are about the hazards of the next migration.
  const schemaRules = new Set(['missing-fk-index', 'cascade-missing']);
  return { status: result.status, stderr: result.stderr, findings: findings.filter((finding) => finding.file === 'prisma/schema.prisma' && !schemaRules.has(finding.rule)) };
}

after(removeTempProjects);

describe('prisma-lens check --pending', () => {
  it('reports a new required field on its line only when asked, and honours a suppression', async () => {
    const schema = FIXTURE_SCHEMA.replace('  bio   String?\n', '  bio   String?\n  role  String\n');
    const root = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': schema });
    cpSync(FIXTURE_MIGRATIONS, path.join(root, 'prisma', 'migrations'), { recursive: true });
    assert.deepEqual(check(root).findings, []);
    const pending = check(root, '--pending');
    assert.deepEqual(pending.findings.map((f) => `${f.rule}:${f.line}:${f.column}`), ['adding-required-field:11:3']);
    const suppressed = schema.replace('  role  String\n', '  // prisma-lens-ignore adding-required-field: the table is empty in every environment\n  role  String\n');
    const quiet = await tempProject({ 'package.json': '{}', 'prisma/schema.prisma': suppressed });
    cpSync(FIXTURE_MIGRATIONS, path.join(quiet, 'prisma', 'migrations'), { recursive: true });
    assert.deepEqual(check(quiet, '--pending').findings, []);
  });
});
