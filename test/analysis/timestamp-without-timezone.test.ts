/** Marker tests for timestamp-without-timezone (PostgreSQL, off by default). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import rule from '../../server/src/analysis/rules/timestamp-without-timezone';
import { check, checkFix } from '../support/fixture';

const POSTGRES = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}`;

describe('timestamp-without-timezone', () => {
  it('flags DateTime fields stored as timestamp on PostgreSQL', () => {
    check(rule, `
${POSTGRES}
model Event {
  id        Int       @id
  startsAt  DateTime
//          ^^^^^^^^ info: read "Event.startsAt" in their session's time zone, not UTC: it is a "timestamp without time zone".
  endsAt    DateTime?
//          ^^^^^^^^ info: "Event.endsAt"
  createdAt DateTime  @default(now())
//          ^^^^^^^^ info: "Event.createdAt"
  updatedAt DateTime  @updatedAt @map("updated_at")
//          ^^^^^^^^ info: "Event.updatedAt"
  syncedAt  DateTime  @db.Timestamp(6)
//          ^^^^^^^^ info: "Event.syncedAt"
}
`);
  });

  it('leaves alone timestamptz, dates, times, other providers, views and non-DateTime fields', () => {
    check(rule, `
${POSTGRES}
model Event {
  id        Int      @id
  startsAt  DateTime @db.Timestamptz(3)
  day       DateTime @db.Date
  opensAt   DateTime @db.Time
  closesAt  DateTime @db.Timetz(0)
  createdAt String
  at        Unsupported("timestamptz")
}
view Upcoming {
  id       Int      @unique
  startsAt DateTime
}
`);
    check(rule, `
datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}
model Event {
  id       Int      @id
  startsAt DateTime
}
`);
  });

  it('is off by default and runs when asked', () => {
    const files = [{ uri: 'file:///s.prisma', text: `${POSTGRES}\nmodel Event {\n  id Int @id\n  at DateTime\n}\n` }];
    assert.equal(analyzeSchema(files).findings.filter((finding) => finding.ruleId === rule.id).length, 0);
    assert.equal(analyzeSchema(files, { rules: [rule] }).findings.length, 1);
  });

  it('adds @db.Timestamptz(3) before the comment as an unsafe fix', () => {
    checkFix(rule, `
${POSTGRES}
model Event {
  id Int      @id
  at DateTime @default(now()) // when
}
`, `
${POSTGRES}
model Event {
  id Int      @id
  at DateTime @default(now()) @db.Timestamptz(3) // when
}
`);
  });
});
