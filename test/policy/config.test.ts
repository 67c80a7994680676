import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configJsonSchema, configuredRules, levelOf, mergeConfigs, parseConfig } from '../../server/src/analysis/policy/config';
import { rules } from '../../server/src/analysis/rules/index';

describe('configuration', () => {
  it('reads levels and reports unknown rules with a suggestion, bad levels and unknown keys', () => {
    const { config, problems } = parseConfig({ $schema: './x.json', rules: { 'n-plus-one': 'error', 'n-plus-on': 'off', 'missing-fk-index': 'loud' }, colour: 1 }, rules);
    assert.deepEqual(config.rules, { 'n-plus-one': 'error' });
    assert.deepEqual(problems.map((p) => p.path), ['rules.n-plus-on', 'rules.missing-fk-index', 'colour']);
    assert.match(problems[0]!.message, /did you mean "n-plus-one"/);
  });

  it('rejects a non-object', () => {
    assert.equal(parseConfig([1], rules).problems.length, 1);
    assert.equal(parseConfig('x', rules).problems.length, 1);
  });

  it('lets the project file win over the editor settings, rule by rule', () => {
    const settings = parseConfig({ rules: { 'n-plus-one': 'off', 'missing-fk-index': 'error' } }, rules).config;
    const file = parseConfig({ rules: { 'n-plus-one': 'info' } }, rules).config;
    const merged = mergeConfigs(settings, file);
    const nPlusOne = rules.find((r) => r.id === 'n-plus-one')!;
    const fk = rules.find((r) => r.id === 'missing-fk-index')!;
    assert.equal(levelOf(nPlusOne, merged), 'info');
    assert.equal(levelOf(fk, merged), 'error');
  });

  it('drops rules turned off and re-levels the others without changing the registry', () => {
    const config = parseConfig({ rules: { 'missing-fk-index': 'off', 'n-plus-one': 'error' } }, rules).config;
    const configured = configuredRules(rules, config);
    assert.ok(!configured.some((r) => r.id === 'missing-fk-index'));
    assert.equal(configured.find((r) => r.id === 'n-plus-one')!.severity, 'error');
    assert.equal(rules.find((r) => r.id === 'n-plus-one')!.severity, 'warning');
  });

  it('reads overrides and codeRulesIn, and explains every part it ignores', () => {
    const { config, problems } = parseConfig(
      {
        overrides: [
          { files: ['tests/**', '!tests/slow/**', 3], rules: { 'missing-transaction': 'warning', 'n-plus-on': 'off' } },
          { files: '**/*.spec.ts', rules: { 'n-plus-one': 'loud' } },
          { files: [], rules: { 'n-plus-one': 'off' } },
          { rules: { 'n-plus-one': 'off' } },
          { files: ['../shared/**'] },
          'tests/**',
          { files: ['e2e/**'], excludedFiles: ['e2e/x.ts'] },
        ],
        codeRulesIn: { tests: true, seeds: 'yes', fixtures: true },
      },
      rules,
    );
    assert.deepEqual(config.overrides, [
      { files: ['tests/**'], rules: { 'missing-transaction': 'warning' } },
      { files: ['**/*.spec.ts'], rules: {} },
      { files: ['e2e/**'], rules: {} },
    ]);
    assert.deepEqual(config.codeRulesIn, { tests: true });
    assert.deepEqual(problems.map((p) => p.path), [
      'overrides[0].files[1]',
      'overrides[0].files[2]',
      'overrides[0].rules.n-plus-on',
      'overrides[1].rules.n-plus-one',
      'overrides[2].files',
      'overrides[3].files',
      'overrides[4].files[0]',
      'overrides[4].files',
      'overrides[5]',
      'overrides[6].excludedFiles',
      'codeRulesIn.seeds',
      'codeRulesIn.fixtures',
    ]);
    assert.match(problems[0]!.message, /Negated patterns are not supported/);
    assert.match(problems[2]!.message, /did you mean "n-plus-one"/);
    assert.match(problems[problems.length - 1]!.message, /use "tests", "seeds", "scripts"/);
    assert.equal(parseConfig({ overrides: {} }, rules).problems[0]!.path, 'overrides');
    assert.equal(parseConfig({ codeRulesIn: true }, rules).problems[0]!.path, 'codeRulesIn');
  });

  it('generates a JSON Schema that lists every rule', () => {
    const schema = configJsonSchema(rules) as { properties: { rules: { properties: Record<string, unknown> } } };
    assert.deepEqual(Object.keys(schema.properties.rules.properties).sort(), rules.map((r) => r.id).sort());
  });
});
