/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium shows that the next migration would add a required column, on the field's line of
 * schema.prisma, and "Prisma Lens: Preview Next Migration" opens the SQL with the finding inline.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { skipWithoutChromium } from './browser';
import { FIXTURE_PROJECT as fixture, FIXTURE_SCHEMA } from '../pending/support';
import { inVsCode, resultsDir } from './session';
import { problemRow, quickOpen, runCommand, slow } from './workbench';

/** The schema the fixture's two migrations build (without `url`, as Prisma 7 writes it), plus a new required field `role`. */
const SCHEMA = FIXTURE_SCHEMA.replace('  url      = env("DATABASE_URL")\n', '').replace('  bio   String?\n', '  bio   String?\n  role  String\n');

const warning = 'Next migration: Migration fails if "User" has any rows: required column "role"';

test('a pending required field is flagged on its line and the next migration can be previewed in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const roleLine = SCHEMA.split('\n').findIndex((line) => line.startsWith('  role')) + 1;
  let migrationsBefore: string[] = [];
  const prepare = (folder: string) => {
    writeFileSync(join(folder, 'prisma', 'schema.prisma'), SCHEMA);
    writeFileSync(join(folder, 'package.json'), '{ "name": "pending-e2e", "private": true }\n');
    migrationsBefore = readdirSync(join(folder, 'prisma', 'migrations')).sort();
  };
  await inVsCode(t, { name: 'vscode-pending-migrations', project: fixture, folderName: 'project', prepare }, async ({ folder, page, step }) => {
    await step('open prisma/schema.prisma', async () => {
      await quickOpen(page, 'prisma/schema.prisma');
      await page.locator('[id="status.editor.mode"]', { hasText: /prisma/i }).waitFor({ timeout: slow });
    });

    await step('Problems panel shows the required field on its line', async () => {
      await runCommand(page, 'Problems: Focus on Problems View');
      const row = problemRow(page, warning);
      await row.waitFor({ timeout: slow });
      assert.equal(await row.locator('.marker-code').first().innerText(), 'adding-required-field');
      assert.match(await row.innerText(), new RegExp(`\\[Ln ${roleLine}, Col 3\\]`));
      await page.screenshot({ path: join(resultsDir, 'vscode-pending-migration.png') });
    });

    await step('Preview Next Migration opens the SQL with the finding inline', async () => {
      await runCommand(page, 'Prisma Lens: Preview Next Migration');
      await page.locator('.tabs-container .tab', { hasText: 'next migration.sql' }).waitFor({ timeout: slow });
      const editor = page.locator('.editor-group-container .monaco-editor', { has: page.locator('.view-line', { hasText: 'ADD COLUMN' }) });
      await editor.first().waitFor({ timeout: slow });
      await editor.first().locator('.view-line', { hasText: 'adding-required-field' }).first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-pending-migration-preview.png') });
    });

    assert.deepEqual(readdirSync(join(folder, 'prisma', 'migrations')).sort(), migrationsBefore, 'the preview writes nothing');
    assert.equal(readFileSync(join(folder, 'prisma', 'schema.prisma'), 'utf8'), SCHEMA);
  });
});
