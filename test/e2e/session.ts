/**
 * One end-to-end scenario in a real VS Code: a copy of a project in a temporary folder, the packaged
 * extension installed into a fresh code-server profile, the folder opened in Chromium. On failure
 * it gathers a screenshot and the logs and keeps the folder; it always stops what it started.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { createProfile, ensureCodeServer, installExtension, repoRoot, startCodeServer, type CodeServer, type Profile } from './codeServer';
import { exampleProject, linkExampleClient } from './exampleClient';
import { extensionId, extensionPackage } from './extensionPackage';
import { reportFailure } from './failureReport';
import { stepsOf, type Step } from './steps';
import { dismissFirstRunUi, openWorkbench } from './workbench';

/** Where screenshots go (test artifacts). */
export const resultsDir = join(repoRoot, 'test-results');

export interface ScenarioOptions {
  /** Names the temporary folder (`prisma-lens-e2e-<name>-…`) and the failure screenshot (`<name>-failure.png`). */
  name: string;
  /** The project to copy, and the name of its copy (the folder VS Code opens). */
  project: string;
  folderName: string;
  /** Changes the copy before VS Code opens it. */
  prepare?: (folder: string) => void | Promise<void>;
  viewport?: { width: number; height: number };
}

export interface Scenario {
  /** The copy of the project that VS Code has open. */
  folder: string;
  page: Page;
  step: Step;
}

/** Runs `scenario` in VS Code with the packaged extension and the project open; see the file comment. */
export async function inVsCode(t: TestContext, options: ScenarioOptions, scenario: (session: Scenario) => Promise<void>): Promise<void> {
  const started = Date.now();
  const root = mkdtempSync(join(tmpdir(), `prisma-lens-e2e-${options.name}-`));
  const folder = join(root, options.folderName);
  const failureScreenshot = join(resultsDir, `${options.name}-failure.png`);
  const browserMessages: string[] = [];
  const step = stepsOf(t);
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let failed = true;
  try {
    cpSync(options.project, folder, { recursive: true });
    // The example opens as `npm run demo:vscode` opens it: with its Prisma Client, so its TypeScript type-checks.
    if (options.project === exampleProject) linkExampleClient(folder);
    await options.prepare?.(folder);
    mkdirSync(resultsDir, { recursive: true });
    rmSync(failureScreenshot, { force: true });

    await step('install code-server', () => ensureCodeServer());
    const vsix = await step('package the extension', () => extensionPackage());
    const ownProfile = (profile = createProfile(join(root, 'profile')));
    await step(`install ${extensionId}`, () => {
      installExtension(ownProfile, vsix);
      const installed = readdirSync(ownProfile.extensionsDir);
      assert.ok(
        installed.some((name) => name.startsWith(`${extensionId}-`)),
        `${vsix} did not install as ${extensionId}; the extensions folder holds: ${installed.join(', ')}`,
      );
    });
    const url = (server = await step('start code-server', () => startCodeServer({ profile: ownProfile }))).url;
    browser = await step('launch Chromium', () => launchChromium());
    const ownPage = (page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 860 } }));
    ownPage.setDefaultTimeout(30_000);
    ownPage.on('console', (message) => browserMessages.push(`[${message.type()}] ${message.text()}`));
    ownPage.on('pageerror', (error) => browserMessages.push(`[pageerror] ${error.message}`));
    await step(`open ${options.folderName}`, async () => {
      await openWorkbench(ownPage, url, folder);
      await dismissFirstRunUi(ownPage);
    });

    await scenario({ folder, page: ownPage, step });
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
}
