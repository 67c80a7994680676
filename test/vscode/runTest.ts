/**
 * Runs the integration suite (test/vscode/suite) in a downloaded VS Code, with Prisma Lens loaded
 * from this repository and a copy of examples/blog as the workspace.
 *
 *   node --import tsx test/vscode/runTest.ts        # VSCODE_VERSION=1.100.0 to pin a version
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleSuite } from './bundleSuite';

const repoRoot = join(__dirname, '..', '..');

async function main(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-vscode-'));
  const workspace = join(root, 'blog');
  cpSync(join(repoRoot, 'examples', 'blog'), workspace, { recursive: true });
  try {
    const suite = await bundleSuite(join(root, 'suite'));
    await runTests({
      version: process.env.VSCODE_VERSION ?? 'stable',
      // Downloads go where the other test tools live, already ignored by git.
      cachePath: join(repoRoot, '.cache', 'vscode-test'),
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      launchArgs: [
        workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${join(root, 'user-data')}`,
      ],
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
