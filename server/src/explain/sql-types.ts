/**
 * The shape of "the exact SQL Prisma runs for a call", shared by hover, the CLI `explain` command,
 * the plan (`explain/plan.ts`) and the EXPLAIN panel.
 *
 * Entry points (server/src/explain/sql.ts):
 *
 *   compileCall(site: QuerySite, schemaFiles: readonly EngineSchemaFile[]): Promise<CompiledSql>
 *     One Prisma call (model operation or `$queryRaw`/`$executeRaw` template) → its SQL statements.
 *   compileAt(file: { uri, text }, offset: number, schemaFiles): Promise<CompiledSql | undefined>
 *     The call whose source range holds `offset` (innermost wins); undefined when there is none.
 *
 *   CompiledSql = { statements: SqlStatement[]; callee: string; model?: string; operation: string }
 *               | { error: string; callee?: string }      // said in the user's terms, never thrown
 *   SqlStatement = { sql: string; params: SqlParameter[] }   // SQL with PostgreSQL `$1…$n` placeholders
 *   SqlParameter = { name: string; type: string; value?: JsonValue }
 *     params[i] is `$${i + 1}`. `value` is present when the source fixes it (a literal, `take: 10`),
 *     exactly as Prisma hands it to the pg driver (strings for dates, decimals, big integers; JSON
 *     text for Json); absent for values only known at run time (a variable, a function result, rows
 *     of an earlier statement), whose `name` is the source expression (`userId`, `input.email`) or
 *     what they come from (`id of the rows an earlier statement returned`); `name` is `literal`
 *     when `value` is present. `type` is Prisma's scalar type from
 *     the schema (`String`, `Int`, `BigInt`, `Float`, `Decimal`, `Boolean`, `DateTime`, `Json`,
 *     `Bytes`, an enum name), with `[]` for lists; `Unknown` when the schema does not say.
 *
 * Statements come in the order Prisma runs them: an `include` adds a statement per relation; a
 * nested write wraps statements in BEGIN/COMMIT, which are not listed. A statement Prisma runs only
 * in some cases (the update or the create path of an upsert) says so in `when`. A list whose length is only
 * known at run time (`id: { in: ids }`, the parent keys of an `include`) is shown with one element,
 * `IN ($2)`, which is how PostgreSQL plans a one-element list.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SqlParameter {
  /** The source expression (`userId`), what an earlier statement supplies, or `literal` when `value` is set. */
  name: string;
  /** Prisma's scalar type (`Int`, `String`, `DateTime`, an enum…), `[]` for lists, `Unknown` when not known. */
  type: string;
  /** The value Prisma sends, when the source fixes it; absent when only known at run time. */
  value?: JsonValue;
}

export interface SqlStatement {
  /** PostgreSQL text with `$1…$n` placeholders, exactly as Prisma sends it. */
  sql: string;
  params: SqlParameter[];
  /** Set when Prisma runs the statement only in some cases (an upsert's update or create path). */
  when?: string;
}

export interface CompiledStatements {
  statements: SqlStatement[];
  /** The call as written, e.g. `prisma.post.findMany`. */
  callee: string;
  model?: string;
  operation: string;
}

export interface CompileFailure {
  /** Why there is no SQL, in the user's terms (an unknown field, an unsupported argument, a schema error). */
  error: string;
  callee?: string;
}

export type CompiledSql = CompiledStatements | CompileFailure;

export function isCompileFailure(result: CompiledSql): result is CompileFailure {
  return 'error' in result;
}
