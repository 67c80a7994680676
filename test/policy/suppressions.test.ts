import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applySuppressions, ignoreLineEdit, parseSuppressions } from '../../server/src/analysis/policy/suppressions';
import type { Finding } from '../../server/src/analysis/rules/types';

function findingAt(text: string, needle: string, ruleId = 'n-plus-one'): Finding {
  const start = text.indexOf(needle);
  assert.ok(start >= 0, `fixture lacks ${needle}`);
  return { uri: 'file:///a.ts', span: { start, end: start + needle.length }, message: 'm', help: 'h', ruleId, severity: 'warning' };
}

describe('suppressions', () => {
  it('silences the rule on the next code line, with a reason', () => {
    const text = 'for (const u of users) {\n  // prisma-lens-ignore n-plus-one: at most three users here\n  await prisma.post.findMany();\n}\n';
    const outcome = applySuppressions([findingAt(text, 'prisma.post.findMany')], text, 'typescript');
    assert.equal(outcome.kept.length, 0);
    assert.equal(outcome.suppressed.length, 1);
    assert.deepEqual(outcome.unused, []);
  });

  it('does not silence another rule, nor a finding two lines further', () => {
    const text = '// prisma-lens-ignore n-plus-one: reason\nconst a = 1;\nawait prisma.post.findMany();\n';
    const outcome = applySuppressions([findingAt(text, 'prisma.post.findMany'), findingAt(text, 'const a', 'lost-update')], text, 'typescript');
    assert.equal(outcome.kept.length, 2);
    assert.deepEqual(outcome.unused.map((u) => u.rule), ['n-plus-one']);
  });

  it('stacks over blank and comment lines, and covers a trailing comment on the same line', () => {
    const text = '// prisma-lens-ignore n-plus-one: one\n\n// another comment\nawait q(); await prisma.x.findMany(); // prisma-lens-ignore lost-update: two\n';
    const outcome = applySuppressions([findingAt(text, 'prisma.x.findMany'), findingAt(text, 'await q()', 'lost-update')], text, 'typescript');
    assert.equal(outcome.kept.length, 0);
    assert.deepEqual(outcome.unused, []);
  });

  it('requires a reason: without one the finding stays and the comment is reported', () => {
    const text = '// prisma-lens-ignore n-plus-one\nawait prisma.post.findMany();\n';
    const outcome = applySuppressions([findingAt(text, 'prisma.post.findMany')], text, 'typescript');
    assert.equal(outcome.kept.length, 1);
    assert.equal(outcome.invalid.length, 1);
    assert.match(outcome.invalid[0]!.message, /no reason/);
  });

  it('has a file-level form and several rules in one comment', () => {
    const text = '// prisma-lens-ignore-file n-plus-one, lost-update: seed script, runs once\nawait a();\nawait prisma.post.findMany();\n';
    const outcome = applySuppressions([findingAt(text, 'prisma.post.findMany')], text, 'typescript');
    assert.equal(outcome.kept.length, 0);
    assert.deepEqual(outcome.unused.map((u) => u.rule), ['lost-update']);
    assert.equal(text.slice(outcome.unused[0]!.span.start, outcome.unused[0]!.span.end), 'lost-update');
  });

  it('uses -- in SQL and ignores // there, and ignores the keyword inside strings', () => {
    const sql = '-- prisma-lens-ignore ban-drop-column: column unused since v2\nALTER TABLE "User" DROP COLUMN "legacy";\n';
    assert.equal(applySuppressions([findingAt(sql, 'ALTER TABLE', 'ban-drop-column')], sql, 'sql').kept.length, 0);
    assert.equal(parseSuppressions('// prisma-lens-ignore ban-drop-column: x\n', 'sql').suppressions.length, 0);
    assert.equal(parseSuppressions('const s = "prisma-lens-ignore n-plus-one: x";\n', 'typescript').suppressions.length, 0);
  });

  it('ignores the marker written inside a JSDoc comment, a block comment or a string literal, but not a JSX comment', () => {
    const jsdoc = '/**\n * Silence a finding with `// prisma-lens-ignore n-plus-one` above the line.\n * // prisma-lens-ignore-file\n */\nexport const a = 1;\n';
    assert.deepEqual(parseSuppressions(jsdoc, 'typescript'), { suppressions: [], invalid: [] });
    const block = '/* Example:\n   // prisma-lens-ignore n-plus-one\n*/\nawait prisma.post.findMany();\n';
    assert.deepEqual(parseSuppressions(block, 'typescript'), { suppressions: [], invalid: [] });
    const strings = 'const help = "write // prisma-lens-ignore <rule>: <reason>";\nconst t = `// prisma-lens-ignore n-plus-one`;\n';
    assert.deepEqual(parseSuppressions(strings, 'typescript'), { suppressions: [], invalid: [] });
    const sql = "SELECT '-- prisma-lens-ignore ban-drop-column';\n";
    assert.deepEqual(parseSuppressions(sql, 'sql'), { suppressions: [], invalid: [] });
    // The neighbours: a real comment after a closed block comment and after a string, and a JSX comment.
    const real = '/** Loads posts. */\nconst s = "a"; // prisma-lens-ignore n-plus-one: three at most\n{/* // prisma-lens-ignore lost-update: single writer */}\n// prisma-lens-ignore n-plus-one\n';
    const parsed = parseSuppressions(real, 'typescript');
    assert.deepEqual(parsed.suppressions.map((suppression) => suppression.rules), [['n-plus-one'], ['lost-update']]);
    assert.equal(parsed.suppressions[1]!.reason, 'single writer');
    assert.equal(parsed.invalid.length, 1);
  });

  it('works in Prisma schema files with CRLF line ends', () => {
    const text = 'model Post {\r\n  // prisma-lens-ignore missing-fk-index: tiny table\r\n  authorId Int\r\n}\r\n';
    const outcome = applySuppressions([findingAt(text, 'authorId', 'missing-fk-index')], text, 'prisma');
    assert.equal(outcome.kept.length, 0);
    assert.equal(parseSuppressions(text, 'prisma').suppressions[0]!.reason, 'tiny table');
  });

  it('builds the "Ignore for this line" edit with the line indent and line ending', () => {
    const text = 'model Post {\r\n  authorId Int\r\n}\r\n';
    const edit = ignoreLineEdit(text, text.indexOf('authorId') + 3, 'missing-fk-index', 'prisma');
    const after = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
    assert.equal(after, 'model Post {\r\n  // prisma-lens-ignore missing-fk-index: <reason>\r\n  authorId Int\r\n}\r\n');
    const outcome = applySuppressions([findingAt(after, 'authorId', 'missing-fk-index')], after, 'prisma');
    assert.equal(outcome.kept.length, 0);
  });
});
