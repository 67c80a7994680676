/**
 * Builds the schema model from the text of one or more schema files (a multi-file schema). Each
 * file's last build is kept: after an edit, only the blocks around the edited range are split and
 * read again, blocks before it are taken over as they are and blocks after it are moved.
 */
import { textChange, type Span } from '../text';
import { splitBlocks, splitEditedBlocks, type RawBlock } from './blocks';
import type { Datasource, EnumBlock, Field, Index, Model, PrismaSchema, SchemaFile, SchemaProblem } from './model';
import { readBlock, type BlockRead } from './read';
import { resolveRelations, type RelationPlan } from './relations';

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
  return {
    files: [...files],
    datasource,
    models,
    enums,
    relations: resolveRelations(models, relationPlans, indexByName),
    modelsByName,
    problems,
  };
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
    moved.model = moveModel(read.model, block, delta);
    moved.relationPlan = read.relationPlan;
  }
  if (read.enum) moved.enum = { ...read.enum, span: block.span };
  if (read.datasource) moved.datasource = { ...read.datasource, span: block.span };
  return moved;
}

// Written out field by field rather than spread: these copies are the bulk of the work after an edit.
function moveModel(model: Model, block: RawBlock, delta: number): Model {
  const fields: Field[] = new Array<Field>(model.fields.length);
  for (let i = 0; i < fields.length; i++) fields[i] = moveField(model.fields[i]!, delta);
  const indexes: Index[] = new Array<Index>(model.indexes.length);
  for (let i = 0; i < indexes.length; i++) indexes[i] = { ...model.indexes[i]!, span: moveSpan(model.indexes[i]!.span, delta) };
  return {
    revision: model.revision,
    kind: model.kind,
    name: model.name,
    dbName: model.dbName,
    dbSchema: model.dbSchema,
    uri: model.uri,
    span: block.span,
    nameSpan: block.nameSpan,
    closeBrace: block.closeBrace,
    fields,
    indexes,
    incomplete: model.incomplete,
  };
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
