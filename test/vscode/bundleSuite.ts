/** Bundles the TypeScript integration suite into one CommonJS file the extension host can load. */
import { join } from 'node:path';
import * as esbuild from 'esbuild';

/** Writes `<outDir>/index.js` and returns its path, for --extensionTestsPath. */
export async function bundleSuite(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.js');
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  return outfile;
}
