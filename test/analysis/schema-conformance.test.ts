/**
 * The schema model reads what Prisma reads: every fixture is read by Prisma Lens's reader and by
 * Prisma's own engine (`@prisma/prisma-schema-wasm`), and every id, unique, index, relation, table
 * and column name, `@@schema`, field, enum value, provider and relation mode must agree (see
 * test/support/dmmf-compare.ts). The fixtures are written in the shapes met in public projects'
 * schemas (bench/schema-conformance.ts runs the same comparison over those).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateSchema } from '../../bench/generate-schema';
import { compareWithPrisma, describeDisagreement, type SchemaSetFile } from '../support/dmmf-compare';
import { FIXTURE_ROOT, parseFixture } from '../support/fixture';

function filesOf(fixture: string): SchemaSetFile[] {
  return parseFixture(fixture).files.map((file) => ({ path: file.uri.slice(FIXTURE_ROOT.length), text: file.text }));
}

/** Asserts that Prisma accepts the schema, reads at least `models` models, and that both read the same. */
function assertReadAsPrismaReads(files: SchemaSetFile[], models: number): void {
  const comparison = compareWithPrisma(files);
  assert.equal(comparison.prismaError, undefined, `Prisma rejects the fixture: ${comparison.prismaError}`);
  assert.ok(comparison.models >= models, `Prisma read ${comparison.models} models, expected at least ${models}`);
  assert.deepEqual(comparison.disagreements.map(describeDisagreement), []);
}

const POSTGRES_FORMS = `
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider  = "postgresql"
  url       = env("DATABASE_URL")
  directUrl = env("DIRECT_URL")
}

/* A model commented out with a block comment is not a model:
model Retired {
  id Int @id
}
*/

/// A team, with its members.
model Team {
  id        Int       @id @default(autoincrement()) @map("team_id")
  slug      String    @unique(map: "team_slug_key") // a trailing comment
  members   Member[]
  owners    Member[]  @relation("owner")
  invites   Invite[]
  parentId  Int?      @map(name: "parent_id")
  parent    Team?     @relation("tree", fields: parentId, references: id, onDelete: SetNull, onUpdate: Cascade)
  children  Team[]    @relation("tree")
  tags      Tag[]

  @@map(name: "teams")
}

model Member {
  id        Int      @default(autoincrement())
  teamId    Int      @map("team_id")
  ownerOfId Int?
  email     String
  handle    String
  /**
   * When the member joined { braces and "quotes" inside the comment }
   */
  joinedAt  DateTime @default(now()) @db.Timestamptz(3)
  /* an inline block comment */ score Int @default(0)
  team      Team     @relation(fields: teamId, references: id, onDelete: Cascade)
  ownerOf   Team?    @relation("owner", fields: [ownerOfId], references: [id])
  profile   Profile?

  @@id(id)
  @@unique(fields: [teamId, email], name: "team_email", map: "member_team_email_key")
  @@unique(handle)
  @@index(teamId)
  @@index(fields: email)
  @@index(joinedAt(sort: Desc))
  @@index([ownerOfId], name: "member_owner_idx")
  @@index([teamId, joinedAt(sort: Desc), score], map: "member_team_recent") // newest members first
  @@index([handle], type: Hash, map: "member_handle_hash")
  @@map("members")
}

model Profile {
  memberId Int    @id @map("member_id")
  bio      String
  member   Member @relation(fields: [memberId], references: [id])
}

model Invite {
  teamId Int
  email  String
  token  String @unique
  team   Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)

  @@id([teamId, email], name: "invite_key", map: "invite_pk")
}

model Tag { // a comment after the brace
  id    Int    @id
  name  String
  teams Team[]
}

model Legacy {
  id       Int @id
  memberId Int

  @@index([memberId])
  @@ignore
}

model Place {
  id       Int                      @id
  location Unsupported("geography") @map("loc")
  legacy   String?                  @ignore
}

enum Role {
  OWNER  @map("owner")
  MEMBER // a trailing comment on a value

  @@map("role")
}
`;

const MYSQL_PLANETSCALE = `
datasource db {
  provider     = "mysql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model Link {
  id        String   @id @default(cuid())
  projectId String
  url       String   @db.Text
  domain    String
  key       String
  title     String   @unique(length: 100, sort: Desc)
  project   Project  @relation(fields: [projectId], references: [id], onDelete: Cascade)

  @@unique([domain, key])
  @@index([projectId, url(length: 500)]) // for finding a link by URL
  @@index([domain(sort: Desc), key(length: 20)], map: "link_domain_key")
  @@fulltext([title, domain], map: "link_search")
}

model Project {
  id    String @id @default(cuid())
  links Link[]
}
`;

const MYSQL_LEGACY_RELATION_MODE = `
datasource db {
  provider             = "mysql"
  url                  = env("DATABASE_URL")
  referentialIntegrity = "prisma"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])

  @@index([authorId])
}
`;

const SQLSERVER = `
datasource db {
  provider = "sqlserver"
  url      = env("DATABASE_URL")
}

model Ledger {
  id      Int     @id(sort: Desc, clustered: false, map: "ledger_pk")
  code    String  @unique(sort: Desc)
  entries Entry[]
}

model Entry {
  ledgerId Int
  line     Int
  amount   Decimal
  ledger   Ledger  @relation(fields: [ledgerId], references: [id], onDelete: NoAction, onUpdate: NoAction)

  @@id([ledgerId, line(sort: Desc)], clustered: true)
  @@index([amount(sort: Desc)], clustered: false)
}
`;

const MONGODB = `
datasource db {
  provider = "mongodb"
  url      = env("DATABASE_URL")
}

type Address {
  street String @map("st")
  number Int
  geo    Geo?
}

type Geo {
  lat Float
  lng Float
}

model Person {
  id              String    @id @default(auto()) @map("_id") @db.ObjectId
  email           String    @unique
  addresses       Address[]
  home            Address?
  groupIds        String[]  @db.ObjectId
  groups          Group[]   @relation(fields: [groupIds], references: [id])
  seenMessageIds  String[]  @db.ObjectId
  seenMessages    Message[] @relation("seen", fields: [seenMessageIds], references: [id])
  messages        Message[] @relation("sender")
  followingIds    String[]  @db.ObjectId
  following       Person[]  @relation("follows", fields: [followingIds], references: [id])
  followerIds     String[]  @db.ObjectId
  followers       Person[]  @relation("follows", fields: [followerIds], references: [id])

  @@unique([addresses.number])
  @@index([addresses.street, home.geo.lat])
  @@map("people")
}

model Group {
  id        String   @id @default(auto()) @map("_id") @db.ObjectId
  personIds String[] @db.ObjectId
  people    Person[] @relation(fields: [personIds], references: [id])
}

model Message {
  id       String   @id @default(auto()) @map("_id") @db.ObjectId
  senderId String   @db.ObjectId
  sender   Person   @relation("sender", fields: [senderId], references: [id], onDelete: Cascade)
  seenIds  String[] @db.ObjectId
  seen     Person[] @relation("seen", fields: [seenIds], references: [id])
}
`;

const MULTI_SCHEMA_VIEWS = `
generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views"]
}

datasource db {
  provider = "postgres"
  url      = env("DATABASE_URL")
  schemas  = ["auth", "public"]
}

model AuthUser {
  id      String    @id @db.Uuid
  email   String?
  profile Profile[]

  @@map("users")
  @@schema("auth")
}

model Profile {
  id     Int      @id @default(autoincrement())
  userId String   @map("user_id") @db.Uuid
  user   AuthUser @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
  @@map("profiles")
  @@schema("public")
}

view ProfileSummary {
  userId String @unique @map("user_id")
  email  String

  @@map("profile_summary")
  @@schema("public")
}

enum Plan {
  FREE
  PRO

  @@map("plan")
  @@schema("public")
}
`;

const MULTI_FILE = `
//- prisma/schema/schema.prisma
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
//- prisma/schema/workspace.prisma
model Workspace {
  id      String    @id @default(cuid())
  slug    String    @unique
  folders Folder[]
  members Membership[]
}

model Membership {
  workspaceId String
  userId      String
  workspace   Workspace @relation(fields: [workspaceId], references: [id], onDelete: Cascade)

  @@id([workspaceId, userId])
  @@index(userId)
}
//- prisma/schema/folder.prisma
model Folder {
  id          String    @id @default(cuid())
  workspaceId String
  parentId    String?
  workspace   Workspace @relation(fields: [workspaceId], references: [id], onDelete: Cascade)
  parent      Folder?   @relation("nested", fields: [parentId], references: [id])
  children    Folder[]  @relation("nested")

  @@unique([workspaceId, parentId], map: "folder_unique_parent")
  @@index([parentId])
}
`;

const SQLITE_AND_COCKROACH = [
  `
datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

model Post {
  id       Int    @id @default(autoincrement())
  authorId Int
  author   User   @relation(fields: authorId, references: id)

  @@index(authorId)
}

model User {
  id    Int    @id @default(autoincrement())
  posts Post[]
}
`,
  `
datasource db {
  provider = "cockroachdb"
  url      = env("DATABASE_URL")
}

model Account {
  id       BigInt    @id @default(autoincrement())
  balance  Decimal
  transfers Transfer[]
}

model Transfer {
  id        BigInt  @id @default(autoincrement())
  accountId BigInt
  account   Account @relation(fields: [accountId], references: [id])

  @@index([accountId, id(sort: Desc)])
}
`,
];

describe('the schema model reads what Prisma reads', () => {
  test('PostgreSQL: bracket-less lists, named and mapped keys, block comments, @@ignore, Unsupported', () => {
    assertReadAsPrismaReads(filesOf(POSTGRES_FORMS), 6);
  });

  test('MySQL with relationMode "prisma": index lengths and sort on @unique, @@fulltext', () => {
    assertReadAsPrismaReads(filesOf(MYSQL_PLANETSCALE), 2);
  });

  test('MySQL with the legacy referentialIntegrity setting', () => {
    assertReadAsPrismaReads(filesOf(MYSQL_LEGACY_RELATION_MODE), 2);
  });

  test('SQL Server: sort and clustered on @id, @unique, @@id and @@index', () => {
    assertReadAsPrismaReads(filesOf(SQLSERVER), 2);
  });

  test('MongoDB: composite types, index paths into them, many-to-many with keys on both sides, relation mode', () => {
    assertReadAsPrismaReads(filesOf(MONGODB), 5);
  });

  test('several database schemas, views, and the provider "postgres"', () => {
    assertReadAsPrismaReads(filesOf(MULTI_SCHEMA_VIEWS), 3);
  });

  test('a schema in several files', () => {
    assertReadAsPrismaReads(filesOf(MULTI_FILE), 3);
  });

  test('SQLite and CockroachDB', () => {
    for (const fixture of SQLITE_AND_COCKROACH) assertReadAsPrismaReads(filesOf(fixture), 2);
  });

  test('a generated bench schema', () => {
    assertReadAsPrismaReads([{ path: 'schema.prisma', text: generateSchema(80).text }], 80);
  });
});
