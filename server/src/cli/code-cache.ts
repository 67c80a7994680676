/**
 * Loads one of the CLI's sibling bundles (dist/cli-check.js, dist/cli-explain.js) with V8's code
 * cache, kept in the user cache folder, so that a run does not compile the bundle again: compiling
 * the check bundle was the largest part of a small check after Node's own start (Node 20 has no
 * `module.enableCompileCache`). Any problem with the cache (no home folder, a read-only disk, data
 * another V8 rejects) only means compiling as usual.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import * as path from 'node:path';
import { Script } from 'node:vm';
import { cacheDirectory } from '../explain/embedded-cache';

/** Turns the cache off (`PRISMA_LENS_CODE_CACHE=0`), to measure or rule it out. */
const ENABLED = process.env.PRISMA_LENS_CODE_CACHE !== '0';

/**
 * Only for a bundle without `import()`: a script compiled here has no module loader for it on
 * Node 20 (`vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER` is experimental there), and PGlite in the
 * explain bundle imports parts of itself so.
 */
export function requireBundle(file: string): unknown {
  const cached = Module as unknown as { _cache: Record<string, Module | undefined> };
  const loaded = cached._cache[file];
  if (loaded) return loaded.exports;
  const cacheFile = ENABLED ? cacheFileFor(file) : undefined;
  if (!cacheFile) return require(file);
  const source = readFileSync(file, 'utf8');
  const data = readOptional(cacheFile);
  let script: Script;
  try {
    script = new Script(Module.wrap(source), { filename: file, cachedData: data });
  } catch {
    return require(file);
  }
  // A bundle compiled without usable data leaves its code for the next run, once this one has run
  // it: by then V8 has also compiled the functions the run called, which the cache then holds too.
  if (!data || script.cachedDataRejected) process.once('exit', () => writeCache(script, cacheFile));
  const module = new Module(file, require.main);
  module.filename = file;
  module.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(path.dirname(file));
  cached._cache[file] = module;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  try {
    wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  } catch (error) {
    delete cached._cache[file];
    throw error;
  }
  module.loaded = true;
  return module.exports;
}

/** One file per bundle build and Node.js version: a rebuilt bundle or another Node gets its own. */
function cacheFileFor(file: string): string | undefined {
  try {
    const folder = cacheDirectory(process.env);
    if (!folder) return undefined;
    const { size, mtimeMs } = statSync(file);
    return path.join(folder, 'code-cache', `${path.basename(file, '.js')}-${process.version}-${process.arch}-${size}-${Math.round(mtimeMs)}.bin`);
  } catch {
    return undefined;
  }
}

function readOptional(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Written under a temporary name and renamed, so that a run in parallel never reads half a file; the
 * bundle's caches for other builds and Node.js versions are removed, so that they do not pile up.
 */
function writeCache(script: Script, cacheFile: string): void {
  try {
    const folder = path.dirname(cacheFile);
    mkdirSync(folder, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
    const bundle = `${path.basename(cacheFile).split('-v')[0]}-v`;
    for (const name of readdirSync(folder)) {
      if (name.startsWith(bundle) && name !== path.basename(cacheFile)) unlinkSync(path.join(folder, name));
    }
  } catch {
    // Only the next run's start is slower.
  }
}
