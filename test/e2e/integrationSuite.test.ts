/**
 * Runs the VS Code integration suite (test/vscode/suite) inside code-server's extension host, with
 * Prisma Lens loaded from this repository as a development extension: the same tests
 * @vscode/test-electron runs on desktop, without downloading VS Code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { bundleSuite } from '../vscode/bundleSuite';
import type { TestOutcome } from '../vscode/suite/index';
import { launchChromium, skipWithoutChromium } from './browser';
import { createProfile, ensureCodeServer, repoRoot, startCodeServer, type CodeServer, type Profile } from './codeServer';
import { reportFailure } from './failureReport';
import { stepsOf } from './steps';
import { waitForFile } from './waitForFile';

/** The extension under development: this repository unless PRISMA_LENS_EXTENSION_PATH names another build. */
const extensionPath = process.env.PRISMA_LENS_EXTENSION_PATH ?? repoRoot;

const failureScreenshot = join(repoRoot, 'test-results', 'vscode-suite-failure.png');

/** The suite waits up to a minute per test; this covers start-up on a slow machine too. */
const suiteTimeoutMs = 5 * 60_000;

test('the VS Code integration suite passes in code-server', { skip: skipWithoutChromium, timeout: 10 * 60_000 }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-suite-'));
  const folder = join(root, 'blog');
  const resultFile = join(root, 'suite-result.json');
  const browserMessages: string[] = [];
  const step = stepsOf(t);
  let profile: Profile | undefined;
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let failed = true;

  try {
    cpSync(join(repoRoot, 'examples', 'blog'), folder, { recursive: true });
    rmSync(failureScreenshot, { force: true });
    await step('install code-server', () => ensureCodeServer());
    await step('build the extension', () => {
      if (existsSync(join(extensionPath, 'dist', 'extension.js')) || extensionPath !== repoRoot) return;
      const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
    });
    const suite = await step('bundle the suite', () => bundleSuite(join(root, 'suite')));
    profile = createProfile(join(root, 'profile'));
    const ownProfile = profile;
    server = await step('start code-server', () =>
      startCodeServer({ profile: ownProfile, env: { PRISMA_LENS_SUITE_RESULT: resultFile } }),
    );
    const url = new URL(server.url);
    browser = await step('launch Chromium', () => launchChromium());
    const ownPage = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page = ownPage;
    ownPage.on('console', (message) => browserMessages.push(`[${message.type()}] ${message.text()}`));
    ownPage.on('pageerror', (error) => browserMessages.push(`[pageerror] ${error.message}`));

    const outcomes = await step('run the suite in an Extension Development Host window', async () => {
      // The web workbench takes development options from its `payload` query parameter, with
      // paths on the code-server machine written as vscode-remote URIs.
      const remote = (path: string) => `vscode-remote://${url.host}${path}`;
      const payload = [
        ['extensionDevelopmentPath', remote(extensionPath)],
        ['extensionTestsPath', remote(suite)],
      ];
      await ownPage.goto(`${url.href}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
      const written = await waitForFile(resultFile, (text) => text.trim().startsWith('[') && text.trim().endsWith(']'), suiteTimeoutMs);
      return JSON.parse(written) as TestOutcome[];
    });

    for (const outcome of outcomes) t.diagnostic(`${outcome.passed ? 'ok' : 'not ok'} - ${outcome.name} (${outcome.durationMs} ms)`);
    const failures = outcomes.filter((outcome) => !outcome.passed);
    assert.ok(outcomes.length > 0, 'the suite ran no tests');
    assert.deepEqual(failures, [], failures.map((failure) => `${failure.name}:\n${failure.error}`).join('\n\n'));
    failed = false;
  } catch (error) {
    await reportFailure({
      screenshot: failureScreenshot,
      page,
      server,
      profile,
      browserMessages,
      root,
    });
    throw error;
  } finally {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (!failed) rmSync(root, { recursive: true, force: true });
  }
});
