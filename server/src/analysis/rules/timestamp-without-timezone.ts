/** Flags PostgreSQL `DateTime` fields stored as `timestamp` (without time zone) rather than `timestamptz`. */
import { appendToFieldEdit } from '../facts/schema-edits';
import { fieldTypeSpan, nativeType } from '../facts/schema-text';
import { defineModelRule, type RuleFinding } from './types';

/** Native types that either carry a zone or have none to lose (a calendar date, a time of day). */
const NOT_A_LOCAL_TIMESTAMP = /^(?:Timestamptz|Date|Time|Timetz)\b/;

export default defineModelRule({
  id: 'timestamp-without-timezone',
  appliesTo: ['prisma'],
  severity: 'info',
  enabledByDefault: false,
  docs: {
    summary: 'PostgreSQL `DateTime` fields without `@db.Timestamptz`, stored as `timestamp without time zone`.',
    why: [
      'On PostgreSQL and CockroachDB, Prisma stores a `DateTime` as `timestamp(3)`, a wall-clock time with no zone. Prisma Client always writes and reads it as UTC, so Prisma alone stays consistent; everything else does not: `now()` and `CURRENT_TIMESTAMP` in SQL (raw queries, migrations, triggers, column defaults used by other writers) are converted to the session\'s `TimeZone` before being stored, reporting tools and other services read the value as local time, and `AT TIME ZONE` means the opposite of what it does on `timestamptz`.',
      '`timestamptz` stores an instant (as UTC internally) and converts on the way in and out, so every client agrees on which moment a row means. It costs the same 8 bytes.',
      'Off by default: a schema that only Prisma reads, on a database whose time zone is UTC, does not suffer from it. `@db.Date`, `@db.Time` and `@db.Timetz` fields are left alone.',
    ].join('\n\n'),
    bad: ['model Event {', '  id        Int      @id', '  startsAt  DateTime', '}'].join('\n'),
    good: ['model Event {', '  id        Int      @id', '  startsAt  DateTime @db.Timestamptz(3)', '}'].join('\n'),
    fixSafety:
      'Unsafe: the migration runs `ALTER COLUMN … TYPE timestamptz`, which reads existing values in the session\'s time zone (correct only when it is UTC, as Prisma wrote them) and, before PostgreSQL 12 or outside UTC, rewrites the table under an exclusive lock.',
  },
  checkModel({ schema, model, text }) {
    const provider = schema.datasource?.provider;
    if ((provider !== 'postgresql' && provider !== 'cockroachdb') || model.kind !== 'model') return [];
    const findings: RuleFinding[] = [];
    for (const field of model.fields) {
      if (field.type !== 'DateTime') continue;
      const native = nativeType(field);
      if (native && NOT_A_LOCAL_TIMESTAMP.test(native)) continue;
      const span = fieldTypeSpan(text, field) ?? field.nameSpan;
      const fix = native === undefined ? [{ title: `Store ${model.name}.${field.name} as timestamptz`, applicability: 'unsafe' as const, edits: [appendToFieldEdit(model, field, text, '@db.Timestamptz(3)')] }] : [];
      findings.push({
        uri: model.uri,
        span,
        message: `SQL defaults and other clients read "${model.name}.${field.name}" in their session's time zone, not UTC: it is a "timestamp without time zone".`,
        help: native === undefined ? 'Add "@db.Timestamptz(3)" to store an instant that every client reads the same way.' : `Use "@db.Timestamptz" instead of "@db.${native}".`,
        ...(fix.length ? { fixes: fix } : {}),
      });
    }
    return findings;
  },
});
