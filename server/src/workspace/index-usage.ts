/**
 * Workspace facts (which columns the workspace's queries filter and sort on) from the code index.
 * The index keeps each call's argument object as text; a call is read again on its own, against
 * the schema, only when facts are asked for (a code lens on a schema, `unused-index` turned on),
 * and the result is kept per file content and schema.
 */
import { createCodeContext } from '../analysis/code/context';
import { rawQuery, workspaceQueries, type WorkspaceFacts, type WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { Model, PrismaSchema } from '../analysis/schema/model';
import type { IndexedFile } from './code-index';

/** Calls longer than this are not read again: an argument object that size is generated, not written. */
const MAX_ARGUMENT_CHARS = 20_000;

export class IndexUsageFacts {
  private readonly byFile = new Map<string, { key: string; queries: WorkspaceQuery[] }>();
  /** Each schema shape seen lately, numbered: a file's queries are kept under the number of the shape they were read against. */
  private readonly shapes = new Map<string, number>();
  private shapesSeen = 0;
  /** Each model shape seen, numbered; and the number of each block revision's shape, so that a block an edit did not touch is not read again. */
  private readonly modelShapes = new Map<string, number>();
  private readonly shapeOfRevision = new Map<number, number>();
  /** Files whose calls the last `factsFor` read again: for tests. */
  lastReread = 0;

  /**
   * The facts of every indexed file whose calls name a model of `schema`. A file's calls are read
   * again only when the file or the schema's shape (what queries read of it) changed: most schema
   * edits (a comment, an index, an attribute that is not a relation's) keep every file's facts.
   */
  factsFor(files: Iterable<IndexedFile>, schema: PrismaSchema): WorkspaceFacts {
    const models = new Set(schema.models.map((model) => model.name));
    const indexed = [...files];
    const callingModels = new Set(indexed.filter((file) => file.querySites.some((site) => site.model !== undefined && models.has(site.model))));
    // No call of the schema's models in the workspace (its code is elsewhere, or not indexed yet): no facts, and no shape to compute.
    if (callingModels.size === 0) return { queries: [] };
    const shape = this.shapeOf(schema);
    let shapeNumber = this.shapes.get(shape);
    if (shapeNumber === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      this.shapes.set(shape, (shapeNumber = ++this.shapesSeen));
    }
    const schemaKey = String(shapeNumber);
    this.lastReread = 0;
    const queries: WorkspaceQuery[] = [];
    const seen = new Set<string>();
    for (const file of indexed) {
      seen.add(file.uri);
      // Raw SQL belongs to no model: each statement is kept as written, whatever schema it runs on.
      for (const site of file.querySites) if (site.kind === 'raw') queries.push(rawQuery(file.uri, site, site.args?.text));
      if (!callingModels.has(file)) continue;
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

  /** What the queries' facts read of `schema` (see `modelShape`), as the numbers of its models' shapes: an edit computes the shape of the blocks it read again only. */
  private shapeOf(schema: PrismaSchema): string {
    if (this.shapeOfRevision.size > MAX_MODEL_SHAPES) {
      // The numbers start over, so nothing numbered with the old ones is kept.
      this.shapeOfRevision.clear();
      this.modelShapes.clear();
      this.shapes.clear();
      this.byFile.clear();
    }
    const numbers: number[] = [];
    for (const model of schema.models) {
      let number = this.shapeOfRevision.get(model.revision);
      if (number === undefined) {
        const shape = modelShape(model);
        number = this.modelShapes.get(shape);
        if (number === undefined) this.modelShapes.set(shape, (number = this.modelShapes.size + 1));
        this.shapeOfRevision.set(model.revision, number);
      }
      numbers.push(number);
    }
    return numbers.join(',');
  }
}

/** Shapes kept: a few schemas of a workspace, each in a few recent versions. */
const MAX_SHAPES = 32;
/** Model shapes and block revisions remembered before starting over (an editing session's worth). */
const MAX_MODEL_SHAPES = 50_000;

/**
 * What the queries' facts read of one model: its name, table and fields (name, type, list or
 * optional, column, relation attribute), in order. Positions, indexes and comments are left out.
 */
function modelShape(model: Model): string {
  const parts = [`${model.kind} ${model.name} ${model.dbName} ${model.dbSchema ?? ''}`];
  for (const field of model.fields) {
    const relation = field.relation ? `${field.relation.name ?? ''}(${field.relation.fields.join(',')})(${field.relation.references.join(',')})` : '';
    parts.push(`${field.name} ${field.type}${field.isList ? '[]' : ''}${field.isOptional ? '?' : ''} ${field.dbName} ${relation}`);
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
