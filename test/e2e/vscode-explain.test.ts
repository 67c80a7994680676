/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium with Playwright opens the EXPLAIN panel from the "Explain" code lens above a call of
 * examples/blog/src/feed.ts, shows its plan from the embedded database (the example's own database
 * is not running), and adds the suggested index to the schema from the panel.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from './browser';
import { createProfile, ensureCodeServer, installExtension, repoRoot, startCodeServer, type CodeServer, type Profile } from './codeServer';
import { extensionId, extensionPackage } from './extensionPackage';
import { reportFailure } from './failureReport';
import { stepsOf } from './steps';
import { activeEditor, dismissFirstRunUi, openWorkbench, quickOpen, slow } from './workbench';

const resultsDir = join(repoRoot, 'test-results');
const failureScreenshot = join(resultsDir, 'vscode-explain-failure.png');
const panelScreenshot = join(resultsDir, 'vscode-explain.png');

test('the Explain code lens opens the plan of a Prisma call in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-e2e-explain-'));
  const folder = join(root, 'blog');
  const browserMessages: string[] = [];
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let failed = true;

  const step = stepsOf(t);

  try {
    cpSync(join(repoRoot, 'examples', 'blog'), folder, { recursive: true });
    // The example's DATABASE_URL names a port where nothing runs, so the panel falls back to the embedded database.
    const port = await closedPort();
    writeFileSync(join(folder, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${port}/blog?schema=public"\n`);
    const schemaFile = join(folder, 'prisma', 'schema.prisma');
    const originalSchema = readFileSync(schemaFile, 'utf8');
    mkdirSync(resultsDir, { recursive: true });
    rmSync(failureScreenshot, { force: true });

    await step('install code-server', () => ensureCodeServer());
    const vsix = await step('package the extension', () => extensionPackage());
    profile = createProfile(join(root, 'profile'));
    const ownProfile = profile;
    await step(`install ${extensionId}`, () => {
      installExtension(ownProfile, vsix);
      assert.ok(readdirSync(ownProfile.extensionsDir).some((name) => name.startsWith(`${extensionId}-`)));
    });
    server = await step('start code-server', () => startCodeServer({ profile: ownProfile }));
    const url = server.url;
    browser = await step('launch Chromium', () => launchChromium());
    const ownPage = await browser.newPage({ viewport: { width: 1500, height: 900 } });
    page = ownPage;
    ownPage.setDefaultTimeout(30_000);
    ownPage.on('console', (message) => browserMessages.push(`[${message.type()}] ${message.text()}`));
    ownPage.on('pageerror', (error) => browserMessages.push(`[pageerror] ${error.message}`));

    await step('open the example folder and src/feed.ts', async () => {
      await openWorkbench(ownPage, url, folder);
      await dismissFirstRunUi(ownPage);
      await quickOpen(ownPage, 'src/feed.ts');
    });

    const panel = await step('click the "Explain" code lens above prisma.post.findMany', async () => {
      const lens = activeEditor(ownPage).locator('.codelens-decoration a', { hasText: /^Explain$/ });
      await lens.first().waitFor({ timeout: slow });
      await lens.first().click();
      await ownPage.locator('.tabs-container .tab', { hasText: /^EXPLAIN feed\.ts:\d+/ }).waitFor({ timeout: slow });
      return webviewContent(ownPage);
    });

    await step('the panel shows the SQL, the database and the plan tree', async () => {
      await panel.locator('h1', { hasText: 'prisma.post.findMany' }).waitFor({ timeout: slow });
      // Cold start of the embedded database: tables from Prisma's DDL, 100,000 generated rows, ANALYZE.
      await panel.locator('[role="tree"] [role="treeitem"]').first().waitFor({ timeout: 5 * 60_000 });
      assert.match(await panel.locator('pre.sql').first().innerText(), /FROM "public"\."posts"/);
      assert.match(await panel.locator('.database').innerText(), /embedded PostgreSQL \(PGlite\)/);
      assert.match(await panel.locator('.database').innerText(), /Could not use your database \(DATABASE_URL in \.env\): nothing accepts connections/);
      await panel.locator('[role="treeitem"] .node-type', { hasText: /Seq Scan/ }).first().waitFor();
      await panel.locator('.highlights li', { hasText: /Sequential scan of posts \(100,000 rows\)/ }).waitFor();
    });

    await step('keyboard: the plan tree takes focus and moves with the arrow keys', async () => {
      const first = panel.locator('[role="treeitem"]').first();
      await first.focus();
      await ownPage.keyboard.press('ArrowDown');
      const focusedLevel = await panel.locator('[role="treeitem"]:focus').getAttribute('aria-level');
      assert.equal(focusedLevel, '2');
      await ownPage.screenshot({ path: panelScreenshot });
    });

    await step('"Add @@index" edits model Post in the schema', async () => {
      const add = panel.locator('button', { hasText: /^Add @@index\(\[.+\]\) to schema$/ }).first();
      const label = await add.innerText();
      const indexText = /^Add (@@index\(\[.+\]\)) to schema$/.exec(label)![1]!;
      await add.click();
      await ownPage.locator('.tabs-container .tab.dirty', { hasText: 'schema.prisma' }).waitFor({ timeout: slow });
      await panel.locator('.notice', { hasText: `Added ${indexText} to Post` }).waitFor();
      await ownPage.locator('.monaco-editor .view-line', { hasText: indexText }).first().waitFor();
      assert.equal(readFileSync(schemaFile, 'utf8'), originalSchema, 'the edit is left unsaved for the user to review');
    });

    t.diagnostic(`end-to-end test took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshot ${panelScreenshot}`);
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

/** The document inside the EXPLAIN webview: VS Code nests it in two iframes. */
function webviewContent(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
