/**
 * Every playbook rule, off-by-default ones included, over the marketplace app in
 * test/corpus/playbook-app: the complete list of findings, each one judged right by review.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeCode, analyzeSchema } from '../../server/src/analysis/analyze';
import { workspaceQueries } from '../../server/src/analysis/facts/workspace-facts';
import { rules } from '../../server/src/analysis/rules/index';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { LineIndex } from '../../server/src/analysis/text';

const APP = join(__dirname, '..', 'corpus', 'playbook-app');
const PLAYBOOK = new Set([
  'float-money', 'redundant-index', 'cascade-missing', 'string-enum', 'timestamp-without-timezone', 'missing-timestamps',
  'raw-query-injection', 'prisma-client-per-call', 'unbounded-find-many', 'deep-offset-pagination', 'lost-update',
  'missing-transaction', 'plaintext-secret', 'unindexed-query', 'unused-index',
]);

/** `file:line rule`, one per finding. */
const EXPECTED = [
  'prisma/schema.prisma:24 string-enum', // role: buyer, seller, admin
  'prisma/schema.prisma:36 redundant-index', // @@index([email]) beside @unique
  'prisma/schema.prisma:37 unused-index', // no query reads User by createdAt
  'prisma/schema.prisma:40 missing-timestamps', // Session
  'prisma/schema.prisma:50 missing-timestamps', // ApiKey: no updatedAt
  'prisma/schema.prisma:61 missing-timestamps', // Category
  'prisma/schema.prisma:72 cascade-missing', // Store.owner
  'prisma/schema.prisma:74 float-money', // Store.balance (payoutFee, a ratio, is not reported)
  'prisma/schema.prisma:92 string-enum', // status: draft | active | archived
  'prisma/schema.prisma:100 redundant-index', // @@index([storeId]) beside [storeId, createdAt]
  'prisma/schema.prisma:107 cascade-missing', // Order.buyer
  'prisma/schema.prisma:109 float-money', // Order.total
  'prisma/schema.prisma:118 missing-timestamps', // OrderItem
  'prisma/schema.prisma:123 cascade-missing', // OrderItem.product
  'prisma/schema.prisma:134 cascade-missing', // Payment.order
  'prisma/schema.prisma:142 missing-timestamps', // Wallet: no createdAt
  'prisma/schema.prisma:151 missing-timestamps', // Review: no updatedAt
  'prisma/schema.prisma:165 missing-timestamps', // AuditLog: no updatedAt
  'src/app/api/admin/route.ts:8 unbounded-find-many', // every user
  'src/app/api/orders/route.ts:23 missing-transaction', // order then its items
  'src/app/api/products/route.ts:12 unindexed-query', // status + createdAt sort
  'src/app/api/products/route.ts:15 deep-offset-pagination', // (page - 1) * PAGE_SIZE
  'src/app/api/products/search.ts:9 raw-query-injection', // ILIKE '%${q}%'
  'src/jobs/cleanup.ts:8 unindexed-query', // Session.expires
  'src/jobs/cleanup.ts:9 unindexed-query', // Product.status + updatedAt
  'src/jobs/cleanup.ts:12 unindexed-query', // Order.createdAt without buyerId
  'src/routes/webhooks.ts:9 prisma-client-per-call', // new PrismaClient per webhook
  'src/services/auth.ts:24 plaintext-secret', // reset token stored as generated
  'src/services/auth.ts:29 unindexed-query', // lookup by resetToken
  'src/services/stores.ts:30 unindexed-query', // rating range + sort
  'src/services/wallet.ts:13 lost-update', // wallet.balance.minus(order.total)
  'src/services/wallet.ts:15 lost-update', // store.balance + …, the store loaded through include
  'src/services/wallet.ts:45 missing-transaction', // refund moves balance between rows
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
}

describe('playbook rules on the marketplace app', () => {
  it('report exactly the reviewed findings', () => {
    const paths = files(APP);
    const read = (path: string) => ({ uri: `file://${path}`, text: readFileSync(path, 'utf8') });
    const schemaFiles = paths.filter((path) => path.endsWith('.prisma')).map(read);
    const codeFiles = paths.filter((path) => path.endsWith('.ts')).map(read);
    const playbook = rules.filter((rule) => PLAYBOOK.has(rule.id));
    assert.equal(playbook.length, PLAYBOOK.size);
    const schema = buildSchema(schemaFiles);
    const queries = codeFiles.flatMap((file) => workspaceQueries(analyzeCode(file, schema, { rules: [] }).querySites, schema));
    const findings = [
      ...analyzeSchema(schemaFiles, { rules: playbook, facts: { queries } }).findings,
      ...codeFiles.flatMap((file) => analyzeCode(file, schema, { rules: playbook }).findings),
    ];
    const texts = new Map([...schemaFiles, ...codeFiles].map((file) => [file.uri, file.text]));
    const actual = findings.map((finding) => {
      const line = new LineIndex(texts.get(finding.uri)!).positionAt(finding.span.start).line + 1;
      return `${relative(APP, finding.uri.slice('file://'.length))}:${line} ${finding.ruleId}`;
    });
    assert.deepEqual(actual.sort(), [...EXPECTED].sort());
  });

  it('never throw on half-typed files: every prefix of every file, cut every 23 characters', () => {
    const paths = files(APP);
    const playbook = rules.filter((rule) => PLAYBOOK.has(rule.id));
    const schemaText = readFileSync(paths.find((path) => path.endsWith('.prisma'))!, 'utf8');
    const fullSchema = buildSchema([{ uri: 'file:///app/schema.prisma', text: schemaText }]);
    for (const path of paths) {
      const text = readFileSync(path, 'utf8');
      for (let cut = 0; cut < text.length; cut += 23) {
        const partial = text.slice(0, cut);
        if (path.endsWith('.prisma')) {
          assert.deepEqual(analyzeSchema([{ uri: 'file:///app/schema.prisma', text: partial }], { rules: playbook, facts: { queries: [] } }).errors, [], `${path} cut at ${cut}`);
        } else {
          assert.deepEqual(analyzeCode({ uri: `file://${path}`, text: partial }, fullSchema, { rules: playbook }).errors, [], `${path} cut at ${cut}`);
        }
      }
    }
  });
});
