/** Flags `String` fields whose comment lists the fixed set of values they may hold: a Prisma `enum` enforces it. */
import type { Field, Model, PrismaSchema } from '../schema/model';
import { addBlockAfterEdit } from '../facts/schema-edits';
import { commentsAbove, defaultAttribute, fieldTypeSpan, nameWords, trailingComment } from '../facts/schema-text';
import { defineModelRule, type Fix, type RuleFinding, type TextEdit } from './types';

/** One value of a listed set: a single word (`admin`, `prefer_not_to_say`, `IN_PROGRESS`, `'paid'`). */
const VALUE = /^['"`]?([A-Za-z][A-Za-z0-9_-]{0,39})['"`]?$/;
/** Comments that give examples of an open set rather than the set: `e.g. USD, EUR`. */
const EXAMPLES = /\b(?:e\.?g\.?|for example|such as|like|i\.e\.?|etc\.?|format|ex:)(?:\s|$|:|,)/i;
/** Field names whose values are standard codes from a large open set. */
const OPEN_SETS = new Set(['currency', 'country', 'locale', 'language', 'lang', 'timezone', 'tz', 'region', 'mime', 'code', 'name', 'url', 'email']);
/** Prisma enum values must be identifiers. */
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;

export default defineModelRule({
  id: 'string-enum',
  appliesTo: ['prisma'],
  severity: 'info',
  docs: {
    summary: '`String` fields whose comment lists the only values they may hold; a Prisma `enum` would enforce them.',
    why: [
      '`role String // user, admin, moderator` documents a closed set that nothing enforces: a typo (`"admim"`), a casing slip (`"Admin"`) or an old client writing a retired value is stored without complaint, and every query that compares the column quietly misses those rows.',
      'A Prisma `enum` makes the set part of the schema: the database rejects other values (a native enum on PostgreSQL, MySQL and CockroachDB; Prisma Client checks on SQLite and MongoDB), Prisma Client types the field as a union, and the values are listed once.',
      'The rule reads the comment beside the field (or the `///` lines above it) and reports when it lists two or more single-word values separated by commas, `|` or `/`. Comments that give examples (`e.g. USD, EUR`) and fields named for open sets of codes (`currency`, `country`, `locale`) are left alone. SQL Server has no enums, so the rule is silent there.',
    ].join('\n\n'),
    bad: ['model User {', '  id   Int    @id', '  role String @default("user") // user, admin, moderator', '}'].join('\n'),
    good: ['model User {', '  id   Int  @id', '  role Role @default(user)', '}', '', 'enum Role {', '  user', '  admin', '  moderator', '}'].join('\n'),
    fixSafety:
      'Unsafe: the fix declares the enum and changes the field\'s type, so the migration converts the column (it fails if a row holds a value outside the list) and the field\'s TypeScript type becomes the enum. Offered only when every value is a valid enum name and the default is one of them.',
  },
  // The fix reuses an enum with the same values, or names a new one after the names not yet taken.
  readsNames: true,
  checkModel({ schema, model, text }) {
    if (schema.datasource?.provider === 'sqlserver' || model.kind !== 'model') return [];
    const findings: RuleFinding[] = [];
    for (const field of model.fields) {
      if (field.type !== 'String' || field.isList) continue;
      const values = listedValues(trailingComment(text, field)) ?? listedValues(commentsAbove(text, field).join(' '));
      if (!values || nameWords(field.name).some((word) => OPEN_SETS.has(word))) continue;
      findings.push(findingFor(schema, model, field, values, text));
    }
    return findings;
  },
});

/** The values a comment lists (`user, admin, moderator`, `'a' | 'b'`, `Values: a/b/c`), or undefined. */
export function listedValues(comment: string | undefined): string[] | undefined {
  if (!comment || EXAMPLES.test(comment)) return undefined;
  let list = comment.trim().replace(/\.$/, '');
  const colon = list.lastIndexOf(':');
  if (colon >= 0) list = list.slice(colon + 1);
  list = list.replace(/^\s*(?:one of|either|values?|enum)\b\s*/i, '').replace(/^\(|\)$/g, '').trim();
  const separator = list.includes('|') ? '|' : list.includes(',') ? ',' : list.includes('/') ? '/' : undefined;
  if (!separator) return undefined;
  const parts = list
    .split(separator)
    .map((part) => part.trim().replace(/^(?:or|and)\s+/i, ''))
    .filter(Boolean);
  if (parts.length < 2) return undefined;
  const values: string[] = [];
  for (const part of parts) {
    const match = VALUE.exec(part);
    if (!match) return undefined;
    values.push(match[1]!);
  }
  // `// Type: A, B` with values in one case; prose (`// the first name, or nickname`) fails VALUE above.
  return new Set(values).size === values.length ? values : undefined;
}

function enumNameFor(schema: PrismaSchema, model: Model, field: Field): string {
  const base = model.name + field.name.charAt(0).toUpperCase() + field.name.slice(1).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const taken = (name: string): boolean => schema.modelsByName.has(name) || schema.enums.some((block) => block.name === name);
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}${n}`;
  return name;
}

function findingFor(schema: PrismaSchema, model: Model, field: Field, values: string[], text: string): RuleFinding {
  const existing = schema.enums.find((block) => block.values.length === values.length && values.every((value) => block.values.includes(value)));
  const typeSpan = fieldTypeSpan(text, field);
  const listed = values.map((value) => `"${value}"`).join(', ');
  const fixes: Fix[] = [];
  const defaultValue = defaultAttribute(text, field);
  const defaultLiteral = defaultValue && /^"([^"\\]*)"$/.exec(defaultValue.argument)?.[1];
  const defaultFits = !defaultValue || (defaultLiteral !== undefined && values.includes(defaultLiteral));
  if (typeSpan && defaultFits && values.every((value) => IDENTIFIER.test(value))) {
    const name = existing?.name ?? enumNameFor(schema, model, field);
    const edits: TextEdit[] = [{ uri: model.uri, start: typeSpan.start, end: typeSpan.end, text: name }];
    if (defaultValue && defaultLiteral !== undefined) edits.push({ uri: model.uri, start: defaultValue.span.start, end: defaultValue.span.end, text: `@default(${defaultLiteral})` });
    const block = existing ? undefined : addBlockAfterEdit(model, text, [`enum ${name} {`, ...values.map((value) => `  ${value}`), '}'].join('\n'));
    if (existing || block) {
      if (block) edits.push(block);
      fixes.push({ title: existing ? `Use enum ${name} for ${model.name}.${field.name}` : `Declare enum ${name} and use it for ${model.name}.${field.name}`, applicability: 'unsafe', edits });
    }
  }
  return {
    uri: model.uri,
    span: typeSpan ?? field.nameSpan,
    message: `"${model.name}.${field.name}" accepts any string, not just the values its comment lists (${listed}).`,
    help: existing ? `Use the existing "enum ${existing.name}" as the field's type.` : `Declare an "enum" with these values and use it as the field's type.`,
    ...(fixes.length ? { fixes } : {}),
  };
}
