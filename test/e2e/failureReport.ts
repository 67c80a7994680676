/** Gathers what explains a failed end-to-end run: a screenshot, code-server and extension logs, the browser console. */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CodeServer, Profile } from './codeServer';

export interface FailureContext {
  /** Where the failure screenshot goes, e.g. test-results/vscode-failure.png. */
  screenshot: string;
  page?: Page;
  server?: CodeServer;
  profile?: Profile;
  browserMessages: string[];
  /** The temporary folder, kept for inspection. */
  root: string;
}

/** Prints the report to stderr. */
export async function reportFailure(context: FailureContext): Promise<void> {
  const sections: string[] = [`files kept in ${context.root}`];
  if (context.page) {
    mkdirSync(join(context.screenshot, '..'), { recursive: true });
    await context.page.screenshot({ path: context.screenshot }).then(
      () => sections.push(`screenshot: ${context.screenshot}`),
      (error: Error) => sections.push(`no screenshot: ${error.message}`),
    );
  }
  if (context.server) sections.push(`--- code-server output ---\n${tail(context.server.log(), 80)}`);
  if (context.profile) {
    for (const log of logFiles(join(context.profile.userDataDir, 'logs'))) {
      sections.push(`--- ${log} ---\n${tail(readFileSync(log, 'utf8'), 60)}`);
    }
  }
  sections.push(`--- browser console ---\n${context.browserMessages.slice(-40).join('\n')}`);
  console.error(sections.join('\n'));
}

/** Extension-host, server-agent and Prisma Lens output logs written under the profile. */
function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return logFiles(path);
    return /exthost|remoteagent|prisma/i.test(name) && !/telemetry/i.test(name) ? [path] : [];
  });
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}
