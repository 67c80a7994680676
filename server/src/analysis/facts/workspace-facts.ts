/**
 * Facts about a whole workspace that single-file analysis cannot know: every Prisma query of every
 * code file, reduced to the columns it reads (the workspace code index builds them with
 * `workspaceQueries(…)` from each file's query sites; `unused-index` reads them), and what Prisma's
 * own validation says of the schema (the host asks Prisma's engine; `schema-error` reads it).
 */
import type { QuerySite } from '../code/query-sites';
import type { Index, Model, PrismaSchema } from '../schema/model';
import type { Span } from '../text';
import { accessPaths, FILTERING_OPERATIONS } from './query-shape';

/** One table read of one query, by names (not schema objects), so that facts outlive a schema rebuild. */
export interface WorkspaceQueryPath {
  model: string;
  equality: string[];
  range: string[];
  sort: string[];
}

export interface WorkspaceQuery {
  uri: string;
  span: Span;
  /** `prisma.post.findMany`, as written. */
  callee: string;
  paths: WorkspaceQueryPath[];
}

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
    if (site.kind !== 'model' || !site.model) continue;
    const unique = !FILTERING_OPERATIONS.has(site.operation);
    const paths = accessPaths(site, schema).map((path) => ({
      model: path.model.name,
      equality: path.equality,
      range: path.range,
      sort: path.sort,
    }));
    // findUnique, update, delete and upsert read by a unique key: they use that key's index, not others.
    queries.push({ uri: site.uri, span: site.span, callee: site.callee, paths: unique ? paths.filter((path) => path.model !== site.model!.name || path.equality.length > 0) : paths });
  }
  return queries;
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
