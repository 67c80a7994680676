/** How many rows the embedded database generates per queried table unless told otherwise; a module of its own so that the CLI reads it without loading the database. */
export const DEFAULT_ROWS_PER_TABLE = 100_000;
