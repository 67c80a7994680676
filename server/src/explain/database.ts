/**
 * Which database answers EXPLAIN: the user's PostgreSQL, from the `prismaLens.explain.databaseUrl`
 * setting or the project's `DATABASE_URL` (`.env` files, `prisma.config.ts`), reached through `pg`
 * with a short connect timeout; else the embedded database, with the reason shown to the user.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Client, QueryConfig } from 'pg';
import { PRISMA_CONFIG_NAMES, stripScriptComments } from '../workspace/prisma-project';
import { quoteIdent, type SqlSession } from './database-session';

export interface DatabaseUrl {
  url: string;
  /** Where it came from, for the panel: `setting`, `.env (prisma/.env)`, `prisma.config.ts`, `environment`. */
  source: string;
}

export interface UrlLookup {
  /** The `prismaLens.explain.databaseUrl` setting (or the CLI's `--database-url`), when set. */
  setting?: string;
  /** What to call the setting in messages; `the prismaLens.explain.databaseUrl setting` by default. */
  settingName?: string;
  /** Folder of the schema file (or of the multi-file schema folder). */
  schemaDir: string;
  /** Folder of the project's package.json or prisma.config.*. */
  projectRoot: string;
  /** The schema's text, for `url = env("…")` in the datasource block. */
  schemaText?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds the database URL the way Prisma would, without executing any of the project's code: the
 * setting first, then a literal URL in prisma.config.* or the schema, then the variable they name
 * (DATABASE_URL by default) from the process environment, which wins over `.env` files as it does
 * for Prisma (dotenv never overrides a variable that is set), then from the `.env` files.
 */
export async function resolveDatabaseUrl(lookup: UrlLookup): Promise<DatabaseUrl | undefined> {
  if (lookup.setting?.trim()) return { url: lookup.setting.trim(), source: lookup.settingName ?? 'the prismaLens.explain.databaseUrl setting' };
  const config = await readPrismaConfigUrl(lookup.projectRoot);
  if (config?.literal) return { url: config.literal, source: config.file };
  const variable = config?.variable ?? schemaUrlVariable(lookup.schemaText) ?? 'DATABASE_URL';
  const literal = schemaUrlLiteral(lookup.schemaText);
  if (literal) return { url: literal, source: 'the schema\'s datasource url' };
  const environment = lookup.env ?? process.env;
  const fromEnvironment = environment[variable];
  if (fromEnvironment) return { url: fromEnvironment, source: `${variable} in the environment` };
  const envFiles = [...new Set([path.join(lookup.schemaDir, '.env'), path.join(lookup.projectRoot, '.env'), path.join(lookup.projectRoot, 'prisma', '.env')])];
  for (const file of envFiles) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const entries = readDotenv(text);
    const entry = entries.get(variable);
    if (!entry?.value) continue;
    const values = new Map([...entries].map(([key, item]) => [key, item.value]));
    return { url: expandVariables(entry.value, values, environment), source: `${variable} in ${path.relative(lookup.projectRoot, file) || file}, line ${entry.line}` };
  }
  return undefined;
}

/** `KEY=value` lines of a .env file, with quotes, `export`, comments and escaped newlines handled. */
export function parseDotenv(text: string): Map<string, string> {
  return new Map([...readDotenv(text)].map(([key, entry]) => [key, entry.value]));
}

/** The .env file's values with the line (from 1) each is set on; a later line wins. */
function readDotenv(text: string): Map<string, { value: string; line: number }> {
  const values = new Map<string, { value: string; line: number }>();
  const line = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*("(?:\\.|[^"\\])*"|'[^']*'|`[^`]*`|[^\n#]*)/gm;
  for (const match of text.matchAll(line)) {
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    values.set(match[1]!, { value, line: lineOf(text, match.index ?? 0) });
  }
  return values;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** `${VAR}` references inside a .env value, as dotenv-expand (used by Prisma) resolves them. */
function expandVariables(value: string, file: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{(\w+)\}/g, (_, name: string) => env[name] ?? file.get(name) ?? '');
}

function schemaUrlVariable(schemaText: string | undefined): string | undefined {
  return schemaText ? /^\s*url\s*=\s*env\(\s*"([^"]+)"\s*\)/m.exec(schemaText)?.[1] : undefined;
}

function schemaUrlLiteral(schemaText: string | undefined): string | undefined {
  return schemaText ? /^\s*url\s*=\s*"(postgres(?:ql)?:\/\/[^"]+)"/m.exec(schemaText)?.[1] : undefined;
}

/** `datasource: { url: env('X') }`, `url: process.env.X` or a literal in a prisma.config.* file. */
async function readPrismaConfigUrl(projectRoot: string): Promise<{ file: string; variable?: string; literal?: string } | undefined> {
  for (const name of PRISMA_CONFIG_NAMES) {
    const text = await readFile(path.join(projectRoot, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const code = stripScriptComments(text);
    const variable = /\burl\s*:\s*(?:env\s*(?:<[^>]*>)?\(\s*['"`](\w+)['"`]\s*\)|process\.env(?:\.(\w+)|\[\s*['"`](\w+)['"`]\s*\]))/.exec(code);
    if (variable) return { file: name, variable: variable[1] ?? variable[2] ?? variable[3] };
    const literal = /\burl\s*:\s*['"`](postgres(?:ql)?:\/\/[^'"`]+)['"`]/.exec(code);
    if (literal) return { file: name, literal: literal[1] };
    return undefined;
  }
  return undefined;
}

/** Prisma's own URL parameters, which PostgreSQL would reject as unknown startup settings. */
const PRISMA_ONLY_PARAMETERS = ['schema', 'connection_limit', 'pool_timeout', 'pgbouncer', 'statement_cache_size', 'socket_timeout', 'sslaccept', 'sslidentity', 'sslpassword', 'connect_timeout', 'single_use_connections'];

export interface UserDatabase {
  session: SqlSession;
  /** `blog@127.0.0.1:5432/blog`, never the password. */
  label: string;
  serverVersion: string;
  close(): Promise<void>;
}

/**
 * Reads a connection URL without connecting: the parts PostgreSQL needs, the search path Prisma's
 * `schema` parameter names, and a label without the password; or why the URL is malformed.
 */
export function readDatabaseUrl(url: string): { connectionString: string; label: string; searchPath?: string } | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: 'the database URL is not a valid URL' };
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    return { error: `the database URL is for ${parsed.protocol.replace(/:$/, '') || 'an unknown scheme'}, and EXPLAIN plans need PostgreSQL` };
  }
  // pg decodes every part; a broken %-escape would throw deep inside it.
  for (const [part, value] of [['user name', parsed.username], ['password', parsed.password], ['database name', parsed.pathname], ['query', parsed.search]] as const) {
    try {
      decodeURIComponent(value);
    } catch {
      return { error: `the database URL's ${part} holds a malformed %-escape (write a literal % as %25)` };
    }
  }
  const searchPath = parsed.searchParams.get('schema') ?? undefined;
  for (const name of PRISMA_ONLY_PARAMETERS) parsed.searchParams.delete(name);
  const label = `${decodeURIComponent(parsed.username) || 'postgres'}@${parsed.hostname || parsed.searchParams.get('host') || 'localhost'}${parsed.port ? `:${parsed.port}` : ''}${decodeURIComponent(parsed.pathname) || '/'}`;
  return { connectionString: parsed.toString(), label, searchPath };
}

/** Connects to the user's PostgreSQL; a failure comes back as a sentence the user can act on. Never throws. */
export async function connectUserDatabase(url: string, options: { connectTimeoutMs?: number } = {}): Promise<UserDatabase | { error: string }> {
  const read = readDatabaseUrl(url);
  if ('error' in read) return read;
  const { label, searchPath } = read;
  let client: Client;
  try {
    const { Client: PgClient } = require('pg') as typeof import('pg');
    client = new PgClient({ connectionString: read.connectionString, connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000, application_name: 'prisma-lens-explain' });
  } catch (error) {
    return { error: `the database URL cannot be used: ${error instanceof Error ? error.message : String(error)}` };
  }
  // A dropped connection later must not crash the server; the next request reconnects.
  client.on('error', () => undefined);
  const applySearchPath = async (): Promise<void> => {
    if (searchPath) await client.query(`SET search_path TO ${quoteIdent(searchPath)}`);
  };
  try {
    await client.connect();
    await applySearchPath();
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      session: {
        async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
          // The extended protocol always: PostgreSQL refuses a second statement in one Parse message.
          const result = await client.query({ text: sql, values: params ? [...params] : [], queryMode: 'extended' } as QueryConfig);
          return result.rows as Row[];
        },
        async exec(sql: string): Promise<void> {
          await client.query(sql);
        },
        async reset(): Promise<void> {
          await client.query('DISCARD ALL');
          await applySearchPath();
        },
      },
      label,
      serverVersion: version.rows[0]?.server_version ?? 'unknown',
      close: async () => {
        await client.end().catch(() => undefined);
      },
    };
  } catch (error) {
    await client.end().catch(() => undefined);
    return { error: describeConnectError(error, label) };
  }
}

/** The cause of a failed connection in the user's terms. */
export function describeConnectError(error: unknown, label: string): string {
  const details = error as { code?: string; message?: string };
  const message = details?.message ?? String(error);
  switch (details?.code) {
    case '28P01':
      return `the password for ${label} was rejected (wrong password)`;
    case '28000':
      return `${label} refused the login (${message})`;
    case '3D000':
      return `the database in ${label} does not exist`;
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${label} (connection refused): is the database running?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${label} could not be found`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${label} could not be reached (${details.code})`;
    case 'ENOENT':
      return `no PostgreSQL socket at ${label}`;
    default:
      if (/timeout/i.test(message)) return `${label} did not answer in time (connection timeout)`;
      return `${label}: ${message}`;
  }
}
