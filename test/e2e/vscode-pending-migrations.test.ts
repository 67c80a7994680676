/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium shows that the next migration would add a required column, on the field's line of
 * schema.prisma, and "Prisma Lens: Preview Next Migration" opens the SQL with the finding inline.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from './browser';
import { createProfile, ensureCodeServer, installExtension, repoRoot, startCodeServer, type CodeServer, type Profile } from './codeServer';
import { extensionId, extensionPackage } from './extensionPackage';
import { reportFailure } from './failureReport';
import { stepsOf } from './steps';
import { dismissFirstRunUi, openWorkbench, problemRow, quickOpen, runCommand, slow } from './workbench';

const resultsDir = join(repoRoot, 'test-results');
const failureScreenshot = join(resultsDir, 'vscode-pending-migrations-failure.png');
const fixture = join(repoRoot, 'test', 'pending', 'fixture');

/** The schema the fixture's two migrations build, plus a new required field `role`. */
const SCHEMA = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int     @id @default(autoincrement())
  email String  @unique
  name  String
  bio   String?
  role  String
  posts Post[]
}

model Post {
  id       Int       @id @default(autoincrement())
  title    String
  subtitle String?
  authorId Int
  author   User      @relation(fields: [authorId], references: [id])
  comments Comment[]
  views    Int       @default(0)
}

model Tag {
  id    Int    @id @default(autoincrement())
  label String
}

model Category {
  id   Int    @id @default(autoincrement())
  slug String
}

model Comment {
  id     Int    @id @default(autoincrement())
  body   String
  postId Int
  post   Post   @relation(fields: [postId], references: [id])
}
`;

const warning = 'Next migration: Adding required column `role` without a default';

test('a pending required field is flagged on its line and the next migration can be previewed in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-e2e-pending-'));
  const folder = join(root, 'project');
  const browserMessages: string[] = [];
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let failed = true;

  const step = stepsOf(t);

  try {
    cpSync(fixture, folder, { recursive: true });
    writeFileSync(join(folder, 'prisma', 'schema.prisma'), SCHEMA);
    writeFileSync(join(folder, 'package.json'), '{ "name": "pending-e2e", "private": true }\n');
    const roleLine = SCHEMA.split('\n').findIndex((line) => line.startsWith('  role')) + 1;
    const migrationsBefore = readdirSync(join(folder, 'prisma', 'migrations')).sort();
    mkdirSync(resultsDir, { recursive: true });
    rmSync(failureScreenshot, { force: true });

    await step('install code-server', () => ensureCodeServer());
    const vsix = await step('package the extension', () => extensionPackage());
    profile = createProfile(join(root, 'profile'));
    const ownProfile = profile;
    await step(`install ${extensionId}`, () => {
      installExtension(ownProfile, vsix);
      assert.ok(readdirSync(ownProfile.extensionsDir).some((name) => name.startsWith(`${extensionId}-`)), `${vsix} did not install as ${extensionId}`);
    });
    server = await step('start code-server', () => startCodeServer({ profile: ownProfile }));
    const url = server.url;
    browser = await step('launch Chromium', () => launchChromium());
    const ownPage = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page = ownPage;
    ownPage.setDefaultTimeout(30_000);
    ownPage.on('console', (message) => browserMessages.push(`[${message.type()}] ${message.text()}`));
    ownPage.on('pageerror', (error) => browserMessages.push(`[pageerror] ${error.message}`));

    await step('open the project', async () => {
      await openWorkbench(ownPage, url, folder);
      await dismissFirstRunUi(ownPage);
    });
    await step('open prisma/schema.prisma', async () => {
      await quickOpen(ownPage, 'prisma/schema.prisma');
      await ownPage.locator('[id="status.editor.mode"]', { hasText: /prisma/i }).waitFor({ timeout: slow });
    });

    await step('Problems panel shows the required field on its line', async () => {
      await runCommand(ownPage, 'Problems: Focus on Problems View');
      const row = problemRow(ownPage, warning);
      await row.waitFor({ timeout: slow });
      assert.equal(await row.locator('.marker-code').first().innerText(), 'adding-required-field');
      assert.match(await row.innerText(), new RegExp(`\\[Ln ${roleLine}, Col 3\\]`));
      await ownPage.screenshot({ path: join(resultsDir, 'vscode-pending-migration.png') });
    });

    await step('Preview Next Migration opens the SQL with the finding inline', async () => {
      await runCommand(ownPage, 'Prisma Lens: Preview Next Migration');
      await ownPage.locator('.tabs-container .tab', { hasText: 'next migration.sql' }).waitFor({ timeout: slow });
      const editor = ownPage.locator('.editor-group-container .monaco-editor', { has: ownPage.locator('.view-line', { hasText: 'ADD COLUMN' }) });
      await editor.first().waitFor({ timeout: slow });
      await editor.first().locator('.view-line', { hasText: 'adding-required-field' }).first().waitFor({ timeout: slow });
      await ownPage.screenshot({ path: join(resultsDir, 'vscode-pending-migration-preview.png') });
    });

    assert.deepEqual(readdirSync(join(folder, 'prisma', 'migrations')).sort(), migrationsBefore, 'the preview writes nothing');
    assert.equal(readFileSync(join(folder, 'prisma', 'schema.prisma'), 'utf8'), SCHEMA);
    t.diagnostic(`end-to-end test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    failed = false;
  } catch (error) {
    await reportFailure({ screenshot: failureScreenshot, page, server, profile, browserMessages, root });
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!failed) rmSync(root, { recursive: true, force: true });
  }
});
