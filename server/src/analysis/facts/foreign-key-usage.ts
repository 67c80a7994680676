/**
 * What the workspace's queries do with foreign keys, for `missing-fk-index`: which columns of which
 * tables they read by (a filter, a relation filter, a relation loaded with `include`, `select` or
 * `_count`), and which tables they delete rows of, directly or through `onDelete: Cascade`. Raw SQL
 * is not parsed: a table its text names counts as read and, after a `DELETE`, as deleted from. What
 * the analysis cannot see counts as a use: a table no query is seen on (its code may use another
 * client), a filter or an `include` built elsewhere.
 */
import type { PrismaSchema, Relation } from '../schema/model';
import type { WorkspaceQuery } from './workspace-facts';

export class ForeignKeyUsage {
  /** `Model.column` pairs some query reads by. */
  private readonly readBy = new Set<string>();
  /** Tables some raw SQL names. */
  private readonly named = new Set<string>();
  /** Models whose rows some query deletes, by name. */
  private readonly deleted = new Set<string>();
  /** Models some query is made on or reads: the code's use of the others is not seen (another client, another package). */
  private readonly observed = new Set<string>();
  /** Models some query filters in a way the analysis cannot see (a spread, a variable): it may read by any column. */
  private readonly openFilters = new Set<string>();
  /** Models some query loads relations of in a way the analysis cannot see (`include: query.include`). */
  private readonly openLoads = new Set<string>();
  /** The models each model is related to, either side. */
  private readonly neighbours = new Map<string, string[]>();

  private constructor(schema: PrismaSchema, queries: readonly WorkspaceQuery[]) {
    const sql = queries.flatMap((query) => (query.sql ? [query.sql.toLowerCase()] : []));
    for (const query of queries) {
      if (query.model) this.observed.add(query.model);
      if (query.model && query.opaque) this.openLoads.add(query.model);
      for (const path of query.paths) {
        this.observed.add(path.model);
        if (path.open) this.openFilters.add(path.model);
        for (const column of [...path.equality, ...path.range, ...(path.joins ?? [])]) this.readBy.add(`${path.model}.${column}`);
      }
      if (query.model && (query.operation === 'delete' || query.operation === 'deleteMany')) this.deleted.add(query.model);
    }
    for (const model of schema.models) {
      const table = model.dbName.toLowerCase();
      const mentions = sql.filter((text) => namesTable(text, table));
      if (mentions.length === 0) continue;
      this.named.add(model.name);
      if (mentions.some((text) => /\bdelete\b/.test(text))) this.deleted.add(model.name);
    }
    const relate = (model: string, other: string): void => {
      const list = this.neighbours.get(model);
      if (list) list.push(other);
      else this.neighbours.set(model, [other]);
    };
    for (const relation of schema.relations) {
      relate(relation.model.name, relation.target.name);
      relate(relation.target.name, relation.model.name);
    }
    // A delete cascades to the children whose relation says so, and from them to theirs.
    for (let changed = true; changed; ) {
      changed = false;
      for (const relation of schema.relations) {
        if (!this.deleted.has(relation.target.name) || this.deleted.has(relation.model.name)) continue;
        if (relation.field.relation?.onDelete !== 'Cascade') continue;
        this.deleted.add(relation.model.name);
        changed = true;
      }
    }
  }

  /**
   * The usage of `queries` against `schema`; undefined when none of them is a model query: then the
   * schema's code is not in the workspace, and nothing can be said about what it reads.
   */
  static of(schema: PrismaSchema, queries: readonly WorkspaceQuery[]): ForeignKeyUsage | undefined {
    const models = new Set(schema.models.map((model) => model.name));
    if (!queries.some((query) => query.model !== undefined && models.has(query.model))) return undefined;
    return new ForeignKeyUsage(schema, queries);
  }

  /**
   * Whether no query needs the foreign key of `relation`: both tables are seen in queries, none
   * reads the child by the key (or may: a filter or a relation load the analysis cannot see, raw
   * SQL naming the table), and none deletes parent rows, directly or through a cascade.
   */
  idle(relation: Relation): boolean {
    const child = relation.model.name;
    const parent = relation.target.name;
    const key = relation.fkFields[0]?.name;
    if (!key || !this.observed.has(child) || !this.observed.has(parent)) return false;
    if (this.readBy.has(`${child}.${key}`) || this.named.has(child) || this.openLoads.has(parent)) return false;
    // A filter built elsewhere on the child, or on a table related to it, may filter the child by the key (`ownership: { userId }`).
    if (this.openFilters.has(child) || (this.neighbours.get(child) ?? []).some((model) => this.openFilters.has(model))) return false;
    return !this.deleted.has(parent);
  }
}

/** `"Post"`, `post`, `public.post`, `"public"."Post"` in lower-cased SQL. */
function namesTable(sql: string, table: string): boolean {
  let at = sql.indexOf(table);
  while (at !== -1) {
    const before = sql.charCodeAt(at - 1);
    const after = sql.charCodeAt(at + table.length);
    if (!isNameChar(before) && !isNameChar(after)) return true;
    at = sql.indexOf(table, at + 1);
  }
  return false;
}

function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 36;
}
