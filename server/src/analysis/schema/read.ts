/** Reads one parsed top-level block into the schema model: a model, an enum or a datasource, at file offsets. */
import type * as Ast from '@mrleebo/prisma-ast';
import type { Span } from '../text';
import type { RawBlock } from './blocks';
import { parseBlock, PATH_SEPARATOR_IN_TREE } from './parse';
import { relationPlanOf, type RelationPlan } from './relations';
import type { Datasource, EnumBlock, Field, Index, IndexField, Model, Provider, RelationAttribute, SchemaFile, SchemaProblem } from './model';

const PROVIDERS: readonly Provider[] = ['postgresql', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb', 'mongodb'];

/** What one block contributes to the schema; at most one of model, enum and datasource is set. */
export interface BlockRead {
  model?: Model;
  /** Set with `model`. */
  relationPlan?: RelationPlan;
  /** For a moved block: the model read from it, and how far the block has moved since. */
  readModel?: Model;
  movedBy?: number;
  enum?: EnumBlock;
  datasource?: Datasource;
  /** Set when the block could not be read, or was read only in part. */
  problem?: SchemaProblem;
}

/** Parses and reads one block of `file`. Never throws. */
export function readBlock(file: SchemaFile, block: RawBlock): BlockRead {
  const terminated = block.closeBrace !== undefined;
  const parsed = parseBlock(file.text.slice(block.span.start, block.span.end), terminated);
  const problem = (message: string): SchemaProblem => ({ uri: file.uri, span: block.nameSpan, message: `${block.keyword} ${block.name}: ${message}` });
  const read: BlockRead = {};
  if (parsed.error) read.problem = problem(parsed.error);
  const ast = parsed.ast;
  if (!ast) return read;
  const at = new BlockPlacement(file, block);
  try {
    if (ast.type === 'model' || ast.type === 'view' || ast.type === 'type') {
      read.model = readModel(ast, at, parsed.droppedLines.length > 0 || !terminated);
      read.relationPlan = relationPlanOf(read.model);
    } else if (ast.type === 'enum') {
      read.enum = { name: ast.name, values: readEnumValues(ast), uri: file.uri, span: block.span };
    } else if (ast.type === 'datasource') {
      read.datasource = readDatasource(ast, file.uri, block.span);
    }
  } catch (error) {
    // The parser's recovery can leave trees of a shape its types do not promise; the block is left out.
    return { problem: problem(`could not be read (${error instanceof Error ? error.message : String(error)})`) };
  }
  return read;
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

/** Counts the model blocks read in this process: each read gets a revision of its own. */
let modelRevisions = 0;

function readModel(ast: Ast.Model | Ast.View | Ast.Type, at: BlockPlacement, incomplete: boolean): Model {
  const fields: Field[] = [];
  const indexes: Index[] = [];
  let dbName = ast.name;
  let dbSchema: string | undefined;
  for (const property of ast.properties ?? []) {
    // The parser accepts `key = value` lines in a model but leaves no node for them.
    if (!property) continue;
    if (property.type === 'field') {
      const field = readField(property, at);
      fields.push(field);
      for (const attribute of property.attributes ?? []) {
        if (attribute.group) continue;
        if (attribute.name === 'id' || attribute.name === 'unique') {
          indexes.push({ kind: attribute.name, fields: [fieldOptions({ name: field.name }, attribute.args?.map((arg) => arg.value))], span: at.span(attribute.location), ...namedArgs(attribute.args) });
        }
      }
    } else if (property.type === 'attribute') {
      const name = property.name;
      if (name === 'map') dbName = firstString(property.args) ?? dbName;
      else if (name === 'schema') dbSchema = firstString(property.args);
      else if (name === 'id' || name === 'unique' || name === 'index' || name === 'fulltext') {
        const named = namedArgs(property.args);
        // `@@index` takes `name` as an alias of `map`, the index's name in the database, as Prisma 2 did.
        if (name === 'index' && named.name !== undefined && named.map === undefined) {
          named.map = named.name;
          delete named.name;
        }
        indexes.push({ kind: name, fields: indexFields(property.args), span: at.span(property.location), ...named });
      }
    }
  }
  return {
    revision: ++modelRevisions,
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
  for (const assignment of ast.assignments ?? []) {
    if (assignment?.type !== 'assignment') continue;
    const value = stringValue(assignment.value);
    if (assignment.key === 'provider' && value) {
      const normalized = value === 'postgres' ? 'postgresql' : value;
      provider = PROVIDERS.find((candidate) => candidate === normalized);
    } else if ((assignment.key === 'relationMode' || assignment.key === 'referentialIntegrity') && value === 'prisma') {
      relationMode = 'prisma';
    }
  }
  // MongoDB has no foreign keys: Prisma always emulates its relations, the mode's default there.
  if (provider === 'mongodb') relationMode = 'prisma';
  return { name: ast.name, provider, relationMode, uri, span };
}

function readEnumValues(ast: Ast.Enum): string[] {
  return (ast.enumerators ?? []).flatMap((item) => (item?.type === 'enumerator' ? [item.name] : []));
}

/**
 * The fields of `@@index`, `@@unique` or `@@id`: the first unnamed argument or `fields:`, either a
 * list or, as Prisma also accepts, a single field without brackets (`@@index(teamId)`,
 * `@@index(fields: teamId)`, `@@index(createdAt(sort: Desc))`).
 */
function indexFields(args: Ast.AttributeArgument[] | undefined): IndexField[] {
  for (const arg of args ?? []) {
    const value = isKeyValue(arg.value) ? (arg.value.key === 'fields' ? arg.value.value : undefined) : arg.value;
    if (value === undefined) continue;
    if (isArray(value)) return (value.args ?? []).flatMap(indexField);
    return indexField(value);
  }
  return [];
}

function indexField(value: Ast.Value): IndexField[] {
  if (typeof value === 'string') return [{ name: indexFieldName(value) }];
  if (isFunc(value)) return [fieldOptions({ name: indexFieldName(value.name) }, value.params)];
  return [];
}

/** A field of an index as Prisma names it: a path into a composite type keeps its dots (see `PATH_SEPARATOR_IN_TREE`). */
function indexFieldName(name: string): string {
  return name.includes(PATH_SEPARATOR_IN_TREE) ? name.split(PATH_SEPARATOR_IN_TREE).join('.') : name;
}

/**
 * `field` with the `sort` and `length` of `args`: the arguments of a field in an index list
 * (`createdAt(sort: Desc)`) or of a field's own `@id` and `@unique` (`@unique(length: 100)`).
 */
function fieldOptions(field: IndexField, args: readonly (Ast.Value | Ast.KeyValue)[] | undefined): IndexField {
  for (const param of args ?? []) {
    if (!isKeyValue(param)) continue;
    if (param.key === 'sort') field.sort = stringValue(param.value) === 'Desc' ? 'Desc' : 'Asc';
    if (param.key === 'length') field.length = Number(param.value);
  }
  return field;
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
  if (isArray(value)) return (value.args ?? []).flatMap((item: unknown) => (typeof item === 'string' ? [item] : isFunc(item) ? [item.name] : []));
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
