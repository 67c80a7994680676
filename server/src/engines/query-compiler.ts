/**
 * Prisma's own query compiler (`@prisma/query-compiler-wasm`, PostgreSQL build), loaded the way
 * Prisma Client loads it: the wasm-bindgen glue instantiates the module once per process, then one
 * `QueryCompiler` per schema text turns JSON protocol requests into query plans. Offline: no
 * generate, no database.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import compilerPackage from '@prisma/query-compiler-wasm/package.json';
import * as glueModule from '@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.js';
import type { QueryCompiler } from '@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.js';

/** The wasm file, shipped next to dist/server.js and dist/cli.js by esbuild.mjs. */
export const QUERY_COMPILER_WASM = 'query_compiler_fast_bg.wasm';

/** The connection facts Prisma's pg driver adapter reports (`PrismaPgAdapter.getConnectionInfo`). */
const PG_CONNECTION_INFO = { supportsRelationJoins: true };

type Glue = typeof import('@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.js');

let gluePromise: Promise<Glue> | undefined;

/** Instantiates the wasm module once; later calls share it. */
function loadGlue(): Promise<Glue> {
  gluePromise ??= (async () => {
    const glue = glueModule;
    // Compiled asynchronously: V8 does the work off the main thread, so the server keeps answering.
    const module = await WebAssembly.compile(await readFile(wasmPath()));
    const instance = await WebAssembly.instantiate(module, { './query_compiler_fast_bg.js': glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  // A failed load (missing file) is retried on the next request rather than cached forever.
  gluePromise.catch(() => (gluePromise = undefined));
  return gluePromise;
}

function wasmPath(): string {
  const bundled = path.join(__dirname, QUERY_COMPILER_WASM);
  if (existsSync(bundled)) return bundled;
  return require.resolve(`@prisma/query-compiler-wasm/postgresql/${QUERY_COMPILER_WASM}`);
}

export interface SchemaCompiler {
  /** Compiles one JSON protocol request (`{ modelName, action, query }`) into a query plan; throws the compiler's error. */
  compile(request: object): unknown;
}

const MAX_CACHED_SCHEMAS = 8;
const compilers = new Map<string, Promise<SchemaCompiler>>();

/**
 * The compiler for one schema text (all files of a multi-file schema joined), cached: building one
 * parses the schema and costs tens of milliseconds, compiling a request then costs about one.
 * Rejects with the compiler's message when the schema is not valid.
 */
export function compilerFor(datamodel: string): Promise<SchemaCompiler> {
  const cached = compilers.get(datamodel);
  if (cached) {
    // Most recently used last, so the oldest schema is the one dropped.
    compilers.delete(datamodel);
    compilers.set(datamodel, cached);
    return cached;
  }
  const created = (async () => {
    const glue = await loadGlue();
    const compiler: QueryCompiler = new glue.QueryCompiler({ datamodel, provider: 'postgres', connectionInfo: PG_CONNECTION_INFO });
    return {
      compile: (request: object) => {
        try {
          return compiler.compile(JSON.stringify(request));
        } catch (error) {
          // A panic leaves the wasm instance unusable: the next request starts a fresh one.
          if (error instanceof WebAssembly.RuntimeError) {
            gluePromise = undefined;
            compilers.clear();
          }
          throw error;
        }
      },
    };
  })();
  created.catch(() => compilers.delete(datamodel));
  compilers.set(datamodel, created);
  while (compilers.size > MAX_CACHED_SCHEMAS) compilers.delete(compilers.keys().next().value!);
  return created;
}

/** The compiler's version, as its package names it (8.1.0-2.<engines commit>). */
export function queryCompilerVersion(): string {
  return compilerPackage.version;
}
