/**
 * Compares what Prisma Lens's schema reader reads from a schema with what Prisma itself reads from
 * it (`@prisma/prisma-schema-wasm`: `get_dmmf`, `get_config` and `lint`), as two sets of facts per
 * model: ids, uniques, indexes, relations, table and column names, `@@schema`, fields, enum values,
 * and the datasource's provider and relationMode. Used by test/analysis/schema-conformance.test.ts
 * and bench/schema-conformance.ts.
 */
import { buildSchema } from '../../server/src/analysis/schema/build';
import type { Field, Index, Model, PrismaSchema } from '../../server/src/analysis/schema/model';
import { toEngineSchema, type EngineSchemaFile } from '../../server/src/engines/engine-schema';

/** One file of a schema set: `path` names it in reports and in the URIs the reader gets. */
export interface SchemaSetFile {
  path: string;
  text: string;
}

/** Facts one side holds and the other does not, about one model (or the datasource or an enum). */
export interface Disagreement {
  /** `model User`, `enum Role`, `datasource`. */
  subject: string;
  aspect: Aspect;
  prismaOnly: string[];
  lensOnly: string[];
}

export type Aspect = 'blocks' | 'dbName' | 'schema' | 'fields' | 'columns' | 'id' | 'unique' | 'index' | 'relation' | 'opposite' | 'enum' | 'datasource' | 'reader';

export interface Comparison {
  /** Prisma's first error when it rejects the schema; nothing is compared then. */
  prismaError?: string;
  /** Models, views and composite types Prisma read. */
  models: number;
  /** Facts compared (each counted once, on Prisma's side). */
  facts: number;
  disagreements: Disagreement[];
}

interface Dmmf {
  datamodel: { models: DmmfModel[]; types: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

interface DmmfEnum {
  name: string;
  values: { name: string }[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  name?: string;
  dbName?: string;
  algorithm?: string;
  fields: { name: string; sortOrder?: 'asc' | 'desc'; length?: number }[];
}

interface PrismaSchemaWasm {
  get_dmmf(params: string): string;
  get_config(params: string): string;
  lint(input: string): string;
}

const WASM_MODULE = '@prisma/prisma-schema-wasm';

let wasm: PrismaSchemaWasm | undefined;

/** The wasm module; loaded again after a panic, which leaves an instance unusable. */
function prismaSchemaWasm(fresh = false): PrismaSchemaWasm {
  if (fresh || !wasm) {
    if (fresh) delete require.cache[require.resolve(WASM_MODULE)];
    wasm = require(WASM_MODULE) as PrismaSchemaWasm;
  }
  return wasm;
}

/** Calls the engine, reloading the module once if it panicked (a panic is a `RuntimeError`, a rejection is a JSON error). */
function callEngine<T>(call: (engine: PrismaSchemaWasm) => T): T {
  try {
    return call(prismaSchemaWasm());
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError)) throw error;
    return call(prismaSchemaWasm(true));
  }
}

let comparisons = 0;

/** Reads `files` with Prisma and with Prisma Lens and lists every fact on which they differ. */
export function compareWithPrisma(files: readonly SchemaSetFile[]): Comparison {
  let engineFiles = toEngineSchema(files.map((file) => ({ path: file.path, text: file.text })));
  let dmmf: Dmmf | undefined;
  let config: { datasources: { activeProvider: string }[] } | undefined;
  // Preview features that Prisma 7 no longer knows (`metrics`, …) are errors to its engine; they
  // change nothing in the schema's structure, so they are dropped and the schema read again.
  for (let attempt = 0; !dmmf; attempt++) {
    const params = JSON.stringify({ prismaSchema: engineFiles.map((file) => [file.path, file.text]), noColor: true });
    try {
      dmmf = JSON.parse(callEngine((engine) => engine.get_dmmf(params))) as Dmmf;
      config = (JSON.parse(callEngine((engine) => engine.get_config(params))) as { config: NonNullable<typeof config> }).config;
    } catch (error) {
      const unknown = /The preview feature "(\w+)" is not known/.exec(firstError(error))?.[1];
      if (!unknown || attempt >= 10) return { prismaError: firstError(error), models: 0, facts: 0, disagreements: [] };
      engineFiles = engineFiles.map((file) => ({ path: file.path, text: withoutPreviewFeature(file.text, unknown) }));
    }
  }
  const provider = config?.datasources[0]?.activeProvider;
  const prisma = prismaFacts(dmmf, provider, prismaRelationMode(engineFiles, dmmf, provider));
  // URIs of their own, so that the reader reads the files afresh rather than as edits of another set's files.
  const folder = `file:///schema-conformance/${++comparisons}/`;
  const lens = lensFacts(buildSchema(files.map((file) => ({ uri: folder + file.path, text: file.text }))));
  const disagreements: Disagreement[] = [];
  let facts = 0;
  for (const key of new Set([...prisma.keys(), ...lens.keys()])) {
    const prismaSide = prisma.get(key) ?? [];
    const lensSide = lens.get(key) ?? [];
    facts += prismaSide.length;
    const [subject, aspect] = key.split('\u0000') as [string, Aspect];
    const { onlyLeft, onlyRight } = multisetDifference(prismaSide, lensSide);
    if (onlyLeft.length > 0 || onlyRight.length > 0) disagreements.push({ subject, aspect, prismaOnly: onlyLeft, lensOnly: onlyRight });
  }
  return { models: dmmf.datamodel.models.length + dmmf.datamodel.types.length, facts, disagreements };
}

/** Facts by subject and aspect (`subject \0 aspect`), each a line of Prisma-like text. */
type Facts = Map<string, string[]>;

function add(facts: Facts, subject: string, aspect: Aspect, fact: string): void {
  const key = `${subject}\u0000${aspect}`;
  const list = facts.get(key);
  if (list) list.push(fact);
  else facts.set(key, [fact]);
}

function prismaFacts(dmmf: Dmmf, provider: string | undefined, relationMode: string): Facts {
  const facts: Facts = new Map();
  add(facts, 'datasource', 'datasource', `provider ${provider ?? '-'}`);
  add(facts, 'datasource', 'datasource', `relationMode ${relationMode}`);
  const { models, types, enums, indexes } = dmmf.datamodel;
  const modelNames = new Set(models.map((model) => model.name));
  const byName = new Map([...models, ...types].map((model) => [model.name, model]));
  for (const [kind, list] of [['model', models], ['type', types]] as const) {
    for (const model of list) {
      const subject = `${kind} ${model.name}`;
      add(facts, 'schema', 'blocks', subject);
      add(facts, subject, 'dbName', model.dbName ?? model.name);
      add(facts, subject, 'schema', model.schema ?? '-');
      for (const field of model.fields) {
        add(facts, subject, 'fields', fieldFact(field.name, field.type, !field.isRequired, field.isList));
        if (field.kind !== 'object') add(facts, subject, 'columns', `${field.name} -> ${field.dbName ?? field.name}`);
        if (field.kind !== 'object' || !modelNames.has(field.type) || !field.relationFromFields?.length) continue;
        add(facts, subject, 'relation', relationFact(field.name, field.type, field.relationFromFields, field.relationToFields ?? [], field.relationOnDelete, field.relationOnUpdate));
        const target = byName.get(field.type)!;
        const opposite = target.fields.find((candidate) => candidate.type === model.name && candidate.relationName === field.relationName && !(target === model && candidate.name === field.name));
        add(facts, subject, 'opposite', `${field.name} -> ${field.type}.${opposite?.name ?? '-'}`);
      }
    }
  }
  for (const index of indexes) {
    const kind = index.type === 'normal' ? 'index' : index.type;
    const fields = index.fields.map((field) => indexFieldText(field.name, field.sortOrder === 'desc' ? 'Desc' : field.sortOrder === 'asc' ? 'Asc' : undefined, field.length));
    const subject = `${modelNames.has(index.model) ? 'model' : 'type'} ${index.model}`;
    add(facts, subject, kind === 'fulltext' ? 'index' : kind, indexText(kind, fields, index.algorithm, index.name, index.dbName));
  }
  for (const block of enums) add(facts, `enum ${block.name}`, 'enum', block.values.map((value) => value.name).join(', '));
  return facts;
}

/**
 * What Prisma Lens reads, less what the DMMF leaves out by design: models with `@@ignore`, and
 * fields with `@ignore` or of an `Unsupported("…")` type, are not part of the client Prisma
 * describes (the reader keeps them: they are tables and columns all the same).
 */
function lensFacts(schema: PrismaSchema): Facts {
  const facts: Facts = new Map();
  const texts = new Map(schema.files.map((file) => [file.uri, file.text]));
  const ignored = new Set(schema.models.filter((model) => /^[ \t]*@@ignore\b/m.test(texts.get(model.uri)?.slice(model.span.start, model.span.end) ?? '')));
  const inClient = (field: Field) => !field.attributes.includes('ignore') && !field.type.startsWith('Unsupported(');
  const datasource = schema.datasource;
  add(facts, 'datasource', 'datasource', `provider ${datasource?.provider ?? '-'}`);
  add(facts, 'datasource', 'datasource', `relationMode ${datasource?.relationMode ?? 'foreignKeys'}`);
  for (const problem of schema.problems) add(facts, 'schema', 'reader', problem.message);
  const subjectOf = (model: Model) => `${model.kind === 'type' ? 'type' : 'model'} ${model.name}`;
  for (const model of schema.models) {
    if (ignored.has(model)) continue;
    const subject = subjectOf(model);
    add(facts, 'schema', 'blocks', subject);
    add(facts, subject, 'dbName', model.dbName);
    add(facts, subject, 'schema', model.dbSchema ?? '-');
    for (const field of model.fields.filter(inClient)) {
      add(facts, subject, 'fields', fieldFact(field.name, field.type, field.isOptional, field.isList));
      if (!schema.modelsByName.has(field.type)) add(facts, subject, 'columns', `${field.name} -> ${field.dbName}`);
      const relation = field.relation;
      if (relation && relation.fields.length > 0) {
        add(facts, subject, 'relation', relationFact(field.name, field.type, relation.fields, relation.references, relation.onDelete, relation.onUpdate));
      }
    }
    for (const index of model.indexes) add(facts, subject, index.kind === 'fulltext' ? 'index' : index.kind, lensIndexText(index));
  }
  for (const relation of schema.relations) {
    if (ignored.has(relation.model) || !inClient(relation.field)) continue;
    add(facts, subjectOf(relation.model), 'opposite', `${relation.field.name} -> ${relation.target.name}.${relation.opposite?.name ?? '-'}`);
  }
  for (const block of schema.enums) add(facts, `enum ${block.name}`, 'enum', block.values.join(', '));
  return facts;
}

function fieldFact(name: string, type: string, optional: boolean, list: boolean): string {
  return `${name} ${type}${list ? '[]' : optional ? '?' : ''}`;
}

function relationFact(name: string, type: string, fields: readonly string[], references: readonly string[], onDelete?: string, onUpdate?: string): string {
  const actions = [onDelete && `onDelete: ${onDelete}`, onUpdate && `onUpdate: ${onUpdate}`].filter(Boolean);
  return `${name} ${type} @relation(fields: [${fields.join(', ')}], references: [${references.join(', ')}]${actions.map((action) => `, ${action}`).join('')})`;
}

function indexFieldText(name: string, sort: 'Asc' | 'Desc' | undefined, length: number | undefined): string {
  const options = [sort && `sort: ${sort}`, length !== undefined && `length: ${length}`].filter(Boolean);
  return options.length > 0 ? `${name}(${options.join(', ')})` : name;
}

function indexText(kind: string, fields: string[], type: string | undefined, name: string | undefined, map: string | undefined): string {
  const named = [type && `type: ${type}`, name && `name: "${name}"`, map && `map: "${map}"`].filter(Boolean);
  return `@@${kind}([${fields.join(', ')}]${named.map((option) => `, ${option}`).join('')})`;
}

function lensIndexText(index: Index): string {
  const fields = index.fields.map((field) => indexFieldText(field.name, field.sort, field.length));
  return indexText(index.kind, fields, index.type, index.name, index.map);
}

/**
 * Prisma's relation mode, which no engine call returns: a probe file is added to the schema with a
 * relation whose `onDelete: SetDefault` Prisma refuses exactly when it emulates relations
 * (relationMode "prisma", and MongoDB's default), and the file's diagnostics are read.
 */
function prismaRelationMode(files: EngineSchemaFile[], dmmf: Dmmf, provider: string | undefined): string {
  const mongo = provider === 'mongodb';
  const schemaName = dmmf.datamodel.models.find((model) => model.schema)?.schema;
  const id = mongo ? 'String @id @map("_id") @db.ObjectId' : 'Int @id';
  const key = mongo ? 'String @db.ObjectId' : 'Int';
  const schemaLine = schemaName ? `\n  @@schema("${schemaName}")` : '';
  const probe = `model PrismaLensProbeParent {\n  id       ${id}\n  children PrismaLensProbeChild[]${schemaLine}\n}\n\nmodel PrismaLensProbeChild {\n  id       ${id}\n  parentId ${key}\n  parent   PrismaLensProbeParent @relation(fields: [parentId], references: [id], onDelete: SetDefault)${schemaLine}\n}\n`;
  const input = JSON.stringify([...files.map((file) => [file.path, file.text]), ['prisma-lens-probe.prisma', probe]]);
  const diagnostics = JSON.parse(callEngine((engine) => engine.lint(input))) as { file_name: string; text: string; is_warning: boolean }[];
  return diagnostics.some((diagnostic) => !diagnostic.is_warning && diagnostic.file_name === 'prisma-lens-probe.prisma' && diagnostic.text.includes('Invalid referential action: `SetDefault`')) ? 'prisma' : 'foreignKeys';
}

/** `text` with `feature` taken out of every `previewFeatures = [...]` list. */
function withoutPreviewFeature(text: string, feature: string): string {
  return text.replace(/(previewFeatures\s*=\s*\[)([^\]]*)\]/g, (_, head: string, list: string) => {
    const kept = list.split(',').map((item) => item.trim()).filter((item) => item !== '' && item !== `"${feature}"`);
    return `${head}${kept.join(', ')}]`;
  });
}

function multisetDifference(left: readonly string[], right: readonly string[]): { onlyLeft: string[]; onlyRight: string[] } {
  const counts = new Map<string, number>();
  for (const item of left) counts.set(item, (counts.get(item) ?? 0) + 1);
  const onlyRight: string[] = [];
  for (const item of right) {
    const count = counts.get(item) ?? 0;
    if (count > 0) counts.set(item, count - 1);
    else onlyRight.push(item);
  }
  const onlyLeft = [...counts].flatMap(([item, count]) => new Array<string>(count).fill(item));
  return { onlyLeft: onlyLeft.sort(), onlyRight: onlyRight.sort() };
}

/** The first error of Prisma's report, on one line. */
function firstError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  let message = raw;
  try {
    message = (JSON.parse(raw) as { message?: string }).message ?? raw;
  } catch {
    // Not JSON: the raw text is the best report there is.
  }
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  const first = /error: (.*)/.exec(plain)?.[1] ?? plain.split('\n')[0]!;
  const where = /-->\s+(\S+)/.exec(plain)?.[1];
  return where ? `${first} (${where})` : first;
}

/** One line per disagreement, for reports and assertion messages. */
export function describeDisagreement(disagreement: Disagreement): string {
  const sides = [
    ...disagreement.prismaOnly.map((fact) => `    Prisma reads:      ${fact}`),
    ...disagreement.lensOnly.map((fact) => `    Prisma Lens reads: ${fact}`),
  ];
  return [`  ${disagreement.subject}, ${disagreement.aspect}:`, ...sides].join('\n');
}
