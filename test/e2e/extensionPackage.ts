/** Finds the Prisma Lens .vsix under test, packaging it first when the sources are newer. */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';

export const extensionId = 'prisma-lens.prisma-lens';

/** Everything that ends up in the .vsix; a change to any of it makes the package stale. */
const packagedSources = ['package.json', '.vscodeignore', 'esbuild.mjs', 'client', 'server/src', 'syntaxes', 'schemas', 'docs', 'README.md', 'CHANGELOG.md', 'images', 'scripts'];

function newestChange(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

/**
 * The path of the .vsix to install: $PRISMA_LENS_VSIX when set, otherwise dist/prisma-lens.vsix,
 * rebuilt with `npm run package` when it is missing or older than the sources.
 */
export function extensionPackage(): string {
  const given = process.env.PRISMA_LENS_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`PRISMA_LENS_VSIX points to a missing file: ${given}`);
    return given;
  }
  const vsix = join(repoRoot, 'dist', 'prisma-lens.vsix');
  const sourcesChanged = Math.max(...packagedSources.map((path) => newestChange(join(repoRoot, path))));
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < sourcesChanged) {
    const result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8' });
    if (result.status !== 0 || !existsSync(vsix)) {
      throw new Error(`npm run package failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
    }
  }
  return vsix;
}
