/** The Prisma schema model that every schema rule reads: plain data with exact source spans. */
import type { Span } from '../text';

export interface SchemaFile {
  uri: string;
  text: string;
  version?: number;
}

export type Provider = 'postgresql' | 'mysql' | 'sqlite' | 'sqlserver' | 'cockroachdb' | 'mongodb';

export interface Datasource {
  name: string;
  /** Undefined when the provider is missing or not a literal. */
  provider: Provider | undefined;
  /**
   * `relationMode` (or its Prisma 3/4 name `referentialIntegrity`); Prisma's default is "foreignKeys",
   * except on MongoDB, whose relations Prisma always emulates ("prisma").
   */
  relationMode: 'foreignKeys' | 'prisma';
  uri: string;
  span: Span;
}

export interface IndexField {
  name: string;
  sort?: 'Asc' | 'Desc';
  length?: number;
}

export type IndexKind = 'id' | 'unique' | 'index' | 'fulltext';

export interface Index {
  kind: IndexKind;
  fields: IndexField[];
  /** `@@index(..., type: Hash)` and friends; undefined means the provider's default (B-tree). */
  type?: string;
  name?: string;
  map?: string;
  /** Where it is declared: the `@id`/`@unique` attribute or the `@@` block attribute. */
  span: Span;
}

export interface RelationAttribute {
  name?: string;
  fields: string[];
  references: string[];
  onDelete?: string;
  onUpdate?: string;
  span: Span;
}

export interface Field {
  name: string;
  /** The type's name as written, without `?` or `[]` (`Unsupported("…")` for unsupported types). */
  type: string;
  isList: boolean;
  isOptional: boolean;
  /** The column name: `@map("…")` or the field name. */
  dbName: string;
  nameSpan: Span;
  /** The whole line of the declaration, without its line break. */
  lineSpan: Span;
  attributes: string[];
  relation?: RelationAttribute;
}

export type ModelKind = 'model' | 'view' | 'type';

export interface Model {
  /**
   * Identifies what the model's block read: new each time the block is read, kept while an edit
   * elsewhere merely moves the block. Per-model results are cached under it.
   */
  revision: number;
  kind: ModelKind;
  name: string;
  /** The table name: `@@map("…")` or the model name. */
  dbName: string;
  /** `@@schema("…")` with multiSchema. */
  dbSchema?: string;
  uri: string;
  span: Span;
  nameSpan: Span;
  /** Offset of the closing brace; undefined while the block is unterminated. */
  closeBrace: number | undefined;
  fields: Field[];
  indexes: Index[];
  /** True when some lines could not be parsed and were left out of this model. */
  incomplete: boolean;
}

export interface EnumBlock {
  name: string;
  values: string[];
  uri: string;
  span: Span;
}

/** A relation seen from the side that holds the foreign key (`@relation(fields: …)`). */
export interface Relation {
  model: Model;
  field: Field;
  target: Model;
  /** The back-relation field on the target, when the schema declares one. */
  opposite: Field | undefined;
  fkFields: Field[];
}

export interface SchemaProblem {
  uri: string;
  span: Span;
  message: string;
}

export interface PrismaSchema {
  files: SchemaFile[];
  datasource: Datasource | undefined;
  models: Model[];
  enums: EnumBlock[];
  relations: Relation[];
  modelsByName: ReadonlyMap<string, Model>;
  /** Blocks that could not be read, or were read only in part; for logs, not for diagnostics. */
  problems: SchemaProblem[];
}
