/**
 * The JSON Schema VS Code checks `.prismalens.json` with (schemas/prismalens.schema.json) against
 * what the parser reads: the README's examples and ours are valid in both, and what the parser
 * rejects the schema rejects too.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import { parseConfig } from '../../server/src/analysis/policy/config';
import { rules } from '../../server/src/analysis/rules/index';

const root = join(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'prismalens.schema.json'), 'utf8')) as object;
// `strict: false`: VS Code's own keywords (markdownDescription) are not JSON Schema's.
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

/** The JSON examples of the README's configuration section. */
function readmeExamples(): unknown[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration and suppressions'), readme.indexOf('## In VS Code'));
  return [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!) as unknown);
}

const VALID: unknown[] = [
  {},
  { $schema: './node_modules/prisma-lens/schemas/prismalens.schema.json', rules: { 'n-plus-one': 'error' }, postgresVersion: 16 },
  { overrides: [{ files: ['tests/**', '**/*.spec.ts'], rules: { 'missing-transaction': 'warning' } }] },
  { overrides: [{ files: 'prisma/seed.ts', rules: { 'n-plus-one': 'off' } }, { files: ['src/**'] }] },
  { codeRulesIn: { tests: true, seeds: false, scripts: true } },
];

const INVALID: unknown[] = [
  { overrides: { files: ['tests/**'] } },
  { overrides: [{ rules: { 'n-plus-one': 'off' } }] },
  { overrides: [{ files: [] }] },
  { overrides: [{ files: ['tests/**'], rules: { 'n-plus-on': 'off' } }] },
  { overrides: [{ files: ['tests/**'], rules: { 'n-plus-one': 'loud' } }] },
  { overrides: [{ files: ['tests/**'], excludedFiles: ['x'] }] },
  { codeRulesIn: { tests: 'yes' } },
  { codeRulesIn: { fixtures: true } },
  { codeRulesIn: true },
  { rules: { 'n-plus-one': 'loud' } },
  { colour: 1 },
];

describe('the .prismalens.json JSON Schema', () => {
  it('accepts the README\'s examples, which the parser reads without a problem', () => {
    const examples = readmeExamples();
    assert.ok(examples.length >= 2, 'the README shows configuration examples');
    assert.ok(examples.some((example) => JSON.stringify(example).includes('"overrides"')), 'one shows overrides');
    assert.ok(examples.some((example) => JSON.stringify(example).includes('"codeRulesIn"')), 'one shows codeRulesIn');
    for (const example of examples) {
      assert.ok(validate(example), `${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(parseConfig(example, rules).problems, [], JSON.stringify(example));
    }
  });

  it('accepts what the parser accepts', () => {
    for (const example of VALID) {
      assert.ok(validate(example), `${JSON.stringify(example)}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(parseConfig(example, rules).problems, [], JSON.stringify(example));
    }
  });

  it('rejects what the parser reports', () => {
    for (const example of INVALID) {
      assert.ok(!validate(example), `the schema accepts ${JSON.stringify(example)}`);
      assert.notDeepEqual(parseConfig(example, rules).problems, [], `the parser accepts ${JSON.stringify(example)}`);
    }
  });

  it('describes every key, and every kind of file codeRulesIn knows', () => {
    const properties = (schema as { properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }> }).properties;
    for (const key of ['rules', 'overrides', 'codeRulesIn', 'postgresVersion']) assert.ok(properties[key]?.description, key);
    assert.deepEqual(Object.keys(properties.codeRulesIn!.properties!), ['tests', 'seeds', 'scripts']);
    for (const kind of Object.values(properties.codeRulesIn!.properties!)) assert.ok(kind.description);
  });
});
