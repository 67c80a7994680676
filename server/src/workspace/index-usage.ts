/**
 * Workspace facts (which columns the workspace's queries filter, sort and join on) from the code
 * index, for the rules that read them (`missing-fk-index`, `unused-index`) and the code lens on a
 * schema. The index keeps each call's argument object as text; a call is read again on its own,
 * against the schema, and the result is kept per file content and schema shape. The editor's
 * analyses get the facts through `factsSoon`, which reads many files in the background.
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
  /** The files `factsSoon` reads in the background, a slice at a time. */
  private pending: { plan: FactsPlan; files: IndexedFile[]; next: number; onReady: () => void } | undefined;
  /** Cancels the next slice, while one is scheduled. */
  private cancelSlice: (() => void) | undefined;
  /** Whether the background reading may take its next slice now; when not, it looks again a little later. */
  mayRun: () => boolean = () => true;
  /** Files whose calls the last `factsFor` read again: for tests. */
  lastReread = 0;
  /** How many times `factsSoon` finished reading in the background: part of the key of analyses that read the facts. */
  generation = 0;

  /**
   * The facts of every indexed file whose calls name a model of `schema`. A file's calls are read
   * again only when the file or the schema's shape (what queries read of it) changed: most schema
   * edits (a comment, an index, an attribute that is not a relation's) keep every file's facts.
   */
  factsFor(files: Iterable<IndexedFile>, schema: PrismaSchema): WorkspaceFacts {
    const plan = this.plan(files, schema);
    this.lastReread = 0;
    if (!plan) return { queries: [] };
    for (const file of plan.calling) if (this.read(file, plan)) this.lastReread++;
    return this.collect(plan);
  }

  /**
   * The same facts, when every file's calls were read against this shape of the schema already but
   * a few (the files an edit changed, read at once); otherwise none (queries unknown, which no rule
   * takes for "no query uses it") while the files left are read in the background, a few
   * milliseconds at a time while the server answers no request, and `onReady` is called once they
   * all are. On the first analysis after indexing a large workspace, and after an edit that changes
   * what its queries read of the schema, that reading takes a second or more, which a pull must not
   * wait for. One reading goes on at a time: another schema's replaces it, and the next analysis
   * of the first starts it again where it stopped.
   */
  factsSoon(files: Iterable<IndexedFile>, schema: PrismaSchema, onReady: () => void): Partial<WorkspaceFacts> {
    const plan = this.plan(files, schema);
    if (!plan) return { queries: [] };
    const unread = plan.calling.filter((file) => !this.isRead(file, plan));
    // A few files (the one an edit changed) are read at once; more wait for the background.
    if (unread.length <= AT_ONCE) {
      // A reading in the background (of another schema's files, or against an older shape) goes on.
      for (const file of unread) this.read(file, plan);
      return this.collect(plan);
    }
    this.pending = { plan, files: unread, next: 0, onReady };
    if (!this.cancelSlice) this.nextSlice(0);
    return {};
  }

  /** Stops the reading in the background. */
  cancel(): void {
    this.cancelSlice?.();
    this.cancelSlice = undefined;
    this.pending = undefined;
  }

  /** Schedules the next slice: right after the server's pending work, or `delayMs` later. */
  private nextSlice(delayMs: number): void {
    if (delayMs === 0) {
      const immediate = setImmediate(() => this.readSlice());
      this.cancelSlice = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.readSlice(), delayMs);
      this.cancelSlice = () => clearTimeout(timeout);
    }
  }

  private readSlice(): void {
    this.cancelSlice = undefined;
    const pending = this.pending;
    if (!pending) return;
    if (!this.mayRun()) {
      this.nextSlice(WAIT_MS);
      return;
    }
    const deadline = performance.now() + SLICE_MS;
    while (pending.next < pending.files.length && performance.now() < deadline) this.read(pending.files[pending.next++]!, pending.plan);
    if (pending.next < pending.files.length) {
      this.nextSlice(0);
      return;
    }
    this.pending = undefined;
    this.generation++;
    pending.onReady();
  }

  /** The files whose calls name the schema's models, and the key of the schema's shape; undefined when no file calls them. */
  private plan(files: Iterable<IndexedFile>, schema: PrismaSchema): FactsPlan | undefined {
    const models = new Set(schema.models.map((model) => model.name));
    const indexed = [...files];
    const calling = indexed.filter((file) => file.querySites.some((site) => site.model !== undefined && models.has(site.model)));
    // No call of the schema's models in the workspace (its code is elsewhere, or not indexed yet): no facts, and no shape to compute.
    if (calling.length === 0) return undefined;
    const shape = this.shapeOf(schema);
    let shapeNumber = this.shapes.get(shape);
    if (shapeNumber === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.clear();
      this.shapes.set(shape, (shapeNumber = ++this.shapesSeen));
    }
    return { schema, models, indexed, calling, schemaKey: String(shapeNumber) };
  }

  /** Reads a file's calls against the plan's schema unless they were already; true when it read them. */
  private read(file: IndexedFile, plan: FactsPlan): boolean {
    if (this.isRead(file, plan)) return false;
    this.byFile.set(file.uri, { key: readKey(file, plan), queries: queriesOfFile(file, plan.schema, plan.models) });
    return true;
  }

  /** Whether a file's calls were read against the plan's shape of the schema, as it is now. */
  private isRead(file: IndexedFile, plan: FactsPlan): boolean {
    return this.byFile.get(file.uri)?.key === readKey(file, plan);
  }

  /** Every file's queries, as read for the plan (its calling files all are), and the raw SQL of every file. */
  private collect(plan: FactsPlan): WorkspaceFacts {
    const calling = new Set(plan.calling);
    const queries: WorkspaceQuery[] = [];
    const seen = new Set<string>();
    for (const file of plan.indexed) {
      seen.add(file.uri);
      // Raw SQL belongs to no model: each statement is kept as written, whatever schema it runs on.
      for (const site of file.querySites) if (site.kind === 'raw') queries.push(rawQuery(file.uri, site, site.args?.text));
      if (calling.has(file)) queries.push(...this.byFile.get(file.uri)!.queries);
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

interface FactsPlan {
  schema: PrismaSchema;
  models: ReadonlySet<string>;
  indexed: IndexedFile[];
  calling: IndexedFile[];
  /** The number of the schema's shape. */
  schemaKey: string;
}

/** The key of a file's queries as read against a plan's shape of the schema. */
function readKey(file: IndexedFile, plan: FactsPlan): string {
  return `${file.contentHash}|${plan.schemaKey}`;
}

/** Files `factsSoon` reads before it answers: those an edit or a save changes. */
const AT_ONCE = 8;
/** Milliseconds of reading in the background before the server's other work gets its turn. */
const SLICE_MS = 2;
/** Milliseconds the background reading waits when it may not run. */
const WAIT_MS = 5;

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
