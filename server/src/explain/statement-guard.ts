/**
 * The one gate every text passes before it reaches a database for EXPLAIN: PostgreSQL's own parser
 * (libpg-query) must read it as exactly one SELECT, INSERT, UPDATE or DELETE (or a WITH of those),
 * with no `SELECT … INTO` and no function whose effects outlive a rolled-back transaction. Texts
 * come from an untrusted workspace: its raw SQL, its schema's `@map` names and the values in its code.
 */
import { loadSqlParser, parseScript, type PgNode } from '../analysis/migrations/sql';

export interface CheckedStatement {
  /** The statement's own text: from its first keyword to its end, without a trailing semicolon. */
  sql: string;
  /** True when it (or a WITH inside it) inserts, updates or deletes, or locks rows (`FOR UPDATE`). */
  isWrite: boolean;
  /** The highest `$n` it uses. */
  parameterCount: number;
  /** Tables it inserts into, updates or deletes from, as written (`schema` undefined when unqualified). */
  writeTargets: { schema?: string; table: string; insert: boolean }[];
}

export type GuardResult = ({ ok: true } & CheckedStatement) | { ok: false; reason: string };

const STATEMENT_KINDS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);
const WRITE_KINDS = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
const MAX_SQL_CHARS = 1_000_000;

/**
 * Functions whose effects a ROLLBACK does not undo, or that reach outside the database session:
 * session-level locks, other connections, other backends, server files, sequences, settings.
 */
const UNSAFE_FUNCTIONS = new Set([
  'nextval', 'setval',
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_promote',
  'pg_switch_wal', 'pg_create_restore_point', 'pg_backup_start', 'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup',
  'pg_wal_replay_pause', 'pg_wal_replay_resume', 'pg_log_backend_memory_contexts', 'pg_import_system_collations',
  'pg_logical_emit_message', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
  'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync', 'pg_read_file', 'pg_read_binary_file',
  'pg_stat_file', 'pg_ls_dir', 'pg_ls_logdir', 'pg_ls_waldir', 'pg_ls_tmpdir', 'pg_ls_archive_statusdir',
  'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'cursor_to_xml', 'cursor_to_xmlschema',
  'table_to_xml', 'table_to_xmlschema', 'table_to_xml_and_xmlschema', 'schema_to_xml', 'schema_to_xmlschema',
  'schema_to_xml_and_xmlschema', 'database_to_xml', 'database_to_xmlschema', 'database_to_xml_and_xmlschema',
  'txid_current', 'pg_current_xact_id', 'pg_notify',
]);

/** Families of functions by prefix: advisory locks, dblink, large objects, replication, statistics resets. */
const UNSAFE_PREFIXES = ['pg_advisory_', 'pg_try_advisory_', 'dblink', 'lo_', 'pg_replication_', 'pg_create_logical_replication', 'pg_create_physical_replication', 'pg_drop_replication', 'pg_copy_', 'pg_stat_reset', 'pg_stat_statements_reset'];

/** Why a function may not run under EXPLAIN, or undefined when it may. */
function unsafeFunction(name: string, args: readonly PgNode[]): string | undefined {
  const lower = name.toLowerCase();
  if (lower === 'set_config') {
    // set_config(name, value, is_local): only `true` keeps the change inside the transaction.
    if (isTrueConstant(args[2])) return undefined;
    return '`set_config(…, false)` changes the setting for the whole session, beyond the transaction that is rolled back';
  }
  if (lower.startsWith('pg_advisory_xact') || lower.startsWith('pg_try_advisory_xact')) return undefined;
  if (lower.startsWith('pg_advisory_') || lower.startsWith('pg_try_advisory_')) return `\`${name}\` takes an advisory lock that outlives the transaction (Prisma Migrate uses one to keep migrations apart)`;
  if (lower.startsWith('dblink')) return `\`${name}\` opens another connection, whose work a rollback does not undo`;
  if (lower.startsWith('lo_')) return `\`${name}\` works on large objects and server files`;
  if (lower === 'nextval' || lower === 'setval') return `\`${name}\` moves a sequence, which a rollback does not undo`;
  if (UNSAFE_FUNCTIONS.has(lower) || UNSAFE_PREFIXES.some((prefix) => lower.startsWith(prefix))) return `\`${name}\` has effects beyond the transaction that EXPLAIN rolls back`;
  return undefined;
}

function isTrueConstant(node: PgNode | undefined): boolean {
  const constant = node?.A_Const as { boolval?: { boolval?: boolean }; sval?: { sval?: string } } | undefined;
  if (!constant) return false;
  if (constant.boolval) return constant.boolval.boolval === true;
  return /^(t|true|on|yes|1)$/i.test(constant.sval?.sval ?? '');
}

/** Loads the parser; `checkStatement` needs it. */
export function loadStatementGuard(): Promise<void> {
  return loadSqlParser();
}

/**
 * Reads `text` as exactly one statement EXPLAIN may run, or says why not. Never throws; a parser
 * that is not loaded yet refuses everything.
 */
export function checkStatement(text: string): GuardResult {
  if (text.length > MAX_SQL_CHARS) return { ok: false, reason: 'the SQL is too large to explain' };
  if (text.trim() === '') return { ok: false, reason: 'there is no SQL to explain' };
  const parsed = parseScript(text);
  if (parsed.errors.length > 0) return { ok: false, reason: `PostgreSQL's parser cannot read the SQL: ${parsed.errors[0]!.message}` };
  if (parsed.statements.length !== 1) {
    return { ok: false, reason: `the SQL holds ${parsed.statements.length} statements; only one statement is explained, and a second one would run outside EXPLAIN's rolled-back transaction` };
  }
  const statement = parsed.statements[0]!;
  if (!statement.kind || !STATEMENT_KINDS.has(statement.kind)) {
    return { ok: false, reason: `only a SELECT, INSERT, UPDATE or DELETE can be explained, not ${describeKind(statement.kind)}` };
  }
  const facts: TreeFacts = { isWrite: WRITE_KINDS.has(statement.kind), parameterCount: 0, writeTargets: [] };
  const refusal = inspect({ [statement.kind]: statement.node }, facts);
  if (refusal) return { ok: false, reason: refusal };
  return { ok: true, sql: text.slice(statement.span.start, statement.span.end), ...facts };
}

/**
 * Checks the exact text sent for a prepared statement: one `PREPARE name AS <statement>` whose
 * statement passes `checkStatement`, or one `EXPLAIN (…) EXECUTE name(…)` whose arguments are
 * constants only. Returns a reason when the text is anything else.
 */
export function checkWrapper(text: string, expected: 'PrepareStmt' | 'ExplainExecute'): string | undefined {
  const parsed = parseScript(text);
  if (parsed.errors.length > 0 || parsed.statements.length !== 1) return 'the text sent to the database is not one statement';
  const statement = parsed.statements[0]!;
  if (expected === 'PrepareStmt') {
    if (statement.kind !== 'PrepareStmt') return 'the text sent to the database is not a PREPARE';
    const query = (statement.node as { query?: PgNode }).query;
    const kind = query ? Object.keys(query)[0] : undefined;
    if (!kind || !STATEMENT_KINDS.has(kind)) return 'the prepared statement is not a SELECT, INSERT, UPDATE or DELETE';
    return inspect(query!, { isWrite: false, parameterCount: 0, writeTargets: [] });
  }
  if (statement.kind !== 'ExplainStmt') return 'the text sent to the database is not an EXPLAIN';
  const execute = (statement.node as { query?: { ExecuteStmt?: { params?: PgNode[] } } }).query?.ExecuteStmt;
  if (!execute) return 'the EXPLAIN does not execute a prepared statement';
  for (const param of execute.params ?? []) if (!isConstant(param)) return 'a value given to the prepared statement is not a constant';
  return undefined;
}

function isConstant(node: PgNode): boolean {
  if (node.A_Const) return true;
  const cast = node.TypeCast as { arg?: PgNode } | undefined;
  return cast?.arg !== undefined && isConstant(cast.arg);
}

interface TreeFacts {
  isWrite: boolean;
  parameterCount: number;
  writeTargets: CheckedStatement['writeTargets'];
}

/** Walks the parse tree once: refuses what may not run, and notes writes and parameters. */
function inspect(root: PgNode, facts: TreeFacts): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    const node = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(node)) {
      if (!child || typeof child !== 'object') continue;
      const refusal = refuseNode(key, child as Record<string, unknown>, facts);
      if (refusal) return refusal;
      stack.push(child);
    }
  }
  return undefined;
}

function refuseNode(key: string, node: Record<string, unknown>, facts: TreeFacts): string | undefined {
  switch (key) {
    case 'SelectStmt':
      if (node.intoClause) return '`SELECT … INTO` creates a table';
      if (node.lockingClause) facts.isWrite = true;
      return undefined;
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      facts.isWrite = true;
      const relation = node.relation as { schemaname?: string; relname?: string } | undefined;
      if (relation?.relname) facts.writeTargets.push({ schema: relation.schemaname, table: relation.relname, insert: key === 'InsertStmt' });
      return undefined;
    }
    case 'MergeStmt':
      return 'MERGE is not explained';
    case 'FuncCall': {
      const names = ((node.funcname as PgNode[] | undefined) ?? []).map((part) => (part.String as { sval?: string } | undefined)?.sval ?? '');
      return unsafeFunction(names[names.length - 1] ?? '', (node.args as PgNode[] | undefined) ?? []);
    }
    case 'ParamRef': {
      const number = (node as { number?: number }).number;
      if (typeof number === 'number') facts.parameterCount = Math.max(facts.parameterCount, number);
      return undefined;
    }
    default:
      if (/^[A-Z]\w*Stmt$/.test(key) && !STATEMENT_KINDS.has(key) && !WRITE_KINDS.has(key)) return `${describeKind(key)} cannot run under EXPLAIN`;
      return undefined;
  }
}

function describeKind(kind: string | undefined): string {
  if (!kind) return 'this statement';
  const words = kind.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return `${words} statements`;
}
