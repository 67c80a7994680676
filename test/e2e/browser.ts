/** Launches the system Chromium headless for Playwright, the only browser the tests need. */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.PRISMA_LENS_CHROMIUM ?? '/usr/bin/chromium';

/** A reason to skip on a workstation without Chromium; in CI a missing browser is a failure. */
export const skipWithoutChromium: string | false =
  !existsSync(chromiumPath) && !process.env.CI ? `Chromium not found at ${chromiumPath} (set PRISMA_LENS_CHROMIUM)` : false;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-gpu',
    ],
  });
}
