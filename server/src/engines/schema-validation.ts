/**
 * Prisma's own validation of a schema: `lint` of `@prisma/prisma-schema-wasm`, the engine behind
 * `prisma validate` and the official Prisma extension. The engine (3 MB of WebAssembly) is loaded on
 * the first call. Its positions are UTF-16 offsets into the texts given (a test with non-ASCII text
 * holds it to that), and Prisma 5/6 connection settings are blanked first (`toEngineSchema`), which
 * keeps every offset. Never throws: a missing engine or a panic is a failure the caller reports.
 */
import type { SchemaError } from '../analysis/facts/workspace-facts';
import { toEngineSchema } from './engine-schema';

/** The errors Prisma reports (its warnings are left out), or why the validation could not run. */
export type PrismaValidation = { errors: SchemaError[] } | { failure: string };

export interface ValidatedFile {
  uri: string;
  text: string;
}

/** One entry of `lint`'s answer. */
interface LintDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

interface SchemaWasm {
  lint(input: string): string;
}

/** Where the wasm glue leaves the message of a Rust panic before the call fails (the schema engine's glue uses the same global). */
interface PanicRegistry {
  message: string;
  set_message(message: string): void;
}

let engine: SchemaWasm | undefined;
/** Set once loading failed or the engine panicked: its instance is not used again in this process or thread. */
let unusable: string | undefined;

export function validateSchema(files: readonly ValidatedFile[]): PrismaValidation {
  if (unusable) return { failure: unusable };
  const registry = panicRegistry();
  try {
    engine ??= loadEngine();
  } catch (error) {
    unusable = `Prisma's schema validation could not be loaded: ${describe(error)}`;
    return { failure: unusable };
  }
  try {
    registry.message = '';
    const input = toEngineSchema(files.map((file) => ({ path: file.uri, text: file.text }))).map((file) => [file.path, file.text]);
    const diagnostics = JSON.parse(engine.lint(JSON.stringify(input))) as LintDiagnostic[];
    const errors = diagnostics.filter((diagnostic) => !diagnostic.is_warning && !acceptedByEarlierPrisma(diagnostic.text)).map((diagnostic) => ({ uri: diagnostic.file_name, start: diagnostic.start, end: diagnostic.end, message: diagnostic.text }));
    return { errors };
  } catch (error) {
    const message = registry.message || describe(error);
    // After a Rust panic the instance's memory is in an unknown state.
    if (registry.message || error instanceof WebAssembly.RuntimeError) unusable = `Prisma's schema validation crashed earlier: ${message}`;
    return { failure: `Prisma's schema validation failed: ${message}` };
  }
}

/**
 * Preview features of Prisma 2 to 6. The engine knows only today's: a feature since made generally
 * available or removed (`metrics`, `tracing`, `multiSchema`, `driverAdapters`, `fullTextSearch`…) is
 * "not known" to it, while the Prisma 5/6 version a project runs accepts it.
 */
const EARLIER_PREVIEW_FEATURES = new Set([
  'aggregateapi', 'atomicnumberoperations', 'clientextensions', 'cockroachdb', 'connectorcreate', 'createmany', 'dataproxy', 'deno', 'distinct',
  'driveradapters', 'extendedindexes', 'extendedwhereunique', 'fieldreference', 'filterjson', 'filteredrelationcount', 'fulltextindex',
  'fulltextsearch', 'fulltextsearchpostgres', 'groupby', 'improvedqueryraw', 'interactivetransactions', 'jsonprotocol', 'metrics',
  'microsoftsqlserver', 'middlewares', 'mongodb', 'multischema', 'namedconstraints', 'napi', 'nativedistinct', 'nativetypes', 'omitapi',
  'orderbyaggregategroup', 'orderbynulls', 'orderbyrelation', 'postgresqlextensions', 'prismaschemafolder', 'querycompiler',
  'referentialactions', 'referentialintegrity', 'relationjoins', 'selectrelationcount', 'strictundefinedchecks', 'tracing', 'transactionapi',
  'typedsql', 'uncheckedscalarinputs', 'views', 'shardkeys', 'schemaenginedriveradapters', 'partialindexes',
]);

/**
 * Errors today's engine reports on schemas the Prisma 5/6 a project runs accepts: a preview feature of
 * those versions, and `@id` on a view (Prisma 4.9 to 6 asked views for a unique identifier).
 */
function acceptedByEarlierPrisma(message: string): boolean {
  const feature = /^The preview feature "([^"]+)" is not known/.exec(message)?.[1];
  if (feature !== undefined) return EARLIER_PREVIEW_FEATURES.has(feature.toLowerCase());
  return /^(?:Error validating: )?Views cannot have primary keys/.test(message);
}

/** True once the engine cannot be used again here (a worker thread then ends, and its successor loads a fresh one). */
export function validationEngineUnusable(): boolean {
  return unusable !== undefined;
}

function loadEngine(): SchemaWasm {
  // Instantiates the module on first require; bundled, the glue reads the wasm from next to the bundle (esbuild.mjs copies it).
  const loaded = require('@prisma/prisma-schema-wasm') as Partial<SchemaWasm>;
  if (typeof loaded.lint !== 'function') throw new Error('the module has no lint function');
  return loaded as SchemaWasm;
}

function panicRegistry(): PanicRegistry {
  const global = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  global.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    set_message(message: string) {
      this.message = message;
    },
  };
  return global.PRISMA_WASM_PANIC_REGISTRY;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
