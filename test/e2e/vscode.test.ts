/**
 * End-to-end smoke test: the packaged extension in a real VS Code (code-server) driven through
 * Chromium with Playwright flags a foreign key without an index and fixes it with the quick fix.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { skipWithoutChromium } from './browser';
import { repoRoot } from './codeServer';
import { inVsCode, resultsDir } from './session';
import { waitForFile } from './waitForFile';
import { activeEditor, applyQuickFix, cursorPosition, goToPosition, openQuickFix, problemRow, quickOpen, runCommand, saveActiveEditor, slow } from './workbench';

const example = join(repoRoot, 'examples', 'blog');
const readmeScreenshot = join(repoRoot, 'docs', 'images', 'vscode-missing-fk-index.png');
const schemaPath = join('prisma', 'schema.prisma');

/** Foreign keys in examples/blog without an index: the test fixes one and expects the others to stay. */
const fixed = 'Post.authorId';
const untouched = ['User.invitedById', 'Comment.authorId', 'PostTag.tagId', 'Subscription.authorId'];
const quickFixTitle = /^Add @@index\(\[authorId\]\) to Post/;

test('the quick fix adds the missing @@index in VS Code', { skip: skipWithoutChromium, timeout: 15 * 60_000 }, async (t) => {
  const original = readFileSync(join(example, schemaPath), 'utf8');
  const fkField = fieldPosition(original, 'Post', 'authorId');
  await inVsCode(t, { name: 'vscode', project: example, folderName: 'blog' }, async ({ folder, page, step }) => {
    const schemaFile = join(folder, schemaPath);
    await step(`open ${schemaPath}`, async () => {
      await quickOpen(page, 'prisma/schema.prisma');
      await page.locator('[id="status.editor.mode"]', { hasText: /prisma/i }).waitFor({ timeout: slow });
    });

    await step('Problems panel lists the missing indexes', async () => {
      await runCommand(page, 'Problems: Focus on Problems View');
      const row = problemRow(page, noIndex(fixed));
      await row.waitFor({ timeout: slow });
      assert.equal(await row.locator('.marker-source').first().innerText(), 'prisma-lens');
      assert.equal(await row.locator('.marker-code').first().innerText(), 'missing-fk-index');
      assert.match(await row.innerText(), new RegExp(`\\[Ln ${fkField.line}, Col ${fkField.column}\\]`));
      for (const name of untouched) await problemRow(page, noIndex(name)).waitFor({ timeout: slow });
    });

    await step('cursor on the authorId field of model Post shows the squiggle', async () => {
      await runCommand(page, 'Notifications: Clear All Notifications');
      // Selecting the problem reveals its line; the cursor then goes to the start of the field name.
      await problemRow(page, noIndex(fixed)).click();
      await goToPosition(page, fkField.line, fkField.column);
      assert.deepEqual(await cursorPosition(page), fkField);
      await activeEditor(page).locator('.squiggly-warning').first().waitFor({ timeout: slow });
      await page.screenshot({ path: join(resultsDir, 'vscode-problems.png') });
    });

    await step('apply "Add @@index([authorId]) to Post"', async () => {
      await openQuickFix(page, quickFixTitle);
      await page.screenshot({ path: join(resultsDir, 'vscode-quick-fix.png') });
      await applyQuickFix(page, quickFixTitle);
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ timeout: slow });
    });

    await step('save and check the file on disk', async () => {
      await saveActiveEditor(page);
      const saved = await waitForFile(schemaFile, (text) => modelLines(text, 'Post').includes('  @@index([authorId])'), slow);
      const added = modelLines(saved, 'Post').filter((line) => line === '  @@index([authorId])');
      assert.equal(added.length, 1, 'model Post has exactly one @@index([authorId])');
      // Where the fix puts the index within the model is the rule's business; the rest must not change.
      assert.deepEqual(
        nonBlank(modelLines(saved, 'Post')).filter((line) => line !== added[0]),
        nonBlank(modelLines(original, 'Post')),
        'model Post gained the index and nothing else',
      );
      assert.equal(withoutModel(saved, 'Post'), withoutModel(original, 'Post'), 'nothing outside model Post changed');
    });

    await step(`the ${fixed} warning disappears, the others stay`, async () => {
      await problemRow(page, noIndex(fixed)).waitFor({ state: 'detached', timeout: slow });
      for (const name of untouched) await problemRow(page, noIndex(name)).waitFor({ timeout: slow });
      await activeEditor(page).locator('.view-line', { hasText: '@@index([authorId])' }).waitFor();
      await page.screenshot({ path: join(resultsDir, 'vscode-after-fix.png') });
    });

    if (process.env.UPDATE_SCREENSHOTS === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
      copyFileSync(join(resultsDir, 'vscode-problems.png'), readmeScreenshot);
      t.diagnostic(`updated ${readmeScreenshot}`);
    }
  });
});

/** What the missing-fk-index message for `Model.field` says after the consequence. */
function noIndex(field: string): RegExp {
  return new RegExp(`: "${field.replace('.', '\\.')}" has no index\\.`);
}

/** 1-based line and column of a field's name inside a model, as VS Code's status bar counts them. */
function fieldPosition(text: string, model: string, field: string): { line: number; column: number } {
  const lines = text.split('\n');
  const { start, end } = modelRange(lines, model);
  for (let index = start + 1; index < end; index++) {
    const match = new RegExp(`^(\\s*)${field}\\s`).exec(lines[index]);
    if (match) return { line: index + 1, column: match[1].length + 1 };
  }
  throw new Error(`field ${model}.${field} not found in the example schema`);
}

/** 0-based indexes of the `model X {` line and of its closing brace. */
function modelRange(lines: string[], model: string): { start: number; end: number } {
  const start = lines.findIndex((line) => new RegExp(`^model\\s+${model}\\s*\\{`).test(line));
  const end = lines.findIndex((line, index) => index > start && line.startsWith('}'));
  if (start < 0 || end < 0) throw new Error(`model ${model} not found`);
  return { start, end };
}

/** The lines between `model X {` and its closing brace. */
function modelLines(text: string, model: string): string[] {
  const lines = text.split('\n');
  const { start, end } = modelRange(lines, model);
  return lines.slice(start + 1, end);
}

function nonBlank(lines: string[]): string[] {
  return lines.filter((line) => line.trim() !== '');
}

/** The file with the body of one model removed, to compare everything else. */
function withoutModel(text: string, model: string): string {
  const lines = text.split('\n');
  const { start, end } = modelRange(lines, model);
  return [...lines.slice(0, start + 1), ...lines.slice(end)].join('\n');
}
