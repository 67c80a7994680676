/**
 * Workspace facts (which columns the workspace's queries filter and sort on) from the code index.
 * The index keeps each call's argument object as text; a call is read again on its own, against
 * the schema, only when facts are asked for (a code lens on a schema, `unused-index` turned on),
 * and the result is kept per file content and schema.
 */
import { createCodeContext } from '../analysis/code/context';
import { workspaceQueries, type WorkspaceFacts, type WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { PrismaSchema } from '../analysis/schema/model';
import type { IndexedFile } from './code-index';

/** Calls longer than this are not read again: an argument object that size is generated, not written. */
const MAX_ARGUMENT_CHARS = 20_000;

export class IndexUsageFacts {
  private readonly byFile = new Map<string, { key: string; queries: WorkspaceQuery[] }>();
  /** Each schema shape seen lately, numbered: a file's queries are kept under the number of the shape they were read against. */
  private readonly shapes = new Map<string, number>();
  private shapesSeen = 0;
  /** Files whose calls the last `factsFor` read again: for tests. */
  lastReread = 0;

  /**
   * The facts of every indexed file whose calls name a model of `schema`. A file's calls are read
   * again only when the file or the schema's shape (what queries read of it) changed: most schema
   * edits (a comment, an index, an attribute that is not a relation's) keep every file's facts.
   */
  factsFor(files: Iterable<IndexedFile>, schema: PrismaSchema): WorkspaceFacts {
    const shape = shapeOf(schema);
    let shapeNumber = this.shapes.get(shape);
    if (shapeNumber === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      this.shapes.set(shape, (shapeNumber = ++this.shapesSeen));
    }
    const schemaKey = String(shapeNumber);
    this.lastReread = 0;
    const models = new Set(schema.models.map((model) => model.name));
    const queries: WorkspaceQuery[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      seen.add(file.uri);
      if (!file.querySites.some((site) => site.model !== undefined && models.has(site.model))) continue;
      const key = `${file.contentHash}|${schemaKey}`;
      let cached = this.byFile.get(file.uri);
      if (cached?.key !== key) {
        this.lastReread++;
        cached = { key, queries: queriesOfFile(file, schema, models) };
        this.byFile.set(file.uri, cached);
      }
      queries.push(...cached.queries);
    }
    for (const uri of [...this.byFile.keys()]) if (!seen.has(uri)) this.byFile.delete(uri);
    return { queries };
  }
}

/** Shapes kept: a few schemas of a workspace, each in a few recent versions. */
const MAX_SHAPES = 32;

/**
 * What the queries' facts read of a schema: each model's name, table and fields (name, type, list
 * or optional, column, relation attribute), in order. Positions, indexes and comments are left out.
 */
function shapeOf(schema: PrismaSchema): string {
  const parts: string[] = [];
  for (const model of schema.models) {
    parts.push(`\u0001${model.kind} ${model.name} ${model.dbName} ${model.dbSchema ?? ''}`);
    for (const field of model.fields) {
      const relation = field.relation ? `${field.relation.name ?? ''}(${field.relation.fields.join(',')})(${field.relation.references.join(',')})` : '';
      parts.push(`${field.name} ${field.type}${field.isList ? '[]' : ''}${field.isOptional ? '?' : ''} ${field.dbName} ${relation}`);
    }
  }
  return parts.join('\u0000');
}

/** Each model call of the file, rebuilt as `prisma.<delegate>.<operation>(<arguments>)` and read against the schema. */
function queriesOfFile(file: IndexedFile, schema: PrismaSchema, models: ReadonlySet<string>): WorkspaceQuery[] {
  const queries: WorkspaceQuery[] = [];
  for (const site of file.querySites) {
    if (site.kind !== 'model' || !site.delegate || !site.model || !models.has(site.model)) continue;
    const args = site.args?.text ?? '';
    if (args.length > MAX_ARGUMENT_CHARS) continue;
    try {
      const text = `prisma.${site.delegate}.${site.operation}(${args});\n`;
      const context = createCodeContext({ uri: file.uri, text }, schema);
      for (const query of workspaceQueries(context.querySites, schema)) queries.push({ ...query, uri: file.uri, span: site.span, callee: site.callee });
    } catch {
      // A call that cannot be read again counts as using nothing.
    }
  }
  return queries;
}
