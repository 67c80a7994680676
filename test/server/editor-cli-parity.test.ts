/**
 * The editor and the CLI give the same findings, because one project host puts them together: on
 * each monorepo fixture and on a project with a `.prismalens.json`, suppression comments and a
 * pending migration, every schema, migration and code file opened in the language server shows
 * exactly what `prisma-lens check --pending` reports for it (rule, severity and position).
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { rules } from '../../server/src/analysis/rules/index';
import { isMigrationRule } from '../../server/src/analysis/rules/types';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA } from '../pending/support';
import { acmeMonorepo, twoProjects } from '../workspace/monorepos';
import { removeTempProjects, tempProject } from '../workspace/tempProject';
import { LspTestClient } from './lspClient';

after(removeTempProjects);

const SEVERITIES: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'info' };
const MIGRATION_RULES = new Set(rules.filter(isMigrationRule).map((rule) => rule.id));

interface CliFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
}

/** `file:line:column rule severity` of every finding `check . --pending` reports at the root. */
async function cliFindings(root: string): Promise<{ lines: string[]; pendingHazards: number }> {
  const out: string[] = [];
  const io: CliIo = { cwd: root, env: {}, stdout: { write: (text: string) => out.push(text) }, stderr: { write: () => undefined } };
  await main(['check', '.', '--pending', '--all-migrations', '--format', 'json'], io);
  const { findings } = JSON.parse(out.join('')) as { findings: CliFinding[] };
  return {
    lines: findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule} ${finding.severity}`).sort(),
    pendingHazards: findings.filter((finding) => finding.file.endsWith('.prisma') && MIGRATION_RULES.has(finding.rule)).length,
  };
}

/** Every file the editor would show findings on: schemas, migration scripts and code, relative to the root. */
function filesOf(root: string, folder = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(root, folder), { withFileTypes: true })) {
    const relative = folder ? `${folder}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...filesOf(root, relative));
    else if (/\.(prisma|sql|ts)$/.test(entry.name)) found.push(relative);
  }
  return found.sort();
}

const LANGUAGES: Record<string, string> = { prisma: 'prisma', sql: 'sql', ts: 'typescript' };

async function editorFindings(root: string, waitForPending: boolean): Promise<string[]> {
  const client = new LspTestClient();
  try {
    await client.initialize(root, { pull: true });
    const files = filesOf(root);
    for (const relative of files) await client.open(pathToFileURL(path.join(root, relative)).toString(), readFileSync(path.join(root, relative), 'utf8'), LANGUAGES[relative.split('.').pop()!]);
    // The next migration's hazards are computed after a quiet time, off the diagnostics path: wait for the first.
    if (waitForPending) await pendingShown(client, files.filter((file) => file.endsWith('.prisma')).map((file) => pathToFileURL(path.join(root, file)).toString()));
    const found: string[] = [];
    for (const relative of files) {
      const report = await client.pull(pathToFileURL(path.join(root, relative)).toString());
      for (const item of report.items as unknown as { code?: string; severity?: number; range: { start: { line: number; character: number } } }[]) {
        // Notices (a file not analysed, a next migration not computed) carry no rule.
        if (item.code) found.push(`${relative}:${item.range.start.line + 1}:${item.range.start.character + 1} ${item.code} ${SEVERITIES[item.severity ?? 1]}`);
      }
    }
    return found.sort();
  } finally {
    await client.close();
  }
}

async function pendingShown(client: LspTestClient, schemaUris: readonly string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    for (const uri of schemaUris) {
      const { items } = await client.pull(uri);
      if ((items as { code?: string }[]).some((item) => item.code !== undefined && MIGRATION_RULES.has(item.code))) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A project with configuration, suppressions and a pending migration whose hazards the configuration turns off or down. */
async function configuredProject(): Promise<string> {
  const schema = FIXTURE_SCHEMA.replace('  bio   String?\n', '  bio   String?\n  role  String\n  // prisma-lens-ignore adding-required-field: the table is empty in every environment\n  plan  String\n').replace('  subtitle String?\n', '');
  const root = await tempProject({
    'package.json': '{}',
    'prisma/schema.prisma': schema,
    '.prismalens.json': JSON.stringify({ rules: { 'ban-drop-column': 'off', 'missing-fk-index': 'info' } }),
    'src/feed.ts': [
      "import { PrismaClient } from '@prisma/client';",
      '',
      'const prisma = new PrismaClient();',
      '',
      'export async function feed(ids: number[]) {',
      '  for (const id of ids) {',
      '    // prisma-lens-ignore n-plus-one: at most three ids',
      '    await prisma.post.findUnique({ where: { id } });',
      '  }',
      '  for (const id of ids) await prisma.user.findUnique({ where: { id } });',
      "  return prisma.post.findMany({ where: { title: 'x' } });",
      '}',
      '',
    ].join('\n'),
  });
  cpSync(FIXTURE_MIGRATIONS, path.join(root, 'prisma', 'migrations'), { recursive: true });
  return root;
}

describe('the editor and the CLI through the one project host', () => {
  const fixtures: [string, () => Promise<string>][] = [
    ['an npm monorepo (package-root schema with migrations, prisma.config.ts with a schema folder and a custom migrations path, bracket-less indexes)', () => acmeMonorepo('npm')],
    ['a pnpm monorepo', () => acmeMonorepo('pnpm')],
    ['two projects in one repository', twoProjects],
    ['a project with .prismalens.json, suppression comments and a pending migration', configuredProject],
  ];
  for (const [name, make] of fixtures) {
    it(`gives the same findings on ${name}`, async () => {
      const root = await make();
      const cli = await cliFindings(root);
      const editor = await editorFindings(root, cli.pendingHazards > 0);
      assert.deepEqual(editor, cli.lines);
      assert.ok(cli.lines.length > 0, 'the fixture has findings to compare');
    });
  }

  it('applies the configuration and the suppressions to the pending hazards in both', async () => {
    const root = await configuredProject();
    const { lines } = await cliFindings(root);
    const schemaLines = lines.filter((line) => line.startsWith('prisma/schema.prisma:'));
    // `role` is a new required field; `plan` is one too, but its suppression silences it; the dropped `subtitle` column's rule is off.
    assert.deepEqual(schemaLines.filter((line) => /adding-required-field|ban-drop-column/.test(line)), ['prisma/schema.prisma:11:3 adding-required-field error']);
    assert.ok(schemaLines.some((line) => / missing-fk-index info$/.test(line)), 'the configured level applies');
    assert.ok(!lines.some((line) => line.startsWith('src/feed.ts:8:')), 'the suppressed N+1 is not reported');
    assert.ok(lines.some((line) => line.startsWith('src/feed.ts:10:') && line.includes('n-plus-one')), 'the other N+1 is');
  });
});
