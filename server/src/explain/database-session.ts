/** The one thing the EXPLAIN code needs from a database: statements run in order on a single connection. */

export interface SqlSession {
  /**
   * Runs one statement (with `$n` parameters when `params` is given) over the extended protocol,
   * where the database refuses a text that holds more than one statement, and returns its rows.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs a script of several statements without parameters over the simple protocol. Only for
   * texts Prisma Lens writes itself (transaction control, settings, its own DDL), never for SQL
   * that came from the workspace.
   */
  exec(sql: string): Promise<void>;
  /** Returns the session to the state it had after connecting: no setting, lock, prepared statement or temporary table left. */
  reset(): Promise<void>;
}

/** Quotes an SQL identifier (`users` → `"users"`). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes an SQL string literal (for a session with standard_conforming_strings on). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"schema"."table"`, the way Prisma's SQL names a table. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}
