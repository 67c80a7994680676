/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium with Playwright flags the N+1 loop of examples/blog/src/feed.ts and its quick fix
 * moves the per-post author query into the query that loads the posts.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipWithoutChromium } from './browser';
import { createProfile, ensureCodeServer, installExtension, repoRoot, startCodeServer, type CodeServer, type Profile } from './codeServer';
import { extensionId, extensionPackage } from './extensionPackage';
import { reportFailure } from './failureReport';
import { stepsOf } from './steps';
import { waitForFile } from './waitForFile';
import {
  activeEditor,
  applyQuickFix,
  cursorPosition,
  dismissFirstRunUi,
  goToPosition,
  openQuickFix,
  openWorkbench,
  problemRow,
  quickOpen,
  runCommand,
  saveActiveEditor,
  slow,
} from './workbench';

const resultsDir = join(repoRoot, 'test-results');
const failureScreenshot = join(resultsDir, 'vscode-n-plus-one-failure.png');
const feedPath = join('src', 'feed.ts');

/** How the warning's message begins, and the quick fix the test applies. */
const warning = '`prisma.user.findFirst` runs once per `post` of `posts`';
const quickFixTitle = /^Load author with include on the query that loads posts/;
const perPostQuery = 'await prisma.user.findFirst({ where: { id: post.authorId }, select: { name: true } })';

test('the N+1 warning appears in a TypeScript file and its quick fix applies in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-e2e-n1-'));
  const folder = join(root, 'blog');
  const feedFile = join(folder, feedPath);
  const browserMessages: string[] = [];
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let failed = true;

  const step = stepsOf(t);

  try {
    cpSync(join(repoRoot, 'examples', 'blog'), folder, { recursive: true });
    const original = readFileSync(feedFile, 'utf8');
    const query = positionOf(original, 'prisma.user.findFirst');
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

    await step('open the example folder', async () => {
      await openWorkbench(ownPage, url, folder);
      await dismissFirstRunUi(ownPage);
    });
    await step(`open ${feedPath}`, async () => {
      await quickOpen(ownPage, 'src/feed.ts');
      await ownPage.locator('[id="status.editor.mode"]', { hasText: /typescript/i }).waitFor({ timeout: slow });
    });

    await step('Problems panel lists the N+1 warning', async () => {
      await runCommand(ownPage, 'Problems: Focus on Problems View');
      const row = problemRow(ownPage, warning);
      await row.waitFor({ timeout: slow });
      assert.equal(await row.locator('.marker-source').first().innerText(), 'prisma-lens');
      assert.equal(await row.locator('.marker-code').first().innerText(), 'n-plus-one');
      assert.match(await row.innerText(), new RegExp(`\\[Ln ${query.line}, Col ${query.column}\\]`));
    });

    await step('cursor on the query in the loop shows the squiggle', async () => {
      await runCommand(ownPage, 'Notifications: Clear All Notifications');
      await problemRow(ownPage, warning).click();
      await goToPosition(ownPage, query.line, query.column);
      assert.deepEqual(await cursorPosition(ownPage), query);
      await activeEditor(ownPage).locator('.squiggly-warning').first().waitFor({ timeout: slow });
      await ownPage.screenshot({ path: join(resultsDir, 'vscode-n-plus-one.png') });
    });

    await step('apply "Load author with include on the query that loads posts"', async () => {
      await openQuickFixOnceReady(ownPage, quickFixTitle);
      await ownPage.screenshot({ path: join(resultsDir, 'vscode-n-plus-one-quick-fix.png') });
      await applyQuickFix(ownPage, quickFixTitle);
      await ownPage.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: slow });
    });

    await step('save and check the file on disk', async () => {
      await saveActiveEditor(ownPage);
      const saved = await waitForFile(feedFile, (text) => !text.includes(perPostQuery), slow);
      // The per-post query became a read of the included relation; the posts query includes it.
      const expected = original
        .replace(perPostQuery, 'post.author')
        .replace("orderBy: { publishedAt: 'desc' }, take })", "orderBy: { publishedAt: 'desc' }, take, include: { author: { select: { name: true } } } })");
      assert.notEqual(expected, original, 'the example still has the shape this test expects');
      assert.equal(saved, expected);
    });

    await step('the N+1 warning disappears', async () => {
      await problemRow(ownPage, warning).waitFor({ state: 'detached', timeout: slow });
      await activeEditor(ownPage).locator('.view-line', { hasText: 'const author = post.author;' }).waitFor();
      await ownPage.screenshot({ path: join(resultsDir, 'vscode-n-plus-one-after-fix.png') });
    });

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

/**
 * Opens the Quick Fix menu and waits for `title`. Markers that change while the menu is being
 * computed (TypeScript's own diagnostics arriving once its server has loaded the project) make
 * VS Code answer "No code actions available"; a user presses Ctrl+. again, and so does this.
 */
async function openQuickFixOnceReady(page: Page, title: RegExp): Promise<void> {
  const noActions = page.locator('.monaco-editor-overlaymessage', { hasText: 'No code actions available' });
  for (let attempt = 1; ; attempt++) {
    const shown = openQuickFix(page, title).then(() => 'menu' as const);
    const refused = noActions.first().waitFor({ timeout: slow }).then(() => 'refused' as const);
    const outcome = await Promise.race([shown, refused.catch(() => shown)]);
    if (outcome === 'menu') return;
    shown.catch(() => undefined);
    if (attempt === 3) throw new Error(`VS Code offered no code actions ${attempt} times`);
    await page.keyboard.press('Escape');
    await noActions.first().waitFor({ state: 'hidden', timeout: slow });
  }
}

/** 1-based line and column of the first occurrence of `needle`, as VS Code's status bar counts them. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not found in the example`);
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}
