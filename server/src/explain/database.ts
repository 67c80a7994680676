/**
 * Which database answers EXPLAIN: the user's PostgreSQL, from the `prismaLens.explain.databaseUrl`
 * setting or the project's `DATABASE_URL` (`.env` files, `prisma.config.ts`), reached through `pg`
 * with a short connect timeout; else the embedded database, with the reason shown to the user.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Client } from 'pg';
import { PRISMA_CONFIG_NAMES, stripScriptComments } from '../workspace/prisma-project';
import type { SqlSession } from './database-session';

export interface DatabaseUrl {
  url: string;
  /** Where it came from, for the panel: `setting`, `.env (prisma/.env)`, `prisma.config.ts`, `environment`. */
  source: string;
}

export interface UrlLookup {
  /** The `prismaLens.explain.databaseUrl` setting, when set. */
  setting?: string;
  /** Folder of the schema file (or of the multi-file schema folder). */
  schemaDir: string;
  /** Folder of the project's package.json or prisma.config.*. */
  projectRoot: string;
  /** The schema's text, for `url = env("…")` in the datasource block. */
  schemaText?: string;
  env?: NodeJS.ProcessEnv;
}

/** Finds the database URL the way Prisma would, without executing any of the project's code. */
export async function resolveDatabaseUrl(lookup: UrlLookup): Promise<DatabaseUrl | undefined> {
  if (lookup.setting?.trim()) return { url: lookup.setting.trim(), source: 'the prismaLens.explain.databaseUrl setting' };
  const config = await readPrismaConfigUrl(lookup.projectRoot);
  if (config?.literal) return { url: config.literal, source: config.file };
  const variable = config?.variable ?? schemaUrlVariable(lookup.schemaText) ?? 'DATABASE_URL';
  const literal = schemaUrlLiteral(lookup.schemaText);
  if (literal) return { url: literal, source: 'the schema\'s datasource url' };
  const envFiles = [...new Set([path.join(lookup.schemaDir, '.env'), path.join(lookup.projectRoot, '.env'), path.join(lookup.projectRoot, 'prisma', '.env')])];
  for (const file of envFiles) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    const value = text === undefined ? undefined : parseDotenv(text).get(variable);
    if (value) return { url: expandVariables(value, parseDotenv(text!), lookup.env ?? process.env), source: `${variable} in ${path.relative(lookup.projectRoot, file) || file}` };
  }
  const fromEnvironment = (lookup.env ?? process.env)[variable];
  if (fromEnvironment) return { url: fromEnvironment, source: `${variable} in the environment` };
  return undefined;
}

/** `KEY=value` lines of a .env file, with quotes, `export`, comments and escaped newlines handled. */
export function parseDotenv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  const line = /^[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*("(?:\\.|[^"\\])*"|'[^']*'|`[^`]*`|[^\n#]*)/gm;
  for (const match of text.matchAll(line)) {
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'" || quote === '`') && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    values.set(match[1]!, value);
  }
  return values;
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

/** Connects to the user's PostgreSQL; a failure comes back as a sentence the user can act on. */
export async function connectUserDatabase(url: string, options: { connectTimeoutMs?: number } = {}): Promise<UserDatabase | { error: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: 'the database URL is not a valid URL' };
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    return { error: `the database URL is for ${parsed.protocol.replace(/:$/, '')}, and EXPLAIN plans need PostgreSQL` };
  }
  const searchPath = parsed.searchParams.get('schema') ?? undefined;
  for (const name of PRISMA_ONLY_PARAMETERS) parsed.searchParams.delete(name);
  const label = `${decodeURIComponent(parsed.username) || 'postgres'}@${parsed.hostname || parsed.searchParams.get('host') || 'localhost'}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname || '/'}`;
  const { Client: PgClient } = require('pg') as typeof import('pg');
  const client: Client = new PgClient({
    connectionString: parsed.toString(),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    application_name: 'prisma-lens-explain',
  });
  // A dropped connection later must not crash the server; the next request reconnects.
  client.on('error', () => undefined);
  try {
    await client.connect();
    if (searchPath) await client.query(`SET search_path TO "${searchPath.replace(/"/g, '""')}"`);
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    return {
      session: {
        async query<Row>(sql: string, params?: readonly unknown[]): Promise<Row[]> {
          const result = await client.query(sql, params ? [...params] : undefined);
          return result.rows as Row[];
        },
        async exec(sql: string): Promise<void> {
          await client.query(sql);
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
