/** Gives a copy of examples/blog the example's Prisma Client, generated offline, so that its TypeScript type-checks. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './codeServer';

export const exampleProject = join(repoRoot, 'examples', 'blog');

/** Runs scripts/generate-example-client.mjs, which links `folder`/node_modules/@prisma/client to the generated client. */
export function linkExampleClient(folder: string): void {
  const generated = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'generate-example-client.mjs'), '--link', folder], { encoding: 'utf8' });
  assert.equal(generated.status, 0, `generating the example's Prisma Client failed:\n${generated.stdout}${generated.stderr}`);
}
