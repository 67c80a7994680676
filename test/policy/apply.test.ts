import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPolicy, type PolicyOptions } from '../../server/src/analysis/policy/apply';
import { rules } from '../../server/src/analysis/rules/index';
import type { Finding } from '../../server/src/analysis/rules/types';
import { analyzeCode } from '../../server/src/analysis/analyze';
import nPlusOne from '../../server/src/analysis/rules/n-plus-one';
import { buildSchema } from '../../server/src/analysis/schema/build';

const options: PolicyOptions = {
  ranRules: rules.filter((rule) => rule.id !== 'lost-update'),
  knownRuleIds: new Set(rules.map((rule) => rule.id)),
  unusedSeverity: 'info',
  invalidSeverity: 'warning',
};

function finding(text: string, needle: string, ruleId = 'n-plus-one'): Finding {
  const start = text.indexOf(needle);
  return { uri: 'file:///a.ts', span: { start, end: start + needle.length }, message: 'm', help: 'h', ruleId, severity: 'warning' };
}

function applyFix(text: string, edit: { start: number; end: number; text: string }): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

describe('applyPolicy', () => {
  it('passes findings through untouched when the file has no suppression', () => {
    const text = 'await prisma.post.findMany();\n';
    const result = applyPolicy([finding(text, 'prisma.post.findMany')], { uri: 'file:///a.ts', text, language: 'typescript' }, options);
    assert.equal(result.findings.length, 1);
    assert.equal(result.suppressed, 0);
  });

  it('reports a stale suppression with a safe fix that removes the whole comment line', () => {
    const text = 'const a = 1;\n  // prisma-lens-ignore n-plus-one: old loop\nconst b = 2;\n';
    const result = applyPolicy([], { uri: 'file:///a.ts', text, language: 'typescript' }, options);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['unused-suppression']);
    const fix = result.findings[0]!.fixes![0]!;
    assert.equal(fix.applicability, 'safe');
    assert.equal(applyFix(text, fix.edits[0]!), 'const a = 1;\nconst b = 2;\n');
  });

  it('removes only the stale rule of a multi-rule suppression, and a trailing comment after code', () => {
    const text = 'await prisma.post.findMany(); // prisma-lens-ignore n-plus-one, unbounded-find-many: seed\n';
    const result = applyPolicy([finding(text, 'prisma.post.findMany')], { uri: 'file:///a.ts', text, language: 'typescript' }, options);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['unused-suppression']);
    assert.equal(applyFix(text, result.findings[0]!.fixes![0]!.edits[0]!), 'await prisma.post.findMany(); // prisma-lens-ignore n-plus-one: seed\n');
    const single = 'await x(); // prisma-lens-ignore n-plus-one: seed\n';
    const stale = applyPolicy([], { uri: 'file:///a.ts', text: single, language: 'typescript' }, options);
    assert.equal(applyFix(single, stale.findings[0]!.fixes![0]!.edits[0]!), 'await x();\n');
  });

  it('reports unknown rule ids and missing reasons as invalid, and leaves suppressions of rules that did not run alone', () => {
    const text = '// prisma-lens-ignore n-plus-onne: typo\n// prisma-lens-ignore lost-update: rule is off here\n// prisma-lens-ignore n-plus-one\nawait prisma.post.findMany();\n';
    const result = applyPolicy([finding(text, 'prisma.post.findMany')], { uri: 'file:///a.ts', text, language: 'typescript' }, options);
    assert.deepEqual(result.findings.map((f) => f.ruleId).sort(), ['invalid-suppression', 'invalid-suppression', 'n-plus-one']);
  });

  it('reports nothing about comments when both suppression rules are off', () => {
    const text = '// prisma-lens-ignore n-plus-onne: typo\n';
    const result = applyPolicy([], { uri: 'file:///a.ts', text, language: 'typescript' }, { ...options, unusedSeverity: undefined, invalidSeverity: undefined });
    assert.deepEqual(result.findings, []);
  });
});

describe('suppression rule documentation examples', () => {
  const schema = buildSchema([{ uri: 'file:///docs/schema.prisma', text: 'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id Int @id\n}\n' }]);
  const findingsOf = (text: string) => {
    const code = `async function load(authorIds: number[], authors: unknown[]) {\n${text}\n}\n`;
    const analysis = analyzeCode({ uri: 'file:///docs/example.ts', text: code }, schema, { rules: [nPlusOne] });
    return applyPolicy(analysis.findings, { uri: 'file:///docs/example.ts', text: code, language: 'typescript' }, { ...options, ranRules: [nPlusOne] }).findings;
  };
  for (const id of ['unused-suppression', 'invalid-suppression']) {
    it(`${id}: its bad example gives exactly one ${id} finding and its good example none`, () => {
      const rule = rules.find((candidate) => candidate.id === id)!;
      assert.deepEqual(findingsOf(rule.docs.bad).filter((f) => f.ruleId === id).length, 1);
      assert.deepEqual(findingsOf(rule.docs.good).map((f) => f.ruleId), []);
    });
  }
});
