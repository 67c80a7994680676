/** Marker tests for string-enum: String fields whose comment lists a closed set, and comments that do not. */
import { describe, it } from 'node:test';
import rule from '../../server/src/analysis/rules/string-enum';
import { check, checkFix } from '../support/fixture';

describe('string-enum', () => {
  it('flags String fields whose comment lists the values', () => {
    check(rule, `
model User {
  id       Int     @id
  role     String  @default("user") // user, admin, moderator
//         ^^^^^^ info: "User.role" accepts any string, not just the values its comment lists ("user", "admin", "moderator").
  gender   String? // male, female, other, prefer_not_to_say
//         ^^^^^^ info: "User.gender"
  status   String  // 'active' | 'suspended' | 'deleted'
//         ^^^^^^ info: "active", "suspended", "deleted"
  /// One of: DRAFT, PUBLISHED, ARCHIVED
  state    String
//         ^^^^^^ info: "DRAFT", "PUBLISHED", "ARCHIVED"
  plan     String  @default("free") // free/pro/team
//         ^^^^^^ info: "User.plan"
  channel  String  @map("channel") // Values: email | sms
//         ^^^^^^ info: "email", "sms"
}
`);
  });

  it('leaves alone examples, prose, open code sets, non-String and list fields, and SQL Server', () => {
    check(rule, `
model User {
  id        Int      @id
  currency  String   // USD, EUR, GBP
  country   String   // ISO 3166 code, e.g. US, DE
  nickname  String   // e.g. bob, alice
  name      String   // first name, then last name
  level     Int      // 1, 2, 3
  tags      String[] // news, sports, tech
  url       String   // https://example.com/a, https://example.com/b
  notes     String   // see the wiki
  kind      String   // TODO
}
`);
    check(rule, `
datasource db {
  provider = "sqlserver"
  url      = env("DATABASE_URL")
}
model User {
  id   Int    @id
  role String // user, admin
}
`);
  });

  it('uses an existing enum with the same values', () => {
    check(rule, `
enum Role {
  user
  admin
}
model User {
  id   Int    @id
  role String // admin, user
//     ^^^^^^ info: "User.role"
}
`);
  });

  it('declares the enum and converts the default as an unsafe fix', () => {
    checkFix(
      rule,
      `
model User {
  id   Int    @id
  role String @default("user") // user, admin
}
`,
      `
model User {
  id   Int    @id
  role UserRole @default(user) // user, admin
}

enum UserRole {
  user
  admin
}
`,
    );
  });
});
