/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium with Playwright opens the EXPLAIN panel from the "Explain" code lens above a call of
 * examples/blog/src/feed.ts, shows the stages while the embedded database gets ready, then its plan
 * from the embedded database (the example's own database is not running), and adds the suggested
 * index to the schema from the panel.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import { skipWithoutChromium } from './browser';
import { repoRoot } from './codeServer';
import { inVsCode, resultsDir } from './session';
import { activeEditor, quickOpen, slow } from './workbench';

const example = join(repoRoot, 'examples', 'blog');
const panelScreenshot = join(resultsDir, 'vscode-explain.png');
const progressScreenshot = join(resultsDir, 'vscode-explain-progress.png');

test('the Explain code lens opens the plan of a Prisma call in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  // The example's DATABASE_URL names a port where nothing runs, so the panel falls back to the embedded database.
  const port = await closedPort();
  const prepare = (folder: string) => writeFileSync(join(folder, '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${port}/blog?schema=public"\n`);
  const originalSchema = readFileSync(join(example, 'prisma', 'schema.prisma'), 'utf8');
  const options = { name: 'vscode-explain', project: example, folderName: 'blog', prepare, viewport: { width: 1500, height: 900 } };
  await inVsCode(t, options, async ({ folder, page, step }) => {
    const schemaFile = join(folder, 'prisma', 'schema.prisma');
    await step('open src/feed.ts', () => quickOpen(page, 'src/feed.ts'));

    const panel = await step('click the "Explain" code lens above prisma.post.findMany', async () => {
      const lens = activeEditor(page).locator('.codelens-decoration a', { hasText: /^Explain$/ });
      await lens.first().waitFor({ timeout: slow });
      await lens.first().click();
      await page.locator('.tabs-container .tab', { hasText: /^EXPLAIN feed\.ts:\d+/ }).waitFor({ timeout: slow });
      return webviewContent(page);
    });

    await step('while it works, the panel shows the stage with the time so far and a Cancel button', async () => {
      // The embedded database starts cold (the test run's own cache folder is empty): the stages take seconds.
      const status = panel.locator('p.loading', { hasText: /^Explaining: (starting the database|creating tables|generating rows|analysing the tables|compiling the schema's tables).*… \d+\.\d s$/ });
      await status.waitFor({ timeout: slow });
      await panel.locator('button', { hasText: /^Cancel$/ }).waitFor();
      await page.screenshot({ path: progressScreenshot });
    });

    await step('the panel shows the SQL, the database and the plan tree', async () => {
      await panel.locator('h1', { hasText: 'prisma.post.findMany' }).waitFor({ timeout: slow });
      // Cold start of the embedded database: tables from Prisma's DDL, 100,000 generated rows, ANALYZE.
      await panel.locator('[role="tree"] [role="treeitem"]').first().waitFor({ timeout: 5 * 60_000 });
      assert.match(await panel.locator('pre.sql').first().innerText(), /FROM "public"\."posts"/);
      assert.match(await panel.locator('.database').innerText(), /embedded PostgreSQL \(PGlite\)/);
      assert.match(await panel.locator('.database').innerText(), /Could not use your database \(DATABASE_URL in \.env, line 1\): nothing accepts connections/);
      await panel.locator('[role="treeitem"] .node-type', { hasText: /Seq Scan/ }).first().waitFor();
      await panel.locator('.highlights li', { hasText: /Sequential scan of posts \(100,000 rows\)/ }).waitFor();
    });

    await step('keyboard: the plan tree takes focus and moves with the arrow keys', async () => {
      const first = panel.locator('[role="treeitem"]').first();
      await first.focus();
      await page.keyboard.press('ArrowDown');
      const focusedLevel = await panel.locator('[role="treeitem"]:focus').getAttribute('aria-level');
      assert.equal(focusedLevel, '2');
      await page.screenshot({ path: panelScreenshot });
    });

    await step('"Add @@index" edits model Post in the schema', async () => {
      const add = panel.locator('button', { hasText: /^Add @@index\(\[.+\]\) to schema$/ }).first();
      const label = await add.innerText();
      const indexText = /^Add (@@index\(\[.+\]\)) to schema$/.exec(label)![1]!;
      await add.click();
      await page.locator('.tabs-container .tab.dirty', { hasText: 'schema.prisma' }).waitFor({ timeout: slow });
      await panel.locator('.notice', { hasText: `Added ${indexText} to Post` }).waitFor();
      await page.locator('.monaco-editor .view-line', { hasText: indexText }).first().waitFor();
      assert.equal(readFileSync(schemaFile, 'utf8'), originalSchema, 'the edit is left unsaved for the user to review');
    });

    t.diagnostic(`screenshots ${progressScreenshot}, ${panelScreenshot}`);
  });
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
