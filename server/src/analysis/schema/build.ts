/** Builds the schema model from the text of one or more schema files (a multi-file schema). */
import type * as Ast from '@mrleebo/prisma-ast';
import type { Span } from '../text';
import { splitBlocks, type RawBlock } from './blocks';
import { parseBlock } from './parse';
import type {
  Datasource,
  EnumBlock,
  Field,
  Index,
  IndexField,
  Model,
  PrismaSchema,
  Provider,
  Relation,
  RelationAttribute,
  SchemaFile,
  SchemaProblem,
} from './model';

const PROVIDERS: readonly Provider[] = ['postgresql', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb', 'mongodb'];

/**
 * Converted models of the last build of each file, by block text: an edit re-reads only the block it
 * touched, and blocks after it are only shifted by the edit's length change.
 */
const modelsByFile = new Map<string, Map<string, Model>>();

/** Reads every file of a schema into one model. Never throws; unreadable parts become `problems`. */
export function buildSchema(files: readonly SchemaFile[]): PrismaSchema {
  const models: Model[] = [];
  const enums: EnumBlock[] = [];
  const problems: SchemaProblem[] = [];
  let datasource: Datasource | undefined;
  for (const file of files) {
    const previous = modelsByFile.get(file.uri);
    const current = new Map<string, Model>();
    for (const block of splitBlocks(file.text)) {
      const blockText = file.text.slice(block.span.start, block.span.end);
      const terminated = block.closeBrace !== undefined;
      let cacheKey = terminated ? blockText : `${blockText}\u0000`;
      while (current.has(cacheKey)) cacheKey += '\u0001';
      const known = previous?.get(cacheKey);
      if (known) {
        const model = known.span.start === block.span.start ? known : shiftModel(known, block);
        current.set(cacheKey, model);
        models.push(model);
        continue;
      }
      const parsed = parseBlock(blockText, terminated);
      if (parsed.error) {
        problems.push({ uri: file.uri, span: block.nameSpan, message: `${block.keyword} ${block.name}: ${parsed.error}` });
      }
      const ast = parsed.ast;
      if (!ast) continue;
      const at = new BlockPlacement(file, block);
      if (ast.type === 'model' || ast.type === 'view' || ast.type === 'type') {
        const model = readModel(ast, at, parsed.droppedLines.length > 0 || !terminated);
        // Models read with errors are not reused: their problems must be reported again.
        if (!parsed.error) current.set(cacheKey, model);
        models.push(model);
      } else if (ast.type === 'enum') {
        enums.push({ name: ast.name, values: readEnumValues(ast), uri: file.uri, span: block.span });
      } else if (ast.type === 'datasource' && !datasource) {
        datasource = readDatasource(ast, file.uri, block.span);
      }
    }
    modelsByFile.set(file.uri, current);
  }
  const modelsByName = new Map<string, Model>();
  for (const model of models) if (!modelsByName.has(model.name)) modelsByName.set(model.name, model);
  return {
    files: [...files],
    datasource,
    models,
    enums,
    relations: resolveRelations(models, modelsByName),
    modelsByName,
    problems,
  };
}

/** The same model at the place its unchanged block moved to. */
function shiftModel(model: Model, block: RawBlock): Model {
  const delta = block.span.start - model.span.start;
  const shift = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  return {
    ...model,
    span: block.span,
    nameSpan: block.nameSpan,
    closeBrace: block.closeBrace,
    fields: model.fields.map((field) => ({
      ...field,
      nameSpan: shift(field.nameSpan),
      lineSpan: shift(field.lineSpan),
      relation: field.relation && { ...field.relation, span: shift(field.relation.span) },
    })),
    indexes: model.indexes.map((index) => ({ ...index, span: shift(index.span) })),
  };
}

/** Converts block-relative parser locations into file offsets. */
class BlockPlacement {
  constructor(
    readonly file: SchemaFile,
    readonly block: RawBlock,
  ) {}

  span(location: Ast.CstNodeLocation | undefined): Span {
    if (!location || location.endOffset === undefined || Number.isNaN(location.startOffset)) return this.block.nameSpan;
    return { start: this.block.span.start + location.startOffset, end: this.block.span.start + location.endOffset + 1 };
  }

  lineSpan(offset: number): Span {
    const text = this.file.text;
    const start = text.lastIndexOf('\n', offset - 1) + 1;
    let end = text.indexOf('\n', offset);
    if (end < 0) end = text.length;
    if (end > start && text[end - 1] === '\r') end--;
    return { start, end };
  }
}

function readModel(ast: Ast.Model | Ast.View | Ast.Type, at: BlockPlacement, incomplete: boolean): Model {
  const fields: Field[] = [];
  const indexes: Index[] = [];
  let dbName = ast.name;
  let dbSchema: string | undefined;
  for (const property of ast.properties) {
    if (property.type === 'field') {
      const field = readField(property, at);
      fields.push(field);
      for (const attribute of property.attributes ?? []) {
        if (attribute.group) continue;
        if (attribute.name === 'id' || attribute.name === 'unique') {
          indexes.push({ kind: attribute.name, fields: [{ name: field.name }], span: at.span(attribute.location), ...namedArgs(attribute.args) });
        }
      }
    } else if (property.type === 'attribute') {
      const name = property.name;
      if (name === 'map') dbName = firstString(property.args) ?? dbName;
      else if (name === 'schema') dbSchema = firstString(property.args);
      else if (name === 'id' || name === 'unique' || name === 'index' || name === 'fulltext') {
        indexes.push({ kind: name, fields: indexFields(property.args), span: at.span(property.location), ...namedArgs(property.args) });
      }
    }
  }
  return {
    kind: ast.type,
    name: ast.name,
    dbName,
    dbSchema,
    uri: at.file.uri,
    span: at.block.span,
    nameSpan: at.block.nameSpan,
    closeBrace: at.block.closeBrace,
    fields,
    indexes,
    incomplete,
  };
}

function readField(ast: Ast.Field, at: BlockPlacement): Field {
  const located = at.span(ast.location);
  // The parser's location runs over `?` and `[]` too; the name alone is what findings point at.
  const nameSpan = { start: located.start, end: located.start + ast.name.length };
  const type = typeof ast.fieldType === 'string' ? ast.fieldType : `${ast.fieldType.name}(${(ast.fieldType.params ?? []).map(String).join(', ')})`;
  const attributes: string[] = [];
  let dbName = ast.name;
  let relation: RelationAttribute | undefined;
  for (const attribute of ast.attributes ?? []) {
    attributes.push(attribute.group ? `${attribute.group}.${attribute.name}` : attribute.name);
    if (attribute.group) continue;
    if (attribute.name === 'map') dbName = firstString(attribute.args) ?? dbName;
    if (attribute.name === 'relation') relation = readRelation(attribute, at);
  }
  return {
    name: ast.name,
    type,
    isList: ast.array === true,
    isOptional: ast.optional === true,
    dbName,
    nameSpan,
    lineSpan: at.lineSpan(nameSpan.start),
    attributes,
    relation,
  };
}

function readRelation(attribute: Ast.Attribute, at: BlockPlacement): RelationAttribute {
  const relation: RelationAttribute = { fields: [], references: [], span: at.span(attribute.location) };
  for (const arg of attribute.args ?? []) {
    const value = arg.value;
    if (typeof value === 'string') {
      relation.name ??= unquote(value);
    } else if (isKeyValue(value)) {
      if (value.key === 'name') relation.name = stringValue(value.value);
      else if (value.key === 'fields') relation.fields = identifierList(value.value);
      else if (value.key === 'references') relation.references = identifierList(value.value);
      else if (value.key === 'onDelete') relation.onDelete = stringValue(value.value);
      else if (value.key === 'onUpdate') relation.onUpdate = stringValue(value.value);
    }
  }
  return relation;
}

function readDatasource(ast: Ast.Datasource, uri: string, span: Span): Datasource {
  let provider: Provider | undefined;
  let relationMode: Datasource['relationMode'] = 'foreignKeys';
  for (const assignment of ast.assignments) {
    if (assignment.type !== 'assignment') continue;
    const value = stringValue(assignment.value);
    if (assignment.key === 'provider' && value) {
      const normalized = value === 'postgres' ? 'postgresql' : value;
      provider = PROVIDERS.find((candidate) => candidate === normalized);
    } else if ((assignment.key === 'relationMode' || assignment.key === 'referentialIntegrity') && value === 'prisma') {
      relationMode = 'prisma';
    }
  }
  return { name: ast.name, provider, relationMode, uri, span };
}

function readEnumValues(ast: Ast.Enum): string[] {
  return ast.enumerators.flatMap((item) => (item.type === 'enumerator' ? [item.name] : []));
}

/** Connects each `@relation(fields: …)` side to its target model and back-relation field. */
function resolveRelations(models: readonly Model[], modelsByName: ReadonlyMap<string, Model>): Relation[] {
  const relations: Relation[] = [];
  for (const model of models) {
    for (const field of model.fields) {
      const attribute = field.relation;
      if (!attribute || attribute.fields.length === 0) continue;
      const target = modelsByName.get(field.type);
      if (!target) continue;
      const fkFields = attribute.fields.map((name) => model.fields.find((candidate) => candidate.name === name));
      if (fkFields.some((candidate) => candidate === undefined)) continue;
      const opposite = target.fields.find(
        (candidate) =>
          candidate !== field &&
          candidate.type === model.name &&
          (candidate.relation?.name ?? undefined) === attribute.name &&
          (candidate.relation?.fields.length ?? 0) === 0,
      );
      relations.push({ model, field, target, opposite, fkFields: fkFields as Field[] });
    }
  }
  return relations;
}

function indexFields(args: Ast.AttributeArgument[] | undefined): IndexField[] {
  for (const arg of args ?? []) {
    const value = arg.value;
    if (isArray(value)) return value.args.flatMap(indexField);
    if (isKeyValue(value) && value.key === 'fields' && isArray(value.value)) return value.value.args.flatMap(indexField);
  }
  return [];
}

function indexField(value: Ast.Value): IndexField[] {
  if (typeof value === 'string') return [{ name: value }];
  if (isFunc(value)) {
    const field: IndexField = { name: value.name };
    for (const param of value.params ?? []) {
      if (!isKeyValue(param)) continue;
      if (param.key === 'sort') field.sort = stringValue(param.value) === 'Desc' ? 'Desc' : 'Asc';
      if (param.key === 'length') field.length = Number(param.value);
    }
    return [field];
  }
  return [];
}

function namedArgs(args: Ast.AttributeArgument[] | undefined): Pick<Index, 'name' | 'map' | 'type'> {
  const named: Pick<Index, 'name' | 'map' | 'type'> = {};
  for (const arg of args ?? []) {
    const value = arg.value;
    if (!isKeyValue(value)) continue;
    if (value.key === 'name') named.name = stringValue(value.value);
    else if (value.key === 'map') named.map = stringValue(value.value);
    else if (value.key === 'type') named.type = stringValue(value.value);
  }
  return named;
}

function firstString(args: Ast.AttributeArgument[] | undefined): string | undefined {
  for (const arg of args ?? []) {
    if (typeof arg.value === 'string') return unquote(arg.value);
    if (isKeyValue(arg.value) && arg.value.key === 'name') return stringValue(arg.value.value);
  }
  return undefined;
}

function identifierList(value: Ast.Value): string[] {
  if (isArray(value)) return value.args.flatMap((item: unknown) => (typeof item === 'string' ? [item] : isFunc(item) ? [item.name] : []));
  return typeof value === 'string' ? [value] : [];
}

function stringValue(value: Ast.Value): string | undefined {
  return typeof value === 'string' ? unquote(value) : undefined;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function isKeyValue(value: unknown): value is Ast.KeyValue {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'keyValue';
}

function isArray(value: unknown): value is Ast.RelationArray {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'array';
}

function isFunc(value: unknown): value is Ast.Func {
  return typeof value === 'object' && value !== null && (value as { type?: string }).type === 'function';
}
