/** Flags models with no creation or update time: the first question asked about a bad row cannot be answered. */
import type { Field, Model, PrismaSchema } from '../schema/model';
import { addFieldsEdit } from '../facts/schema-edits';
import { attributeArguments, foreignKeyFields, isScalarField, nameWords } from '../facts/schema-text';
import { defineModelRule, type RuleFinding } from './types';

const CREATED_WORDS = new Set(['created', 'inserted', 'added']);
const UPDATED_WORDS = new Set(['updated', 'modified', 'changed']);

export default defineModelRule({
  id: 'missing-timestamps',
  appliesTo: ['prisma'],
  severity: 'info',
  enabledByDefault: false,
  docs: {
    summary: 'Models with no `createdAt` or no `updatedAt` field.',
    why: [
      'When a row is wrong, the first questions are when it was created and when it last changed. Without the columns, the answer is in backups and logs, if anywhere; with them, it is one query, and they also make incremental exports ("rows changed since…") and retention jobs possible.',
      'A creation time is a `DateTime` with `@default(now())` (or a field named like `createdAt`); an update time is a `DateTime` with `@updatedAt` (or a field named like `updatedAt`). Pure join tables (only foreign keys and a composite `@@id`) are left alone.',
      'Off by default: append-only tables never change, and some teams keep history elsewhere.',
    ].join('\n\n'),
    bad: ['model Order {', '  id     Int    @id @default(autoincrement())', '  status String', '}'].join('\n'),
    good: [
      'model Order {',
      '  id        Int      @id @default(autoincrement())',
      '  status    String',
      '  createdAt DateTime @default(now())',
      '  updatedAt DateTime @default(now()) @updatedAt',
      '}',
    ].join('\n'),
    fixSafety:
      'Unsafe: the fix adds columns, so the migration adds them to every existing row (with the migration\'s time as their value, which is not when those rows were created). `updatedAt` gets `@default(now())` as well, because a required column without a default cannot be added to a table that has rows.',
  },
  // A join table is told apart by which of its fields are scalars, that is, name no model.
  readsNames: true,
  checkModel({ schema, model, text }) {
    if (model.kind !== 'model' || model.incomplete) return [];
    const dates = model.fields.filter((field) => field.type === 'DateTime');
    const hasCreated = dates.some((field) => isCreationTime(text, field));
    const hasUpdated = dates.some((field) => field.attributes.includes('updatedAt') || nameWords(field.name).some((word) => UPDATED_WORDS.has(word)));
    if ((hasCreated && hasUpdated) || isJoinTable(schema, model)) return [];
    return [findingFor(model, text, hasCreated, hasUpdated)];
  },
});

function isCreationTime(text: string, field: Field): boolean {
  if (field.attributes.includes('default') && !field.attributes.includes('updatedAt') && /^now\(\s*\)$/.test(attributeArguments(text, field, 'default') ?? '')) return true;
  return nameWords(field.name).some((word) => CREATED_WORDS.has(word));
}

/** Only foreign keys and relations, keyed by a composite id: `PostTag { postId tagId post tag @@id([postId, tagId]) }`. */
function isJoinTable(schema: PrismaSchema, model: Model): boolean {
  const keys = foreignKeyFields(model);
  const scalars = model.fields.filter((field) => isScalarField(schema, field));
  return keys.size >= 2 && scalars.every((field) => keys.has(field.name)) && model.indexes.some((index) => index.kind === 'id' && index.fields.length >= 2);
}

function findingFor(model: Model, text: string, hasCreated: boolean, hasUpdated: boolean): RuleFinding {
  const taken = new Set(model.fields.map((field) => field.name));
  const snake = model.fields.some((field) => /_/.test(field.name)) && !model.fields.some((field) => /[a-z][A-Z]/.test(field.name));
  const created = snake ? 'created_at' : 'createdAt';
  const updated = snake ? 'updated_at' : 'updatedAt';
  const lines: string[] = [];
  if (!hasCreated && !taken.has(created)) lines.push(`${created} DateTime @default(now())`);
  if (!hasUpdated && !taken.has(updated)) lines.push(`${updated} DateTime @default(now()) @updatedAt`);
  const missing = !hasCreated && !hasUpdated ? 'neither a creation nor an update time' : !hasCreated ? 'no creation time' : 'no update time';
  const unknown = !hasCreated && !hasUpdated ? 'was written' : !hasCreated ? 'was created' : 'last changed';
  const edit = lines.length ? addFieldsEdit(model, text, lines) : undefined;
  return {
    uri: model.uri,
    span: model.nameSpan,
    message: `Nothing says when a row of "${model.name}" ${unknown}: the model has ${missing}.`,
    help: `Add ${lines.map((line) => `"${line}"`).join(' and ') || `"${created}"/"${updated}" fields`}.`,
    ...(edit ? { fixes: [{ title: `Add ${lines.map((line) => line.split(' ')[0]).join(' and ')} to ${model.name}`, applicability: 'unsafe' as const, edits: [edit] }] } : {}),
  };
}
