/**
 * Explaining one Prisma call, the same way for the EXPLAIN panel and `prisma-lens explain`: the call
 * the user means, compiled to Prisma's SQL, each statement explained on the chosen database and read
 * for highlights and index advice (plan-report.ts).
 */
import type { QuerySite } from '../analysis/code/query-sites';
import { buildSchema } from '../analysis/schema/build';
import type { PrismaSchema } from '../analysis/schema/model';
import type { EngineSchemaFile } from '../engines/engine-schema';
import type { DatabaseInfo, DatabaseRequest, ExplainDatabases } from './database-choice';
import type { ExplainOptions, StatementToExplain } from './plan';
import { explainStatements, type StatementReport } from './plan-report';
import { compileCall, querySiteMeant, type CallTarget, type CompiledStatements, type SqlStatement } from './sql';

export interface CompiledCallMeant {
  site: QuerySite;
  compiled: CompiledStatements;
  /** The schema the call was compiled against, for the index advice; undefined without one. */
  schema: PrismaSchema | undefined;
}

/**
 * The call the user means at a cursor or on a line (`querySiteMeant`), compiled; a compile failure
 * says why in the user's terms; undefined when there is no Prisma call there.
 */
export async function compileCallMeant(
  file: { uri: string; text: string },
  target: CallTarget,
  schemaFiles: readonly EngineSchemaFile[],
): Promise<CompiledCallMeant | { error: string; callee?: string } | undefined> {
  const site = querySiteMeant(file, target, schemaFiles);
  if (!site) return undefined;
  const compiled = await compileCall(site, schemaFiles);
  if ('error' in compiled) return { error: compiled.error, callee: compiled.callee };
  const schema = schemaFiles.length > 0 ? buildSchema(schemaFiles.map((schemaFile) => ({ uri: schemaFile.path, text: schemaFile.text }))) : undefined;
  return { site, compiled, schema };
}

/** Values Prisma fixes in the source are used as they are; the others are only known at run time. */
export function toExplainable(statement: SqlStatement): StatementToExplain {
  return { sql: statement.sql, params: statement.params.map((param) => ('value' in param ? param.value : undefined)) };
}

export interface CallExplanation {
  reports: StatementReport[];
  database: DatabaseInfo;
}

/** Explains the statements on the database the request leads to; throws only when no database can be used. */
export async function explainCallStatements(
  databases: ExplainDatabases,
  request: DatabaseRequest,
  statements: readonly SqlStatement[],
  options: ExplainOptions,
  schema: PrismaSchema | undefined,
): Promise<CallExplanation> {
  const explainable = statements.map(toExplainable);
  return databases.run(request, explainable.map((statement) => statement.sql), async (session, database) => {
    // Writes to the embedded database are Prisma Lens's own; on the user's database they are checked further.
    const reports = await explainStatements(session, explainable, { ...options, ownDatabase: database.kind === 'embedded' }, schema);
    return { reports, database };
  });
}
