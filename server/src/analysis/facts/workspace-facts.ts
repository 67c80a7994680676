/**
 * Facts about a whole workspace that single-file analysis cannot know: every Prisma query of every
 * code file, reduced to the columns it reads (the workspace code index builds them with
 * `workspaceQueries(…)` from each file's query sites; `unused-index` reads them), and what Prisma's
 * own validation says of the schema (the host asks Prisma's engine; `schema-error` reads it).
 */
import type { QuerySite } from '../code/query-sites';
import type { Index, Model, PrismaSchema } from '../schema/model';
import type { Span } from '../text';
import ts = require('typescript');
import { objectArgument, propertyName, propertyValue, unwrap } from '../code/syntax';
import { accessPaths, FILTERING_OPERATIONS } from './query-shape';

/** One table read of one query, by names (not schema objects), so that facts outlive a schema rebuild. */
export interface WorkspaceQueryPath {
  model: string;
  equality: string[];
  range: string[];
  sort: string[];
  /** Foreign keys of `model` a to-one relation filter matches with the related rows it selects (`author: { email }` → `authorId`). */
  joins?: string[];
  /** The filter has parts the analysis cannot see (a spread, a variable): it may read by any column. */
  open?: boolean;
}

export interface WorkspaceQuery {
  uri: string;
  span: Span;
  /** `prisma.post.findMany`, as written. */
  callee: string;
  /** The tables read and by what; a relation loaded with `include`, `select` or `_count` reads the related table by its foreign key. */
  paths: WorkspaceQueryPath[];
  /** The schema model the call is made on (undefined for raw SQL). */
  model?: string;
  /** `findMany`, `delete`, `$queryRaw`: what the call does besides reading. */
  operation?: string;
  /** A raw query's SQL as written (its first `MAX_RAW_SQL` characters): its tables are not read into paths. */
  sql?: string;
  /** Its arguments, or an `include`/`select` in them, are built where the analysis cannot see (a variable, a spread): it may load any relation of `model`. */
  opaque?: boolean;
}

/** Raw SQL kept per query: enough for the table and column names of a hand-written statement. */
const MAX_RAW_SQL = 4000;

export interface WorkspaceFacts {
  /** Every Prisma query of the workspace's code files (generated clients and node_modules excluded). */
  queries: readonly WorkspaceQuery[];
}

/** An error in a schema file, by UTF-16 offsets into the text analysed. */
export interface SchemaError {
  uri: string;
  start: number;
  end: number;
  /** Prisma's words (`Type "Floot" is neither a built-in type, …`); for an encoding error, the byte (`0xFF`). */
  message: string;
  /** `encoding`: the file's bytes are not UTF-8 from here on (its readers see U+FFFD); absent: Prisma's validation error. */
  kind?: 'encoding';
}

/**
 * What the host knows about a schema beyond its text; each part is absent when the host did not
 * compute it, and the rules that read it then report nothing.
 */
export interface SchemaFacts extends Partial<WorkspaceFacts> {
  /** Prisma's own validation errors of the schema's files (none: the schema is valid). */
  prismaValidation?: readonly SchemaError[];
}

/** The workspace facts of one file's query sites; the workspace index concatenates them over files. */
export function workspaceQueries(sites: readonly QuerySite[], schema: PrismaSchema): WorkspaceQuery[] {
  const queries: WorkspaceQuery[] = [];
  for (const site of sites) {
    if (site.kind === 'raw') {
      queries.push(rawQuery(site.uri, site, site.args?.getText()));
      continue;
    }
    if (!site.model) continue;
    const unique = !FILTERING_OPERATIONS.has(site.operation);
    const paths = accessPaths(site, schema).map((path) => ({
      model: path.model.name,
      equality: path.equality,
      range: path.range,
      sort: path.sort,
      ...(path.joins ? { joins: path.joins } : {}),
      ...(path.open ? { open: true } : {}),
    }));
    // findUnique, update, delete and upsert read by a unique key: they use that key's index, not others.
    const read = unique ? paths.filter((path) => path.model !== site.model!.name || path.equality.length > 0) : paths;
    const args = objectArgument(site.node);
    const opaque = (!args && ts.isCallExpression(site.node) && site.node.arguments.length > 0) || (args !== undefined && !relationLoads(schema, site.model, args, read, 0));
    queries.push({ uri: site.uri, span: site.span, callee: site.callee, paths: read, model: site.model.name, operation: site.operation, ...(opaque ? { opaque: true } : {}) });
  }
  return queries;
}

/** A raw query as a workspace query: its SQL as written, no paths (its tables are not read into them). */
export function rawQuery(uri: string, site: { span: Span; callee: string; operation: string }, sql: string | undefined): WorkspaceQuery {
  const kept = sql?.slice(0, MAX_RAW_SQL);
  return { uri, span: site.span, callee: site.callee, paths: [], operation: site.operation, ...(kept ? { sql: kept } : {}) };
}

/** Nesting of `include`/`select` followed: deeper ones are generated, not written. */
const MAX_LOAD_DEPTH = 6;

/**
 * The related tables an `include`, `select` or `_count` of `args` loads, each read by its foreign
 * key (Prisma loads `include: { posts: true }` with `WHERE "authorId" IN (…)`), into `into`. False
 * when one of them is built where the analysis cannot see (a variable, a spread, a shorthand).
 */
function relationLoads(schema: PrismaSchema, model: Model, args: ts.ObjectLiteralExpression, into: WorkspaceQueryPath[], depth: number): boolean {
  if (depth > MAX_LOAD_DEPTH) return true;
  let seen = !args.properties.some(ts.isSpreadAssignment);
  for (const key of ['include', 'select']) {
    const value = propertyValue(args, key);
    if (!value) continue;
    const object = unwrap(value);
    if (!ts.isObjectLiteralExpression(object)) {
      if (object.kind !== ts.SyntaxKind.TrueKeyword) seen = false;
      continue;
    }
    for (const property of object.properties) {
      if (!ts.isPropertyAssignment(property)) {
        seen = false;
        continue;
      }
      const name = propertyName(property);
      if (!name || property.initializer.kind === ts.SyntaxKind.FalseKeyword) continue;
      const loaded = unwrap(property.initializer);
      if (name === '_count') {
        // `_count: { select: { posts: true } }` counts each parent's children by their foreign key.
        if (ts.isObjectLiteralExpression(loaded)) seen = relationLoads(schema, model, loaded, into, depth + 1) && seen;
        else if (loaded.kind !== ts.SyntaxKind.TrueKeyword) seen = false;
        continue;
      }
      const field = model.fields.find((candidate) => candidate.name === name);
      const target = field && schema.models.find((candidate) => candidate.name === field.type);
      if (!field || !target) continue;
      // The child holds the foreign key: the relation whose back-relation field is this one.
      const child = schema.relations.find((relation) => relation.target === model && relation.opposite === field);
      if (child) into.push({ model: child.model.name, equality: child.fkFields.map((fk) => fk.name), range: [], sort: [] });
      if (ts.isObjectLiteralExpression(loaded)) seen = relationLoads(schema, target, loaded, into, depth + 1) && seen;
      else if (loaded.kind !== ts.SyntaxKind.TrueKeyword) seen = false;
    }
  }
  return seen;
}

/** True when the query path can use the index: the index's first column is one it filters or (limited) sorts on. */
export function pathUsesIndex(path: WorkspaceQueryPath, model: Model, index: Index): boolean {
  if (path.model !== model.name) return false;
  const first = index.fields[0]?.name;
  if (!first) return false;
  return path.equality.includes(first) || path.range.includes(first) || path.sort[0] === first;
}

/** How many queries of the workspace can use `index` (for a code lens on each `@@index`). */
export function queriesUsingIndex(facts: WorkspaceFacts, model: Model, index: Index): WorkspaceQuery[] {
  return facts.queries.filter((query) => query.paths.some((path) => pathUsesIndex(path, model, index)));
}

/** Index usage over many indexes at once: the queries grouped by model once, then looked up per index. */
export class WorkspaceIndexUsage {
  private readonly byModel = new Map<string, { query: WorkspaceQuery; path: WorkspaceQueryPath }[]>();

  constructor(facts: WorkspaceFacts) {
    for (const query of facts.queries) {
      for (const path of query.paths) {
        const list = this.byModel.get(path.model) ?? [];
        list.push({ query, path });
        this.byModel.set(path.model, list);
      }
    }
  }

  /** The queries that can use `index` (each once), for `unused-index` and the code lens on `@@index`. */
  queriesUsing(model: Model, index: Index): WorkspaceQuery[] {
    const queries = new Set<WorkspaceQuery>();
    for (const { query, path } of this.byModel.get(model.name) ?? []) if (pathUsesIndex(path, model, index)) queries.add(query);
    return [...queries];
  }
}
