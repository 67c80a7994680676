/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium with Playwright flags the N+1 loop of examples/blog/src/feed.ts and its quick fix
 * moves the per-post author query into the query that loads the posts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { skipWithoutChromium } from './browser';
import { repoRoot } from './codeServer';
import { inVsCode, resultsDir } from './session';
import { waitForFile } from './waitForFile';
import { activeEditor, applyQuickFix, cursorPosition, goToPosition, openQuickFix, problemRow, quickOpen, runCommand, saveActiveEditor, slow } from './workbench';

const example = join(repoRoot, 'examples', 'blog');
const feedPath = join('src', 'feed.ts');

/** How the warning's message begins, and the quick fix the test applies. */
const warning = '1 + N queries: "prisma.user.findFirst" runs once per "post" of "posts"';
const quickFixTitle = /^Load author with include on the query that loads posts/;
const perPostQuery = 'await prisma.user.findFirst({ where: { id: post.authorId }, select: { name: true } })';

test('the N+1 warning appears in a TypeScript file and its quick fix applies in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const original = readFileSync(join(example, feedPath), 'utf8');
  const query = positionOf(original, 'prisma.user.findFirst');
  await inVsCode(t, { name: 'vscode-n-plus-one', project: example, folderName: 'blog' }, async ({ folder, page, step }) => {
    const feedFile = join(folder, feedPath);
    await step(`open ${feedPath}`, async () => {
      await quickOpen(page, 'src/feed.ts');
      await page.locator('[id="status.editor.mode"]', { hasText: /typescript/i }).waitFor({ timeout: slow });
    });

    await step('Problems panel lists the N+1 warning', async () => {
      await runCommand(page, 'Problems: Focus on Problems View');
      const row = problemRow(page, warning);
      await row.waitFor({ timeout: slow });
      assert.equal(await row.locator('.marker-source').first().innerText(), 'prisma-lens');
      assert.equal(await row.locator('.marker-code').first().innerText(), 'n-plus-one');
      assert.match(await row.innerText(), new RegExp(`\\[Ln ${query.line}, Col ${query.column}\\]`));
    });

    await step('cursor on the query in the loop shows the squiggle', async () => {
      await runCommand(page, 'Notifications: Clear All Notifications');
      await problemRow(page, warning).click();
      await goToPosition(page, query.line, query.column);
      assert.deepEqual(await cursorPosition(page), query);
      await activeEditor(page).locator('.squiggly-warning').first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-n-plus-one.png') });
    });

    await step('apply "Load author with include on the query that loads posts"', async () => {
      await openQuickFixOnceReady(page, quickFixTitle);
      await page.screenshot({ path: join(resultsDir, 'vscode-n-plus-one-quick-fix.png') });
      await applyQuickFix(page, quickFixTitle);
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: slow });
    });

    await step('save and check the file on disk', async () => {
      await saveActiveEditor(page);
      const saved = await waitForFile(feedFile, (text) => !text.includes(perPostQuery), slow);
      // The per-post query became a read of the included relation; the posts query includes it.
      const expected = original
        .replace(perPostQuery, 'post.author')
        .replace("orderBy: { publishedAt: 'desc' }, take })", "orderBy: { publishedAt: 'desc' }, take, include: { author: { select: { name: true } } } })");
      assert.notEqual(expected, original, 'the example still has the shape this test expects');
      assert.equal(saved, expected);
    });

    await step('the N+1 warning disappears', async () => {
      await problemRow(page, warning).waitFor({ state: 'detached', timeout: slow });
      await activeEditor(page).locator('.view-line', { hasText: 'const author = post.author;' }).waitFor();
      await page.screenshot({ path: join(resultsDir, 'vscode-n-plus-one-after-fix.png') });
    });
  });
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
    if (attempt === 6) throw new Error(`VS Code offered no code actions ${attempt} times`);
    await page.keyboard.press('Escape');
    await noActions.first().waitFor({ state: 'hidden', timeout: slow });
    // On a busy machine the markers settle later (TypeScript's project load, the server's second
    // analysis once the workspace's call summaries are built): give them a moment before asking again.
    await page.waitForTimeout(500 * attempt);
  }
}

/** 1-based line and column of the first occurrence of `needle`, as VS Code's status bar counts them. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const offset = text.indexOf(needle);
  if (offset < 0) throw new Error(`${needle} not found in the example`);
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}
