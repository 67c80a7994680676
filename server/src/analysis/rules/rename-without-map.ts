/**
 * Flags a field or model that looks renamed since the state the migrations build (one column or
 * table removed and one of the same shape added): Prisma Migrate drops and re-creates it, and its
 * data is lost. Runs on pending changes only, when the caller hands over the baseline schema.
 */
import type { Field, Model, PrismaSchema } from '../schema/model';
import { fileTextOf } from '../facts/schema-text';
import { defineRule, type Fix, type RuleFinding, type SchemaRule, type SchemaRuleContext } from './types';

/** The schema rule context of a pending-changes run: the baseline is the state the migrations build. */
export interface PendingSchemaRuleContext extends SchemaRuleContext {
  baseline?: PrismaSchema;
}

export default defineRule<SchemaRule>({
  id: 'rename-without-map',
  appliesTo: ['prisma'],
  severity: 'warning',
  docs: {
    summary: 'A field or model renamed in the schema: Prisma Migrate drops the old column or table and creates a new one, and the data is lost.',
    why: [
      'Prisma Migrate compares database states, not edits: it cannot tell a renamed field from a removed field and a new one. Renaming `name` to `fullName` generates `DROP COLUMN "name"` and `ADD COLUMN "fullName"`, and every value of the column is gone after the deploy; renaming a model drops its whole table.',
      'Prisma Lens compares the schema with the state your migrations build and reports a removed column or table next to an added one of the same type (or, for a model, with the same columns) as a likely rename, on the new name.',
      'Keep the database name with `@map("old_column")` (or `@@map("OldTable")` on a model): Prisma Client uses the new name and the migration is empty. If you want the database renamed too, edit the generated migration to `ALTER TABLE … RENAME COLUMN` (see `renaming-column`).',
    ].join('\n\n'),
    bad: ['model User {', '  id       Int    @id', '  fullName String // was: name String', '}'].join('\n'),
    good: ['model User {', '  id       Int    @id', '  fullName String @map("name")', '}'].join('\n'),
    fixSafety: 'Safe: the quick fix adds `@map("old_column")` / `@@map("OldTable")`, so Prisma Client sees the new name and the column or table, with its data, stays as it is.',
  },
  check(context) {
    const baseline = (context as PendingSchemaRuleContext).baseline;
    if (!baseline) return [];
    return [...renamedFields(context.schema, baseline), ...renamedModels(context.schema, baseline)];
  },
});

/** Within one table: a column removed and one added with the same type, when that pairing is unambiguous. */
function renamedFields(schema: PrismaSchema, baseline: PrismaSchema): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const before = tablesOf(baseline);
  for (const model of schema.models) {
    if (model.kind !== 'model') continue;
    const old = before.get(tableKey(model));
    if (!old) continue;
    const oldColumns = new Map(columnsOf(baseline, old).map((field) => [field.dbName, field]));
    const newColumns = columnsOf(schema, model);
    const newNames = new Set(newColumns.map((field) => field.dbName));
    const removed = [...oldColumns.values()].filter((field) => !newNames.has(field.dbName));
    const added = newColumns.filter((field) => !oldColumns.has(field.dbName));
    for (const field of added) {
      const candidates = removed.filter((old) => sameShape(old, field));
      const rivals = added.filter((other) => candidates.some((old) => sameShape(old, other)));
      if (candidates.length !== 1 || rivals.length !== 1) continue;
      const old = candidates[0]!;
      findings.push({
        uri: model.uri,
        span: field.nameSpan,
        message: `Prisma Migrate will drop column "${old.dbName}" of "${model.dbName}" with its data: "${model.name}.${field.name}" looks like "${old.name}" renamed.`,
        help: `Keep the column with '@map("${old.dbName}")' on "${field.name}"; to rename the column too, edit the generated migration to RENAME COLUMN.`,
        fixes: [fieldMapFix(schema, model, field, old.dbName)],
      });
    }
  }
  return findings;
}

/** A table removed and one added with the same columns (names and types), when that pairing is unambiguous. */
function renamedModels(schema: PrismaSchema, baseline: PrismaSchema): RuleFinding[] {
  const findings: RuleFinding[] = [];
  const now = tablesOf(schema);
  const before = tablesOf(baseline);
  const removed = baseline.models.filter((model) => model.kind === 'model' && !now.has(tableKey(model)));
  const added = schema.models.filter((model) => model.kind === 'model' && !before.has(tableKey(model)));
  const shapeOf = (owner: PrismaSchema, model: Model) =>
    columnsOf(owner, model)
      .map((field) => `${field.dbName}:${field.type}${field.isList ? '[]' : ''}`)
      .sort()
      .join(',');
  for (const model of added) {
    const shape = shapeOf(schema, model);
    if (!shape) continue;
    const candidates = removed.filter((old) => shapeOf(baseline, old) === shape);
    const rivals = added.filter((other) => shapeOf(schema, other) === shape);
    if (candidates.length !== 1 || rivals.length !== 1) continue;
    const old = candidates[0]!;
    findings.push({
      uri: model.uri,
      span: model.nameSpan,
      message: `Prisma Migrate will drop table "${old.dbName}" with every row: model "${model.name}" looks like "${old.name}" renamed.`,
      help: `Keep the table with '@@map("${old.dbName}")' in "${model.name}"; to rename the table too, edit the generated migration to ALTER TABLE … RENAME TO.`,
      fixes: [modelMapFix(schema, model, old.dbName)],
    });
  }
  return findings;
}

function tableKey(model: Model): string {
  return `${model.dbSchema ?? ''}.${model.dbName}`;
}

function tablesOf(schema: PrismaSchema): Map<string, Model> {
  return new Map(schema.models.filter((model) => model.kind === 'model').map((model) => [tableKey(model), model]));
}

/** The fields that are columns: scalars and enums, not relation fields. */
function columnsOf(schema: PrismaSchema, model: Model): Field[] {
  return model.fields.filter((field) => !schema.modelsByName.has(field.type) && !field.type.startsWith('Unsupported'));
}

function sameShape(a: Field, b: Field): boolean {
  return a.type === b.type && a.isList === b.isList;
}

/** Adds `@map("old")` at the end of the field's declaration, before a trailing comment. */
function fieldMapFix(schema: PrismaSchema, model: Model, field: Field, oldColumn: string): Fix {
  const text = fileTextOf(schema, model.uri);
  const line = text.slice(field.lineSpan.start, field.lineSpan.end);
  const code = line.replace(/\s*\/\/.*$/, '').replace(/\s+$/, '');
  const at = field.lineSpan.start + code.length;
  return {
    title: `Keep column "${oldColumn}": add @map("${oldColumn}") to ${field.name}`,
    applicability: 'safe',
    edits: [{ uri: model.uri, start: at, end: at, text: ` @map("${oldColumn}")` }],
  };
}

/** Adds `@@map("Old")` as the model's last line, indented like its fields. */
function modelMapFix(schema: PrismaSchema, model: Model, oldTable: string): Fix {
  const text = fileTextOf(schema, model.uri);
  const close = model.closeBrace ?? model.span.end;
  const lineStart = text.lastIndexOf('\n', close - 1) + 1;
  const beforeBrace = text.slice(lineStart, close);
  const indent = /^[ \t]*/.exec(text.slice((model.fields[0]?.lineSpan.start ?? close), close))?.[0] || '  ';
  const edit = beforeBrace.trim() === ''
    ? { uri: model.uri, start: lineStart, end: lineStart, text: `${indent}@@map("${oldTable}")\n` }
    : { uri: model.uri, start: close, end: close, text: `\n${indent}@@map("${oldTable}")\n` };
  return { title: `Keep table "${oldTable}": add @@map("${oldTable}") to ${model.name}`, applicability: 'safe', edits: [edit] };
}
