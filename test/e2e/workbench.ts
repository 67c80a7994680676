/** Playwright helpers that drive the VS Code workbench served by code-server, the way a user would. */
import type { Locator, Page } from 'playwright-core';

/** Generous by design: a 2-core CI machine starts the workbench, extension host and language server. */
export const slow = 120_000;

/** Loads the workbench for `folder` and waits until the explorer shows the folder's files. */
export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  await page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: slow });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: slow });
}

/** Runs a command from the command palette (F1; Ctrl+Shift+P is taken by the browser). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .monaco-list-row', {
    has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(title)}$`) }),
  });
  await row.first().waitFor({ timeout: slow });
  await row.first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
export async function quickOpen(page: Page, relativePath: string): Promise<void> {
  const fileName = relativePath.split('/').pop() ?? relativePath;
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(relativePath);
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: fileName });
  await row.first().waitFor({ timeout: slow });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: fileName }).waitFor({ timeout: slow });
  await activeEditor(page).locator('.view-lines').waitFor();
}

/** The editor that has focus in the active editor group. */
export function activeEditor(page: Page): Locator {
  return page.locator('.editor-group-container.active .monaco-editor').first();
}

/**
 * The Problems panel row whose message starts with `message` when it is a string (e.g. `1 + N queries: "prisma.user.findFirst"`),
 * or matches it when it is a regular expression.
 */
export function problemRow(page: Page, message: string | RegExp): Locator {
  return page.locator('.markers-panel .monaco-list-row', {
    has: page.locator('.marker-message', { hasText: typeof message === 'string' ? new RegExp(`^${escapeRegExp(message)}`) : message }),
  });
}

/** Moves the cursor with Quick Open's ":line:column" form, the keyboard path that needs no Ctrl+G. */
export async function goToPosition(page: Page, line: number, column: number): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await page.locator('[id="status.editor.selection"]', { hasText: `Ln ${line}, Col ${column}` }).waitFor();
}

/**
 * Opens the Quick Fix menu at the cursor (Ctrl+.) and waits for the entry titled `title`.
 * Call `applyQuickFix` next; in between the menu is open, e.g. for a screenshot.
 */
export async function openQuickFix(page: Page, title: string | RegExp): Promise<void> {
  await page.keyboard.press('Control+.');
  await quickFixEntries(page).filter({ hasText: title }).first().waitFor({ timeout: slow });
}

/**
 * Applies the entry titled `title` of the open Quick Fix menu with the keyboard: the menu's
 * pointer shield swallows synthetic clicks, and arrow keys are what a keyboard user presses anyway.
 */
export async function applyQuickFix(page: Page, title: string | RegExp): Promise<void> {
  const entries = quickFixEntries(page);
  const titles = await entries.allInnerTexts();
  const wanted = titles.findIndex((text) => (typeof title === 'string' ? text.includes(title) : title.test(text)));
  if (wanted < 0) throw new Error(`no quick fix titled ${title}; the menu offers: ${titles.join(' | ')}`);
  const focused = await entries.evaluateAll((rows) => rows.findIndex((row) => row.classList.contains('focused')));
  const key = wanted > focused ? 'ArrowDown' : 'ArrowUp';
  for (let step = 0; step < Math.abs(wanted - Math.max(focused, 0)); step++) await page.keyboard.press(key);
  await entries.nth(wanted).and(page.locator('.focused')).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.action-widget').waitFor({ state: 'hidden' });
}

function quickFixEntries(page: Page): Locator {
  return page.locator('.action-widget .monaco-list-row.action');
}

/** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
export async function saveActiveEditor(page: Page): Promise<void> {
  await page.keyboard.press('Control+S');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: slow });
}

/**
 * Clears first-run UI that can cover the editor: a workspace-trust dialog (should settings not
 * suppress it), welcome or walkthrough editors, and notification toasts.
 */
export async function dismissFirstRunUi(page: Page): Promise<void> {
  const trust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /trust/i });
  if (await trust.first().isVisible()) await trust.first().click();
  const welcome = page.locator('.tabs-container .tab', { hasText: /^(Welcome|Walkthrough)/ });
  if ((await welcome.count()) > 0) await runCommand(page, 'View: Close All Editors');
  await runCommand(page, 'Notifications: Clear All Notifications');
}

/** Cursor position as the status bar reports it, e.g. "Ln 50, Col 3". */
export async function cursorPosition(page: Page): Promise<{ line: number; column: number }> {
  const text = await page.locator('[id="status.editor.selection"]').innerText();
  const match = /Ln (\d+), Col (\d+)/.exec(text);
  if (!match) throw new Error(`unexpected cursor status "${text}"`);
  return { line: Number(match[1]), column: Number(match[2]) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
