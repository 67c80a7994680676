/**
 * Per-model rules keep their findings per model between analyses (`ModelFindingsCache`): whatever
 * the edit, the findings must equal those of an analysis that checks every model again.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { ModelFindingsCache } from '../../server/src/analysis/model-findings-cache';
import { rules } from '../../server/src/analysis/rules/index';
import { defineModelRule, isSchemaRule, type Finding } from '../../server/src/analysis/rules/types';
import { LineIndex } from '../../server/src/analysis/text';
import { toLeanDiagnostic } from '../../server/src/lsp/convert';

const EXAMPLE = readFileSync(join(__dirname, '..', '..', 'examples', 'blog', 'prisma', 'schema.prisma'), 'utf8');

/** Every schema rule, those off by default too. */
const SCHEMA_RULES = rules.filter(isSchemaRule);

/** A schema on which every per-model rule reports something. */
const BUSY = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id      Int      @id @default(autoincrement())
  email   String   @unique
  role    String   // admin, editor, viewer
  balance Float
  born    DateTime
  posts   Post[]
  orders  Order[]
  @@index([email])
}

model Post {
  id       Int    @id @default(autoincrement())
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
  status   String // draft | published
  tags     PostTag[]
}

model Tag {
  id    Int       @id
  posts PostTag[]
}

model PostTag {
  postId Int
  tagId  Int
  post   Post @relation(fields: [postId], references: [id])
  tag    Tag  @relation(fields: [tagId], references: [id])
  @@id([postId, tagId])
}

model Order {
  id     Int   @id
  userId Int?
  user   User? @relation(fields: [userId], references: [id])
  total  Float
  price  Float
  @@index([userId, id])
  @@index([userId])
}
`;

/** Pieces a user types or deletes, among them ones that change names, relations, enums and the provider. */
const SNIPPETS = [
  '}',
  '{',
  '\n',
  ' ',
  'x',
  '//',
  '\r\n',
  '  fee Float\n',
  '  @@index([authorId])\n',
  '  ownerId Int\n  owner User @relation(fields: [ownerId], references: [id])\n',
  '\nmodel Extra {\n  id Int @id\n  userId Int\n  user User @relation(fields: [userId], references: [id])\n}\n',
  '\nenum UserRole {\n  admin\n  editor\n  viewer\n}\n',
  '\nmodel UserRole {\n  id Int @id\n}\n',
  'datasource db {\n  provider = "mysql"\n  relationMode = "prisma"\n}\n',
  '  kind String // a, b\n',
];

/** A small deterministic generator (a linear congruential one), so that a failure can be replayed. */
function randomSource(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

function comparable(findings: readonly Finding[]): string {
  return JSON.stringify(findings);
}

describe('per-model findings kept between analyses', () => {
  for (const [name, base] of [
    ['a schema every per-model rule reports on', BUSY],
    ['the example schema', EXAMPLE],
    ['the example schema with CRLF line breaks', EXAMPLE.replace(/\n/g, '\r\n')],
  ] as const) {
    it(`equal a full analysis after each of 300 random edits of ${name}`, () => {
      const random = randomSource(name.length * 7);
      const uri = `file:///cached/${name.replace(/\W+/g, '-')}.prisma`;
      const cache = new ModelFindingsCache();
      let text = base;
      let reused = 0;
      analyzeSchema([{ uri, text }], { rules: SCHEMA_RULES, modelFindings: cache });
      for (let step = 0; step < 300; step++) {
        const at = Math.floor(random() * (text.length + 1));
        const snippet = SNIPPETS[Math.floor(random() * SNIPPETS.length)]!;
        const roll = random();
        const removed = roll < 0.5 ? 0 : 1 + Math.floor(random() * 30);
        text = text.slice(0, at) + (roll < 0.5 || roll >= 0.9 ? snippet : '') + text.slice(Math.min(text.length, at + removed));
        const cached = analyzeSchema([{ uri, text }], { rules: SCHEMA_RULES, modelFindings: cache });
        reused += cache.lastReused;
        // Another URI gets a build of its own, so this one reads every block again.
        const freshUri = `file:///fresh/${name.replace(/\W+/g, '-')}-${step}.prisma`;
        const fresh = analyzeSchema([{ uri: freshUri, text }], { rules: SCHEMA_RULES });
        assert.equal(comparable(cached.findings), comparable(fresh.findings).split(freshUri).join(uri), `findings after step ${step}`);
        assert.deepEqual(cached.errors, fresh.errors);
      }
      assert.ok(reused > 0, 'findings were reused');
    });
  }

  it('checks only the edited model and the models related to it', () => {
    const uri = 'file:///cached/related.prisma';
    const cache = new ModelFindingsCache();
    const perModelRules = SCHEMA_RULES.filter((rule) => rule.perModel).length;
    const first = analyzeSchema([{ uri, text: BUSY }], { rules: SCHEMA_RULES, modelFindings: cache });
    assert.equal(cache.lastChecked, first.schema.models.length * perModelRules);
    // Post is related to User and PostTag: three models are checked again, Tag and Order are not.
    const edited = BUSY.replace('  status   String // draft | published', '  status   String // draft | published | archived');
    const second = analyzeSchema([{ uri, text: edited }], { rules: SCHEMA_RULES, modelFindings: cache });
    assert.equal(cache.lastChecked, 3 * perModelRules);
    assert.equal(cache.lastReused, 2 * perModelRules);
    assert.ok(second.findings.some((finding) => finding.ruleId === 'string-enum' && finding.message.includes('archived')));
    // Models after the edit moved; their findings moved with them.
    const order = second.findings.find((finding) => finding.ruleId === 'redundant-index' && finding.message.includes('"Order"'))!;
    assert.equal(edited.slice(order.span.start, order.span.end), '@@index([userId])');
  });

  it('checks every model again when the datasource changes', () => {
    const uri = 'file:///cached/provider.prisma';
    const cache = new ModelFindingsCache();
    analyzeSchema([{ uri, text: BUSY }], { rules: SCHEMA_RULES, modelFindings: cache });
    const mysql = analyzeSchema([{ uri, text: BUSY.replace('"postgresql"', '"mysql"') }], { rules: SCHEMA_RULES, modelFindings: cache });
    assert.equal(cache.lastReused, 0);
    assert.ok(!mysql.findings.some((finding) => finding.ruleId === 'missing-fk-index'), 'MySQL indexes its foreign keys');
  });

  it('keeps the findings of each file of a multi-file schema', () => {
    const [head, tail] = [BUSY.slice(0, BUSY.indexOf('model Tag')), BUSY.slice(BUSY.indexOf('model Tag'))];
    const files = (second: string) => [
      { uri: 'file:///cached/multi/a.prisma', text: head },
      { uri: 'file:///cached/multi/b.prisma', text: second },
    ];
    const cache = new ModelFindingsCache();
    analyzeSchema(files(tail), { rules: SCHEMA_RULES, modelFindings: cache });
    const editedTail = tail.replace('  price  Float\n', '  price  Float\n  fee    Float\n');
    const cached = analyzeSchema(files(editedTail), { rules: SCHEMA_RULES, modelFindings: cache });
    const fresh = analyzeSchema(
      files(editedTail).map((file) => ({ ...file, uri: file.uri.replace('/cached/', '/fresh/') })),
      { rules: SCHEMA_RULES },
    );
    assert.equal(comparable(cached.findings), comparable(fresh.findings).split('/fresh/').join('/cached/'));
    assert.ok(cache.lastReused > 0);
  });

  it('reports a rule that throws on one model once, and keeps the findings of the other models and rules', () => {
    const fragile = defineModelRule({
      id: 'fragile',
      appliesTo: ['prisma'],
      severity: 'hint',
      docs: { summary: '', why: '', bad: '', good: '', fixSafety: '' },
      checkModel({ model }) {
        if (model.name === 'Tag') throw new Error('cannot read Tag');
        return [{ uri: model.uri, span: model.nameSpan, message: `saw ${model.name}`, help: '' }];
      },
    });
    const cache = new ModelFindingsCache();
    const cached = analyzeSchema([{ uri: 'file:///cached/fragile.prisma', text: BUSY }], { rules: [...SCHEMA_RULES, fragile], modelFindings: cache });
    assert.equal(cached.errors.length, 1);
    assert.match(cached.errors[0]!, /^fragile: Error: cannot read Tag/);
    assert.deepEqual(
      cached.findings.filter((finding) => finding.ruleId === 'fragile').map((finding) => finding.message),
      ['saw User', 'saw Post', 'saw PostTag', 'saw Order'],
    );
    assert.ok(cached.findings.some((finding) => finding.ruleId === 'missing-fk-index'));
  });

  it('follows the rules of each run: a rule turned off, another turned to another level, both back', () => {
    const uri = 'file:///cached/levels.prisma';
    const cache = new ModelFindingsCache();
    const variants = [
      SCHEMA_RULES,
      SCHEMA_RULES.filter((rule) => rule.id !== 'float-money'),
      SCHEMA_RULES.filter((rule) => rule.id !== 'float-money').map((rule) => (rule.id === 'missing-fk-index' ? { ...rule, severity: 'error' as const } : rule)),
      SCHEMA_RULES,
    ];
    for (const [step, variant] of variants.entries()) {
      const cached = analyzeSchema([{ uri, text: BUSY }], { rules: variant, modelFindings: cache });
      const fresh = analyzeSchema([{ uri: 'file:///fresh/levels.prisma', text: BUSY }], { rules: variant });
      assert.equal(comparable(cached.findings), comparable(fresh.findings).split('file:///fresh/').join('file:///cached/'), `run ${step}`);
    }
  });

  it('gives kept and moved findings the diagnostics a fresh conversion gives, edit after edit', () => {
    const random = randomSource(5);
    const uri = 'file:///cached/diagnostics.prisma';
    const cache = new ModelFindingsCache();
    // Two copies of the schema (the second with its models renamed), so that edits move many findings.
    let text = BUSY + BUSY.replace(/model (\w+)/g, 'model $1Two').replace(/(\s)(User|Post|Tag|PostTag|Order)(\??[\s\[])/g, '$1$2Two$3');
    let lines = new LineIndex(text);
    let reusedObjects = 0;
    let previous = new Set<unknown>();
    for (let step = 0; step < 200; step++) {
      const at = Math.floor(random() * (text.length + 1));
      const snippet = SNIPPETS[Math.floor(random() * SNIPPETS.length)]!;
      text = random() < 0.6 ? text.slice(0, at) + snippet + text.slice(at) : text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(random() * 20)));
      lines = LineIndex.forEditedText(lines, text);
      const fresh = new LineIndex(text);
      const findings = analyzeSchema([{ uri, text }], { rules: SCHEMA_RULES, modelFindings: cache }).findings;
      const diagnostics = findings.map((finding) => toLeanDiagnostic(finding, lines));
      for (const [i, finding] of findings.entries()) {
        const expected = { start: fresh.positionAt(finding.span.start), end: fresh.positionAt(finding.span.end) };
        assert.deepEqual(diagnostics[i]!.range, expected, `range of ${finding.ruleId} after step ${step}`);
        assert.equal(diagnostics[i]!.message, `${finding.message}\n${finding.help}`);
        assert.equal(diagnostics[i]!.code, finding.ruleId);
      }
      reusedObjects += diagnostics.filter((diagnostic) => previous.has(diagnostic)).length;
      previous = new Set(diagnostics);
    }
    assert.ok(reusedObjects > 0, 'diagnostics were reused');
  });
});
