/** The bad and good examples of each playbook rule's documentation: bad gives exactly one finding, good gives none. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeCode, analyzeSchema } from '../../server/src/analysis/analyze';
import { workspaceQueries } from '../../server/src/analysis/facts/workspace-facts';
import { rules } from '../../server/src/analysis/rules/index';
import { isSchemaRule, type Finding, type Rule } from '../../server/src/analysis/rules/types';
import { buildSchema } from '../../server/src/analysis/schema/build';

const PLAYBOOK = [
  'float-money',
  'redundant-index',
  'cascade-missing',
  'string-enum',
  'timestamp-without-timezone',
  'missing-timestamps',
  'raw-query-injection',
  'prisma-client-per-call',
  'unbounded-find-many',
  'deep-offset-pagination',
  'lost-update',
  'missing-transaction',
  'plaintext-secret',
  'unindexed-query',
  'unused-index',
];

const DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';

/** The schema the code examples run against. */
const APP_SCHEMA = `${DATASOURCE}
model User {
  id        Int      @id
  email     String   @unique
  password  String
  createdAt DateTime @default(now())
  posts     Post[]
  orders    Order[]
}
model Post {
  id        Int     @id
  authorId  Int
  author    User    @relation(fields: [authorId], references: [id])
  published Boolean

  @@index([authorId])
}
model Account {
  id      Int     @id
  balance Decimal
}
model Order {
  id     Int         @id
  userId Int
  user   User        @relation(fields: [userId], references: [id])
  items  OrderItem[]

  @@index([userId])
}
model OrderItem {
  id      Int    @id
  orderId Int
  order   Order  @relation(fields: [orderId], references: [id])
  sku     String

  @@index([orderId])
}
`;

function findingsOfExample(rule: Rule, example: string): Finding[] {
  if (isSchemaRule(rule)) {
    const schemaText = DATASOURCE + example.split('\n').filter((line) => !line.startsWith('// ')).join('\n');
    const files = [{ uri: 'file:///docs/schema.prisma', text: schemaText }];
    // unused-index reads workspace facts: the queries an example shows as `// prisma.…` lines.
    const code = example.split('\n').filter((line) => line.startsWith('// prisma.')).map((line) => `await ${line.slice(3)};`).join('\n');
    const schema = buildSchema(files);
    const queries = workspaceQueries(analyzeCode({ uri: 'file:///docs/example.ts', text: code }, schema, { rules: [] }).querySites, schema);
    const analysis = analyzeSchema(files, { rules: [rule], facts: { queries } });
    assert.deepEqual(analysis.errors, []);
    return analysis.findings;
  }
  // A code example may open with the schema it needs (`model …` up to a blank line).
  let schemaText = APP_SCHEMA;
  let code = example;
  if (example.startsWith('model ')) {
    const split = example.indexOf('\n\n');
    schemaText = DATASOURCE + example.slice(0, split);
    code = example.slice(split + 2);
  }
  const schema = buildSchema([{ uri: 'file:///docs/schema.prisma', text: schemaText }]);
  const analysis = analyzeCode({ uri: 'file:///docs/example.ts', text: code }, schema, { rules: [rule] });
  assert.deepEqual(analysis.errors, []);
  return analysis.findings;
}

describe('playbook rule documentation examples', () => {
  for (const id of PLAYBOOK) {
    const rule = rules.find((candidate) => candidate.id === id);
    it(`${id}: is registered; its bad example gives exactly one finding and its good example none`, () => {
      assert.ok(rule, `${id} is registered`);
      const bad = findingsOfExample(rule, rule.docs.bad);
      assert.equal(bad.length, 1, `bad example of ${id}: ${bad.map((finding) => finding.message).join(' | ') || 'no finding'}`);
      const good = findingsOfExample(rule, rule.docs.good);
      assert.deepEqual(good.map((finding) => finding.message), [], `good example of ${id}`);
    });
  }
});
