/** The rules one file runs under: overrides in order, and the code rules off in tests, seeds and scripts unless configured. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configuredRules, mergeConfigs, parseConfig, type LensConfig } from '../../server/src/analysis/policy/config';
import { configForFile, type ConfiguredFile } from '../../server/src/analysis/policy/file-config';
import { rules } from '../../server/src/analysis/rules/index';
import { isCodeRule } from '../../server/src/analysis/rules/types';

function config(value: unknown): LensConfig {
  const parsed = parseConfig(value, rules);
  assert.deepEqual(parsed.problems, []);
  return parsed.config;
}

/** The level of each named rule for one code file (at the project's and the configuration's root). */
function levels(value: LensConfig, file: Partial<ConfiguredFile> & { path: string }, ids: readonly string[]): Record<string, string> {
  const resolved = configForFile(value, rules, { language: 'typescript', projectPath: file.path, configPath: file.path, ...file });
  const running = new Map(configuredRules(rules, resolved.config).map((rule) => [rule.id, rule.severity]));
  return Object.fromEntries(ids.map((id) => [id, running.get(id) ?? 'off']));
}

const IDS = ['missing-transaction', 'n-plus-one'];

describe('configuration of one file', () => {
  it('runs the code rules on application code and on no test, seed or script by default', () => {
    const none = config({});
    assert.deepEqual(levels(none, { path: 'src/services/orders.ts' }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'warning' });
    for (const path of ['prisma/seed.ts', 'src/foo.test.ts', 'scripts/backfill.ts']) assert.deepEqual(levels(none, { path }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' }, path);
    assert.deepEqual(levels(none, { path: 'src/helpers/db.ts', text: "import { vi } from 'vitest';\n" }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
    const resolved = configForFile(none, rules, { language: 'typescript', projectPath: 'src/foo.test.ts' });
    assert.deepEqual(resolved.role, { role: 'tests', reason: 'name "*.test.*"' });
    assert.ok(!configuredRules(rules, resolved.config).some(isCodeRule), 'no code rule runs on a test');
    // The suppression rules still run: a malformed comment is worth knowing about anywhere.
    assert.ok(configuredRules(rules, resolved.config).some((rule) => rule.id === 'invalid-suppression'));
  });

  it('leaves schema and migration files to their rules, whatever their path', () => {
    const none = config({});
    for (const [language, path, id] of [
      ['prisma', 'test/fixtures/schema.prisma', 'missing-fk-index'],
      ['sql', 'tests/migrations/1_init/migration.sql', 'ban-drop-table'],
    ] as const) {
      const resolved = configForFile(none, rules, { language, projectPath: path, configPath: path });
      assert.equal(resolved.role, undefined);
      assert.ok(configuredRules(rules, resolved.config).some((rule) => rule.id === id), `${id} runs on ${path}`);
    }
  });

  it('does not let a top-level level reach tests, but lets an override that names the rule', () => {
    const raised = config({ rules: { 'missing-transaction': 'error' } });
    assert.deepEqual(levels(raised, { path: 'src/foo.test.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
    assert.deepEqual(levels(raised, { path: 'src/services/orders.ts' }, IDS), { 'missing-transaction': 'error', 'n-plus-one': 'warning' });
    const overridden = config({ overrides: [{ files: ['tests/**', '**/*.test.ts', 'prisma/seed.ts'], rules: { 'missing-transaction': 'warning' } }] });
    for (const path of ['src/foo.test.ts', 'tests/orders.ts', 'prisma/seed.ts']) assert.deepEqual(levels(overridden, { path }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'off' }, path);
    // Not matched: still skipped.
    assert.deepEqual(levels(overridden, { path: 'scripts/backfill.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
  });

  it('runs every code rule on a kind of file that codeRulesIn turns on, and only on that kind', () => {
    const tests = config({ codeRulesIn: { tests: true } });
    assert.deepEqual(levels(tests, { path: 'src/foo.test.ts' }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'warning' });
    assert.deepEqual(levels(tests, { path: 'prisma/seed.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
    const all = config({ codeRulesIn: { tests: true, seeds: true, scripts: true }, rules: { 'n-plus-one': 'error' } });
    for (const path of ['src/foo.test.ts', 'prisma/seed.ts', 'scripts/backfill.ts']) assert.deepEqual(levels(all, { path }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'error' }, path);
    assert.deepEqual(levels(config({ codeRulesIn: { tests: false } }), { path: 'src/foo.test.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
  });

  it('applies overrides in order, later ones winning over earlier ones and over the top-level rules', () => {
    const layered = config({
      rules: { 'n-plus-one': 'error', 'missing-transaction': 'info' },
      overrides: [
        { files: ['src/**'], rules: { 'n-plus-one': 'hint', 'missing-transaction': 'off' } },
        { files: ['src/billing/**'], rules: { 'n-plus-one': 'warning' } },
      ],
    });
    assert.deepEqual(levels(layered, { path: 'lib/a.ts' }, IDS), { 'missing-transaction': 'info', 'n-plus-one': 'error' });
    assert.deepEqual(levels(layered, { path: 'src/a.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'hint' });
    assert.deepEqual(levels(layered, { path: 'src/billing/a.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'warning' });
    // The same entries the other way round: the broad one wins.
    const reversed = config({ overrides: [{ files: ['src/billing/**'], rules: { 'n-plus-one': 'warning' } }, { files: ['src/**'], rules: { 'n-plus-one': 'hint' } }] });
    assert.deepEqual(levels(reversed, { path: 'src/billing/a.ts' }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'hint' });
  });

  it('matches overrides against the path below the configuration file, which may differ from the project path', () => {
    const scoped = config({ overrides: [{ files: ['apps/web/src/**'], rules: { 'n-plus-one': 'off' } }] });
    assert.deepEqual(levels(scoped, { path: 'src/a.ts', configPath: 'apps/web/src/a.ts' }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'off' });
    assert.deepEqual(levels(scoped, { path: 'src/a.ts', configPath: undefined }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'warning' });
  });

  it('applies overrides to migrations and schemas too (a multi-file schema by its folder)', () => {
    const old = config({ overrides: [{ files: ['prisma/migrations/2023*/**', 'prisma/schema'], rules: { 'ban-drop-column': 'off', 'float-money': 'off' } }] });
    const run = (language: 'sql' | 'prisma', path: string) => configuredRules(rules, configForFile(old, rules, { language, projectPath: path, configPath: path }).config).map((rule) => rule.id);
    assert.ok(!run('sql', 'prisma/migrations/20230101_init/migration.sql').includes('ban-drop-column'));
    assert.ok(run('sql', 'prisma/migrations/20240101_next/migration.sql').includes('ban-drop-column'));
    assert.ok(!run('prisma', 'prisma/schema').includes('float-money'));
    assert.ok(run('prisma', 'prisma/schema.prisma').includes('float-money'));
  });

  it('takes codeRulesIn from the editor settings, the project file winning kind by kind', () => {
    const settings = parseConfig({ codeRulesIn: { tests: true, seeds: true } }, rules).config;
    const file = parseConfig({ codeRulesIn: { seeds: false } }, rules).config;
    const merged = mergeConfigs(settings, file);
    assert.deepEqual(merged.codeRulesIn, { tests: true, seeds: false });
    assert.deepEqual(levels(merged, { path: 'src/foo.test.ts' }, IDS), { 'missing-transaction': 'warning', 'n-plus-one': 'warning' });
    assert.deepEqual(levels(merged, { path: 'prisma/seed.ts' }, IDS), { 'missing-transaction': 'off', 'n-plus-one': 'off' });
  });
});
