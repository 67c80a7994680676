/** Flags required relations with no `onDelete`: deleting the parent fails while children exist. */
import type { PrismaSchema, Relation } from '../schema/model';
import { attributeExtent } from '../facts/schema-text';
import { defineModelRule, type Fix, type RuleFinding } from './types';

export default defineModelRule({
  id: 'cascade-missing',
  appliesTo: ['prisma'],
  severity: 'info',
  docs: {
    summary: 'Required relations without `onDelete`, so deleting a parent that has children fails.',
    why: [
      'When a relation\'s foreign key is required and `@relation` names no `onDelete`, Prisma uses `Restrict` (`NoAction` on SQL Server): `prisma.user.delete()` of a user who still has posts fails with a foreign-key error (P2003), usually first seen in production when a user asks to delete their account.',
      'Often that is what you want, but it should be a choice: `onDelete: Cascade` for rows that belong to the parent (a post\'s comments), `Restrict` written out for rows that must block the delete (an order\'s invoices), or an optional key with `SetNull` for rows that outlive it. Writing it down tells the next reader which one was meant.',
      'Optional relations (their default is `SetNull`) and relations with any `onDelete` are not reported.',
    ].join('\n\n'),
    bad: [
      'model Post {',
      '  id       Int       @id',
      '  comments Comment[]',
      '}',
      '',
      'model Comment {',
      '  id     Int  @id',
      '  postId Int',
      '  post   Post @relation(fields: [postId], references: [id])',
      '',
      '  @@index([postId])',
      '}',
    ].join('\n'),
    good: [
      'model Post {',
      '  id       Int       @id',
      '  comments Comment[]',
      '}',
      '',
      'model Comment {',
      '  id     Int  @id',
      '  postId Int',
      '  post   Post @relation(fields: [postId], references: [id], onDelete: Cascade)',
      '',
      '  @@index([postId])',
      '}',
    ].join('\n'),
    fixSafety:
      'Two fixes, both offered one at a time. `onDelete: Cascade` is unsafe: deleting a parent then deletes its children. Writing out the current default (`onDelete: Restrict`, `NoAction` on SQL Server) changes neither the database nor any query, but it records a decision, so it is never applied by "fix all": that would silence the rule without anyone choosing.',
  },
  checkModel({ schema, model, text, relations }) {
    if (model.kind !== 'model') return [];
    const findings: RuleFinding[] = [];
    for (const relation of relations) {
      const attribute = relation.field.relation;
      if (!attribute || attribute.onDelete !== undefined) continue;
      if (relation.fkFields.length === 0 || relation.fkFields.some((field) => field.isOptional)) continue;
      findings.push(findingFor(schema, relation, text));
    }
    return findings;
  },
});

function findingFor(schema: PrismaSchema, relation: Relation, text: string): RuleFinding {
  const { model, field, target } = relation;
  const attribute = field.relation!;
  const restrict = schema.datasource?.provider === 'sqlserver' ? 'NoAction' : 'Restrict';
  const children = relation.opposite ? `its "${relation.opposite.name}"` : `its "${model.name}" rows`;
  const fixes: Fix[] = [];
  const extent = attributeExtent(text, attribute.span);
  const close = extent.end - 1;
  if (extent.end > attribute.span.end && text[close] === ')') {
    const insert = (action: string): { uri: string; start: number; end: number; text: string } => ({ uri: model.uri, start: close, end: close, text: `, onDelete: ${action}` });
    fixes.push({ title: `Delete ${model.name} rows with their ${target.name} (onDelete: Cascade)`, applicability: 'unsafe', edits: [insert('Cascade')] });
    // Meaning-preserving, yet not for bulk fixing: applied on save it would record a choice nobody made.
    fixes.push({ title: `Keep blocking the delete, written out (onDelete: ${restrict})`, applicability: 'unsafe', edits: [insert(restrict)] });
  }
  return {
    uri: model.uri,
    span: field.nameSpan,
    message: `${capitalize(article(target.name))} "${target.name}" that still has ${children} cannot be deleted: "${model.name}.${field.name}" has no "onDelete".`,
    help: `Add "onDelete: Cascade" to delete ${children} with it, or "onDelete: ${restrict}" to block the delete on purpose (the default for a required relation).`,
    ...(fixes.length ? { fixes } : {}),
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function article(name: string): string {
  return /^(?:[AEIO]|U(?!s|ni))/.test(name) ? 'an' : 'a';
}
