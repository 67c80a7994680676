/**
 * What the workspace's queries do with foreign keys, for `missing-fk-index`: which columns of which
 * tables they read by (a filter, a relation filter, a relation loaded with `include`, `select` or
 * `_count`), and which tables they delete rows of, directly or through `onDelete: Cascade`. Raw SQL
 * is not parsed: a table its text names counts as read and, after a `DELETE`, as deleted from.
 */
import type { Model, PrismaSchema } from '../schema/model';
import type { WorkspaceQuery } from './workspace-facts';

export class ForeignKeyUsage {
  /** `Model.column` pairs some query reads by. */
  private readonly readBy = new Set<string>();
  /** Tables some raw SQL names. */
  private readonly named = new Set<string>();
  /** Models whose rows some query deletes, by name. */
  private readonly deleted = new Set<string>();

  private constructor(schema: PrismaSchema, queries: readonly WorkspaceQuery[]) {
    const sql = queries.flatMap((query) => (query.sql ? [query.sql.toLowerCase()] : []));
    for (const query of queries) {
      for (const path of query.paths) for (const column of [...path.equality, ...path.range, ...(path.joins ?? [])]) this.readBy.add(`${path.model}.${column}`);
      if (query.model && (query.operation === 'delete' || query.operation === 'deleteMany')) this.deleted.add(query.model);
    }
    for (const model of schema.models) {
      const table = model.dbName.toLowerCase();
      const mentions = sql.filter((text) => namesTable(text, table));
      if (mentions.length === 0) continue;
      this.named.add(model.name);
      if (mentions.some((text) => /\bdelete\b/.test(text))) this.deleted.add(model.name);
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

  /** Whether some query reads `model` by `column`, or raw SQL names its table. */
  readsBy(model: Model, column: string): boolean {
    return this.readBy.has(`${model.name}.${column}`) || this.named.has(model.name);
  }

  /** Whether some query deletes rows of `model`, directly or through a cascade. */
  deletes(model: Model): boolean {
    return this.deleted.has(model.name);
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
