/** Types for the wasm-bindgen glue of Prisma's query compiler, which ships without declarations for it. */
declare module '@prisma/query-compiler-wasm/postgresql/query_compiler_fast_bg.js' {
  export function __wbg_set_wasm(exports: WebAssembly.Exports): void;
  export class QueryCompiler {
    constructor(params: { datamodel: string; provider: string; connectionInfo: { schemaName?: string; maxBindValues?: number; supportsRelationJoins: boolean } });
    compile(request: string): unknown;
    compileBatch(request: string): unknown;
    free(): void;
  }
}
