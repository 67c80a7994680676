/**
 * Every form Prisma accepts for the fields of `@@index`, `@@unique` and `@@id`, the bracket-less
 * single field included (`@@index(teamId)`, `@@index(fields: teamId)`), is read as Prisma reads it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildSchema } from '../../server/src/analysis/schema/build';
import missingFkIndex from '../../server/src/analysis/rules/missing-fk-index';
import redundantIndex from '../../server/src/analysis/rules/redundant-index';
import { check } from '../support/fixture';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Team {
  id      Int      @id
  members Member[]
}

model Member {
  id        Int      @default(autoincrement())
  teamId    Int
  email     String
  createdAt DateTime
  team      Team     @relation(fields: teamId, references: id)

  @@id(id)
  @@index(teamId)
  @@index(fields: email)
  @@index(createdAt(sort: Desc))
  @@index(fields: [teamId, email], map: "member_team_email")
  @@unique(email, name: "one_email")
}
`;

describe('index field lists', () => {
  test('bracket-less single fields, named fields and sort options', () => {
    const schema = buildSchema([{ uri: 'file:///schema.prisma', text: SCHEMA }]);
    const member = schema.models.find((model) => model.name === 'Member')!;
    const indexes = member.indexes.map((index) => [index.kind, index.fields.map((field) => `${field.name}${field.sort ? `:${field.sort}` : ''}`).join(','), index.map ?? index.name ?? '']);
    assert.deepEqual(indexes, [
      ['id', 'id', ''],
      ['index', 'teamId', ''],
      ['index', 'email', ''],
      ['index', 'createdAt:Desc', ''],
      ['index', 'teamId,email', 'member_team_email'],
      ['unique', 'email', 'one_email'],
    ]);
    const team = member.fields.find((field) => field.name === 'team')!;
    assert.deepEqual([team.relation?.fields, team.relation?.references], [['teamId'], ['id']]);
  });
});

describe('rules on bracket-less index lists', () => {
  test('missing-fk-index: @@index(teamId) covers the key; redundant-index: it is not an empty index', () => {
    check([missingFkIndex, redundantIndex], `
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
model Team {
  id      Int      @id
  members Member[]
  invites Invite[]
}
model Member {
  id     Int  @id
  teamId Int
  team   Team @relation(fields: teamId, references: id)
  @@index(teamId)
}
model Invite {
  id     Int  @id
  teamId Int
  team   Team @relation(fields: [teamId], references: [id])
  @@index(fields: teamId)
  @@index(fields: id)
//^^^^^^^^^^^^^^^^^^^ info: "Invite" maintains a redundant "@@index([id])": the primary key "id"
}
`);
  });
});
