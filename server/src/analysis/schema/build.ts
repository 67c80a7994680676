/**
 * Builds the schema model from the text of one or more schema files (a multi-file schema). Each
 * file's last build is kept: after an edit, only the blocks around the edited range are split and
 * read again, blocks before it are taken over as they are and blocks after it are moved.
 */
import { textChange, type Span } from '../text';
import { splitBlocks, splitEditedBlocks, type RawBlock } from './blocks';
import type { Datasource, EnumBlock, Field, Index, Model, PrismaSchema, Relation, SchemaFile, SchemaProblem } from './model';
import { readBlock, type BlockRead } from './read';
import { relationTargets, resolveModelRelations, type RelationPlan } from './relations';

interface FileBuild {
  text: string;
  blocks: RawBlock[];
  /** One per block. */
  reads: BlockRead[];
}

/** The last build of each file, by URI. */
const lastBuildByFile = new Map<string, FileBuild>();

/** Reads every file of a schema into one model. Never throws; unreadable parts become `problems`. */
export function buildSchema(files: readonly SchemaFile[]): PrismaSchema {
  const models: Model[] = [];
  const relationPlans: RelationPlan[] = [];
  const enums: EnumBlock[] = [];
  const problems: SchemaProblem[] = [];
  let datasource: Datasource | undefined;
  for (const file of files) {
    for (const read of buildFile(file).reads) {
      if (read.problem) problems.push(read.problem);
      if (read.model) {
        models.push(read.model);
        relationPlans.push(read.relationPlan!);
      } else if (read.enum) {
        enums.push(read.enum);
      } else if (read.datasource) {
        datasource ??= read.datasource;
      }
    }
  }
  const modelsByName = new Map<string, Model>();
  const indexByName = new Map<string, number>();
  models.forEach((model, index) => {
    if (indexByName.has(model.name)) return;
    indexByName.set(model.name, index);
    modelsByName.set(model.name, model);
  });
  const byModel = new Map<Model, Relation[]>();
  const relationsAt = (index: number): Relation[] => {
    const model = models[index]!;
    let relations = byModel.get(model);
    if (!relations) byModel.set(model, (relations = resolveModelRelations(models, relationPlans, indexByName, index)));
    return relations;
  };
  // Relations are resolved when first asked for: a moved model's fields are only copied when read.
  let relations: Relation[] | undefined;
  const schema: PrismaSchema = {
    files: [...files],
    datasource,
    models,
    enums,
    get relations(): Relation[] {
      if (!relations) {
        relations = [];
        for (let index = 0; index < models.length; index++) for (const relation of relationsAt(index)) relations.push(relation);
      }
      return relations;
    },
    modelsByName,
    problems,
  };
  let indexOf: Map<Model, number> | undefined;
  let graph: RelationGraph | undefined;
  internals.set(schema, {
    indexOf: () => (indexOf ??= new Map(models.map((model, index) => [model, index]))),
    relationsAt,
    graph: () => (graph ??= graphFor(files.map((file) => file.uri).join('\n'), models, relationPlans, indexByName)),
  });
  return schema;
}

interface BuildInternals {
  indexOf(): Map<Model, number>;
  relationsAt(index: number): Relation[];
  graph(): RelationGraph;
}

/**
 * For each model of a schema (by position), the positions of the targets of the relations it holds,
 * as one flat list: model `i`'s are `targets[start[i]]` up to `targets[start[i + 1]]`. Two typed
 * arrays for the whole schema, however many models: an edit's analysis reads it for every model.
 */
export interface RelationGraph {
  start: Int32Array;
  targets: Int32Array;
}

/** A relation graph with the plans and model names it was built from. */
interface BuiltGraph {
  plans: readonly RelationPlan[];
  names: readonly string[];
  graph: RelationGraph;
}

/** The last relation graph built for each schema (by its files). */
const lastGraphs = new Map<string, BuiltGraph>();
const MAX_LAST_GRAPHS = 16;

/**
 * The relation graph of a build. After an edit most blocks keep their plan (the same object) and the
 * models their names and places: the last graph is copied and only the edited models' targets are
 * found again, unless one of them now holds another number of relations.
 */
function graphFor(schemaKey: string, models: readonly Model[], plans: readonly RelationPlan[], indexByName: ReadonlyMap<string, number>): RelationGraph {
  const names = models.map((model) => model.name);
  const last = lastGraphs.get(schemaKey);
  const graph = (last && patchedGraph(last, names, plans, indexByName)) ?? graphOf(models.length, (index, push) => relationTargets(plans, indexByName, index, push));
  lastGraphs.delete(schemaKey);
  if (lastGraphs.size >= MAX_LAST_GRAPHS) lastGraphs.delete(lastGraphs.keys().next().value!);
  lastGraphs.set(schemaKey, { plans, names, graph });
  return graph;
}

function patchedGraph(last: BuiltGraph, names: readonly string[], plans: readonly RelationPlan[], indexByName: ReadonlyMap<string, number>): RelationGraph | undefined {
  if (last.names.length !== names.length) return undefined;
  for (let index = 0; index < names.length; index++) if (last.names[index] !== names[index]) return undefined;
  const targets = last.graph.targets.slice();
  for (let index = 0; index < plans.length; index++) {
    if (plans[index] === last.plans[index]) continue;
    let at = last.graph.start[index]!;
    const end = last.graph.start[index + 1]!;
    let fits = true;
    relationTargets(plans, indexByName, index, (target) => {
      if (at < end) targets[at] = target;
      else fits = false;
      at++;
    });
    if (!fits || at !== end) return undefined;
  }
  return { start: last.graph.start, targets };
}

function graphOf(count: number, targetsOf: (index: number, push: (target: number) => void) => void): RelationGraph {
  const start = new Int32Array(count + 1);
  const found: number[] = [];
  const push = (target: number): void => {
    found.push(target);
  };
  for (let index = 0; index < count; index++) {
    start[index] = found.length;
    targetsOf(index, push);
  }
  start[count] = found.length;
  return { start, targets: Int32Array.from(found) };
}

/** What a build keeps to answer `relationsOf` and `relationGraphOf` without resolving every relation. */
const internals = new WeakMap<PrismaSchema, BuildInternals>();

/** The relations whose foreign key `model` holds: those of `schema.relations`, resolved for this model only. */
export function relationsOf(schema: PrismaSchema, model: Model): Relation[] {
  const built = internals.get(schema);
  const index = built?.indexOf().get(model);
  if (!built || index === undefined) return schema.relations.filter((relation) => relation.model === model);
  return built.relationsAt(index);
}

/** The positions of the targets of the relations each model of `schema` holds (`RelationGraph`), without reading any field. */
export function relationGraphOf(schema: PrismaSchema): RelationGraph {
  const built = internals.get(schema);
  if (built) return built.graph();
  const positions = new Map(schema.models.map((model, index) => [model, index]));
  const byHolder = schema.models.map((): number[] => []);
  for (const relation of schema.relations) byHolder[positions.get(relation.model)!]!.push(positions.get(relation.target)!);
  return graphOf(schema.models.length, (index, push) => byHolder[index]!.forEach(push));
}

function buildFile(file: SchemaFile): FileBuild {
  const previous = lastBuildByFile.get(file.uri);
  const change = previous && textChange(previous.text, file.text);
  if (previous && !change) return previous;
  let build: FileBuild;
  if (!previous || !change) {
    const blocks = splitBlocks(file.text);
    build = { text: file.text, blocks, reads: blocks.map((block) => readBlock(file, block)) };
  } else {
    const { blocks, kept, tail } = splitEditedBlocks(previous.text, previous.blocks, file.text, change);
    const reads = blocks.map((block, i): BlockRead => {
      if (i < kept) return previous.reads[i]!;
      if (tail && i >= tail.at) return moveRead(previous.reads[tail.previousAt + i - tail.at]!, block, tail.delta);
      return readBlock(file, block);
    });
    build = { text: file.text, blocks, reads };
  }
  lastBuildByFile.set(file.uri, build);
  return build;
}

/** What an unchanged block read, at the place `block` (the same block, moved by `delta`) has now. */
function moveRead(read: BlockRead, block: RawBlock, delta: number): BlockRead {
  if (delta === 0) return read;
  const moved: BlockRead = {};
  if (read.problem) moved.problem = { uri: read.problem.uri, span: block.nameSpan, message: read.problem.message };
  if (read.model) {
    // A model moved again is moved from the model read from the block in one step, not through a chain.
    moved.readModel = read.readModel ?? read.model;
    moved.movedBy = (read.movedBy ?? 0) + delta;
    moved.model = new MovedModel(moved.readModel, moved.movedBy, block);
    moved.relationPlan = read.relationPlan;
  }
  if (read.enum) moved.enum = { ...read.enum, span: block.span };
  if (read.datasource) moved.datasource = { ...read.datasource, span: block.span };
  return moved;
}

/**
 * `origin` (a model read from its block) moved by `delta`, at the place `block` has now. Its fields
 * and indexes are moved when first read: after an edit, most moved models are never read (their
 * findings are kept), so copying them would be wasted. They are read through the prototype: an
 * instance is made many times faster than an object literal with getters, and an edit moves most
 * models of the file. `toJSON` gives the shape a read model has.
 */
class MovedModel implements Model {
  readonly revision: number;
  readonly kind: Model['kind'];
  readonly name: string;
  readonly dbName: string;
  readonly dbSchema: string | undefined;
  readonly uri: string;
  readonly span: Span;
  readonly nameSpan: Span;
  readonly closeBrace: number | undefined;
  readonly incomplete: boolean;
  private movedFields: Field[] | undefined;
  private movedIndexes: Index[] | undefined;

  constructor(
    private readonly origin: Model,
    private readonly delta: number,
    block: RawBlock,
  ) {
    this.revision = origin.revision;
    this.kind = origin.kind;
    this.name = origin.name;
    this.dbName = origin.dbName;
    this.dbSchema = origin.dbSchema;
    this.uri = origin.uri;
    this.span = block.span;
    this.nameSpan = block.nameSpan;
    this.closeBrace = block.closeBrace;
    this.incomplete = origin.incomplete;
  }

  get fields(): Field[] {
    if (!this.movedFields) {
      const from = this.origin.fields;
      const fields = new Array<Field>(from.length);
      for (let i = 0; i < from.length; i++) fields[i] = moveField(from[i]!, this.delta);
      this.movedFields = fields;
    }
    return this.movedFields;
  }

  get indexes(): Index[] {
    if (!this.movedIndexes) {
      const from = this.origin.indexes;
      const indexes = new Array<Index>(from.length);
      for (let i = 0; i < from.length; i++) indexes[i] = { ...from[i]!, span: moveSpan(from[i]!.span, this.delta) };
      this.movedIndexes = indexes;
    }
    return this.movedIndexes;
  }

  toJSON(): Model {
    const { revision, kind, name, dbName, dbSchema, uri, span, nameSpan, closeBrace, fields, indexes, incomplete } = this;
    return { revision, kind, name, dbName, dbSchema, uri, span, nameSpan, closeBrace, fields, indexes, incomplete };
  }
}

function moveField(field: Field, delta: number): Field {
  return {
    name: field.name,
    type: field.type,
    isList: field.isList,
    isOptional: field.isOptional,
    dbName: field.dbName,
    nameSpan: moveSpan(field.nameSpan, delta),
    lineSpan: moveSpan(field.lineSpan, delta),
    attributes: field.attributes,
    relation: field.relation && { ...field.relation, span: moveSpan(field.relation.span, delta) },
  };
}

function moveSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}
