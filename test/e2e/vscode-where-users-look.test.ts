/**
 * End-to-end smoke test of where a user meets the extension in a real VS Code (code-server) driven
 * through Chromium: the status-bar item (indexing, then the findings, a click away from the
 * Problems view), "Preview Next Migration" in the schema's editor title, "Explain Query at Cursor"
 * in a TypeScript editor's context menu and nowhere in the palette of a JSON file, completion and
 * validation in .prismalens.json, and the example's TypeScript resolving its generated client.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { skipWithoutChromium } from './browser';
import { repoRoot } from './codeServer';
import { exampleProject } from './exampleClient';
import { inVsCode, resultsDir } from './session';
import { activeEditor, goToPosition, quickOpen, slow } from './workbench';

const example = exampleProject;
/** A level with a typo ("eror"), which the settings schema must flag. */
const CONFIG = '{\n  "rules": {\n    "n-plus-one": "eror"\n  }\n}\n';
const FEED = readFileSync(join(example, 'src', 'feed.ts'), 'utf8');

test('the status bar, the menus, the palette and .prismalens.json in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const prepare = (folder: string) => {
    writeFileSync(join(folder, '.prismalens.json'), CONFIG);
  };
  await inVsCode(t, { name: 'vscode-where-users-look', project: example, folderName: 'blog', prepare }, async ({ page, step }) => {
    const status = page.locator('.statusbar-item[id$="prismaLens.status"]');

    await step('open prisma/schema.prisma: the status bar counts the findings', async () => {
      await quickOpen(page, 'prisma/schema.prisma');
      await status.filter({ hasText: /Prisma Lens: \d+/ }).waitFor({ timeout: slow });
    });

    await step('"Preview Next Migration" is in the schema editor\'s title bar', async () => {
      await page.locator('.editor-actions .action-label[aria-label*="Preview Next Migration"]').first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-status-bar.png') });
    });

    await step('a click on the status-bar item opens the Problems view', async () => {
      await status.click();
      await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: slow });
    });

    await step('.prismalens.json: the typo is flagged and the levels are offered', async () => {
      await quickOpen(page, '.prismalens.json');
      await activeEditor(page).locator('.squiggly-warning, .squiggly-error').first().waitFor({ timeout: slow });
      // Inside the quotes of "eror": completion offers the levels the schema allows.
      await goToPosition(page, 3, 20);
      await page.keyboard.press('Control+Space');
      const suggestions = page.locator('.suggest-widget .monaco-list-row');
      await suggestions.filter({ hasText: 'warning' }).first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-prismalens-json.png') });
      await page.keyboard.press('Escape');
    });

    await step('the palette of a JSON file offers no "Explain Query at Cursor"', async () => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.fill('>Prisma Lens: ');
      const rows = page.locator('.quick-input-widget .monaco-list-row');
      await rows.filter({ hasText: 'Restart Language Server' }).first().waitFor({ timeout: slow });
      assert.equal(await rows.filter({ hasText: 'Explain Query at Cursor' }).count(), 0);
      assert.equal(await rows.filter({ hasText: 'Preview Next Migration' }).count(), 0);
      await page.keyboard.press('Escape');
    });

    await step('src/feed.ts: PrismaClient resolves to the generated client', async () => {
      await quickOpen(page, 'src/feed.ts');
      // On `PrismaClient` of `new PrismaClient()`: TypeScript's hover shows the generated client's constructor.
      const line = FEED.split('\n').findIndex((text) => text.includes('new PrismaClient()'));
      await goToPosition(page, line + 1, FEED.split('\n')[line]!.indexOf('PrismaClient') + 2);
      // Resolved, it shows the generated client's type parameters (`new PrismaClient<Prisma.PrismaClientOptions, …>`).
      const hover = page.locator('.monaco-hover', { hasText: /(new|class) PrismaClient</ }).first();
      // TypeScript's project service starts only now, on a machine shared with the language servers.
      const deadline = Date.now() + 2 * slow;
      while (Date.now() < deadline && !(await hover.isVisible())) {
        // Show Hover (Ctrl+K Ctrl+I) anew until TypeScript has loaded the project and answers: a
        // hover still "(loading...)" is closed first, as a second Show Hover would only focus it.
        await page.keyboard.press('Escape');
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await hover.waitFor({ timeout: 4_000 }).catch(() => undefined);
      }
      await hover.waitFor({ timeout: 1_000 });
      await page.screenshot({ path: join(resultsDir, 'vscode-example-types.png') });
      await page.keyboard.press('Escape');
    });

    await step('the context menu of a Prisma call offers "Explain Query at Cursor"', async () => {
      await activeEditor(page).locator('.view-line span', { hasText: /^findMany$/ }).first().click({ button: 'right' });
      await page.locator('.monaco-menu .action-label', { hasText: 'Explain Query at Cursor' }).first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-context-menu.png') });
      await page.keyboard.press('Escape');
    });

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      copyFileSync(join(resultsDir, 'vscode-context-menu.png'), join(repoRoot, 'docs', 'images', 'vscode-context-menu.png'));
      t.diagnostic('updated docs/images/vscode-context-menu.png');
    }
  });
});
