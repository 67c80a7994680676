/**
 * Pending changes at the schema line that causes them: the findings of the migration SQL rules on
 * the SQL Prisma Migrate would generate next, moved from the SQL statement to the field, attribute
 * or model of the schema that produces it, plus `rename-without-map` (which compares the schema with
 * the state the migrations build). Pure: the SQL and both schemas come from the caller.
 */
import { lintMigrationSql, type MigrationFinding } from '../migrations/lint';
import renameWithoutMap, { type PendingSchemaRuleContext } from '../rules/rename-without-map';
import type { Finding, Fix } from '../rules/types';
import type { EnumBlock, Field, Index, Model, PrismaSchema } from '../schema/model';
import { fieldTypeSpan, fileTextOf } from '../facts/schema-text';
import type { Span } from '../text';

export interface PendingInput {
  /** The schema being edited. */
  schema: PrismaSchema;
  /** The state the migrations build, as a schema (introspected); undefined when unknown. */
  baseline: PrismaSchema | undefined;
  /** The SQL Prisma Migrate would generate next ('' when nothing is pending). */
  sql: string;
  /** Tables created by migrations that are not deployed yet (they hold no rows). */
  newTables?: readonly string[];
  postgresVersion?: number;
}

export interface PendingResult {
  /** Findings located in the schema files. */
  findings: Finding[];
  /** The SQL findings as the rules reported them (spans into `sql`), for the preview. */
  sqlFindings: MigrationFinding[];
  /** Problems of the analysis itself (a rule that threw, SQL the parser rejected). */
  errors: string[];
}

/** Rules whose finding is about a column of the table: reported at the field. */
const FIELD_RULES = new Set(['adding-required-field', 'adding-not-nullable-field', 'adding-field-with-default', 'changing-column-type', 'renaming-column']);

export function pendingFindings(input: PendingInput): PendingResult {
  const errors: string[] = [];
  const sqlFindings: MigrationFinding[] = [];
  if (input.sql.trim()) {
    const lint = lintMigrationSql(input.sql, { uri: 'prisma-lens:pending-migration.sql', editable: false, newTables: input.newTables, postgresVersion: input.postgresVersion });
    sqlFindings.push(...lint.findings);
    errors.push(...lint.errors, ...lint.parseErrors.map((error) => `pending SQL did not parse: ${error.message}`));
  }
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const finding of sqlFindings) {
    const located = locate(input.schema, input.sql, finding);
    if (!located) continue;
    const key = `${finding.ruleId}@${located.uri}:${located.span.start}:${finding.target.table}.${finding.target.column}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      ruleId: finding.ruleId,
      severity: finding.severity,
      uri: located.uri,
      span: located.span,
      message: `Next migration: ${finding.message} (${sqlLine(input.sql, finding.span)})`,
      help: finding.help,
      fixes: located.fixes,
    });
  }
  if (input.baseline) {
    try {
      const context: PendingSchemaRuleContext = { schema: input.schema, baseline: input.baseline };
      for (const finding of renameWithoutMap.check(context)) findings.push({ ...finding, ruleId: renameWithoutMap.id, severity: renameWithoutMap.severity });
    } catch (error) {
      errors.push(`${renameWithoutMap.id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  findings.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start));
  return { findings, sqlFindings, errors };
}

interface Located {
  uri: string;
  span: Span;
  fixes?: Fix[];
}

/** The schema element behind one SQL finding: the field, the index attribute, the model, or the datasource for a dropped table. */
function locate(schema: PrismaSchema, sql: string, finding: MigrationFinding): Located | undefined {
  const target = finding.target;
  const model = target.table ? modelOfTable(schema, target.table, target.schema) : undefined;
  if (!model) {
    const enumBlock = target.table ? enumOfType(schema, target.table) : undefined;
    if (enumBlock) return { uri: enumBlock.uri, span: firstLineSpan(schema, enumBlock.uri, enumBlock.span.start) };
    return anchorOf(schema);
  }
  const field = target.column ? model.fields.find((candidate) => candidate.dbName === target.column) : undefined;
  if (field && FIELD_RULES.has(finding.ruleId)) {
    const text = fileTextOf(schema, model.uri);
    const span = finding.ruleId === 'changing-column-type' ? (fieldTypeSpan(text, field) ?? field.nameSpan) : field.nameSpan;
    const fixes = finding.ruleId === 'adding-required-field' ? requiredFieldFixes(schema, model, field) : undefined;
    return { uri: model.uri, span, fixes };
  }
  const index = indexOf(model, target.index ?? target.constraint, sql, finding);
  if (index) return { uri: model.uri, span: index.span };
  return { uri: model.uri, span: model.nameSpan };
}

function modelOfTable(schema: PrismaSchema, table: string, dbSchema: string | undefined): Model | undefined {
  return schema.models.find((model) => model.kind === 'model' && model.dbName === table && (dbSchema === undefined || model.dbSchema === undefined || model.dbSchema === dbSchema));
}

function enumOfType(schema: PrismaSchema, name: string): EnumBlock | undefined {
  return schema.enums.find((block) => block.name === name);
}

/** The index a statement creates or drops: by its database name (`map`, `name`, or Prisma's default name). */
function indexOf(model: Model, name: string | undefined, sql: string, finding: MigrationFinding): Index | undefined {
  const statement = sql.slice(finding.target.statementSpan.start, finding.target.statementSpan.end);
  const indexName = name ?? /INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?"([^"]+)"/i.exec(statement)?.[1];
  if (!indexName) return undefined;
  return model.indexes.find((index) => (index.map ?? index.name ?? defaultIndexName(model, index)) === indexName);
}

/** Prisma's default constraint names: `Table_col_key` (unique), `Table_col_idx` (index), `Table_pkey`. */
function defaultIndexName(model: Model, index: Index): string {
  if (index.kind === 'id') return `${model.dbName}_pkey`;
  const columns = index.fields.map((part) => model.fields.find((field) => field.name === part.name)?.dbName ?? part.name).join('_');
  return `${model.dbName}_${columns}_${index.kind === 'unique' ? 'key' : 'idx'}`;
}

/** Where findings about tables the schema no longer has go: the datasource's name, or the file's first line. */
function anchorOf(schema: PrismaSchema): Located | undefined {
  const datasource = schema.datasource;
  if (datasource) {
    const text = fileTextOf(schema, datasource.uri);
    const name = /^datasource\s+(\w+)/.exec(text.slice(datasource.span.start));
    if (name) {
      const start = datasource.span.start + name[0].length - name[1]!.length;
      return { uri: datasource.uri, span: { start, end: start + name[1]!.length } };
    }
    return { uri: datasource.uri, span: firstLineSpan(schema, datasource.uri, datasource.span.start) };
  }
  const file = schema.files[0];
  return file ? { uri: file.uri, span: firstLineSpan(schema, file.uri, 0) } : undefined;
}

function firstLineSpan(schema: PrismaSchema, uri: string, start: number): Span {
  const text = fileTextOf(schema, uri);
  const end = text.indexOf('\n', start);
  return { start, end: (end < 0 ? text.length : end) - (text[end - 1] === '\r' ? 1 : 0) };
}

/** The SQL a finding points at (one clause or line), on one line. */
function sqlLine(sql: string, span: Span): string {
  const line = sql.slice(span.start, span.end).replace(/\s+/g, ' ').replace(/,$/, '').trim();
  return line.length > 100 ? `${line.slice(0, 97)}…` : line;
}

/** "Make it optional" and "add a default": both change what the schema means, so both are unsafe. */
function requiredFieldFixes(schema: PrismaSchema, model: Model, field: Field): Fix[] {
  const text = fileTextOf(schema, model.uri);
  const typeSpan = fieldTypeSpan(text, field);
  const fixes: Fix[] = [];
  if (typeSpan) {
    fixes.push({
      title: `Make ${model.name}.${field.name} optional (${field.type}?)`,
      applicability: 'unsafe',
      edits: [{ uri: model.uri, start: typeSpan.end, end: typeSpan.end, text: '?' }],
    });
  }
  const value = defaultValueFor(schema, field);
  if (value) {
    const line = text.slice(field.lineSpan.start, field.lineSpan.end);
    const code = line.replace(/\s*\/\/.*$/, '').replace(/\s+$/, '');
    const at = field.lineSpan.start + code.length;
    fixes.push({
      title: `Add @default(${value}) to ${model.name}.${field.name}`,
      applicability: 'unsafe',
      edits: [{ uri: model.uri, start: at, end: at, text: ` @default(${value})` }],
    });
  }
  return fixes;
}

/** A constant default for the field's type (instant to add since PostgreSQL 11), or undefined when there is no obvious one. */
export function defaultValueFor(schema: PrismaSchema, field: Field): string | undefined {
  if (field.isList) return undefined;
  switch (field.type) {
    case 'String':
      return '""';
    case 'Int':
    case 'BigInt':
    case 'Float':
    case 'Decimal':
      return '0';
    case 'Boolean':
      return 'false';
    case 'DateTime':
      return 'now()';
    case 'Json':
      return '"{}"';
    default: {
      const enumBlock = schema.enums.find((block) => block.name === field.type);
      return enumBlock?.values[0];
    }
  }
}
