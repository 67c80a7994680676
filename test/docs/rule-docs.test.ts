/** The committed rule docs and README table must match what rule metadata generates. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { rules } from '../../server/src/analysis/rules/index';
import { expectedDocFiles, FILE_ROLES_ANCHOR, README_ROLES_START, README_START, withFileRoles, withRuleSettings, withRuleTable } from '../../scripts/rule-docs';

const root = join(__dirname, '..', '..');

describe('rule documentation', () => {
  it('is up to date for every rule (run `npm run docs`)', () => {
    for (const [path, text] of expectedDocFiles()) {
      assert.equal(readFileSync(join(root, path), 'utf8'), text, `${path} is stale: run npm run docs`);
    }
  });

  it('has no page for a rule that no longer exists', () => {
    const pages = readdirSync(join(root, 'docs', 'rules')).filter((name) => name !== 'README.md');
    assert.deepEqual(pages.sort(), rules.map((rule) => `${rule.id}.md`).sort());
  });

  it('keeps the README rule table generated', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.ok(readme.includes(README_START), 'README has the generated rule table markers');
    assert.equal(readme, withRuleTable(readme), 'README rule table is stale: run npm run docs');
  });

  it('keeps the README list of the files code rules skip generated, under the heading rule docs link to', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    assert.ok(readme.includes(README_ROLES_START), 'README has the generated file-roles markers');
    assert.equal(readme, withFileRoles(readme), 'README list of tests, seeds and scripts is stale: run npm run docs');
    const headings = [...readme.matchAll(/^#+ (.+)$/gm)].map((match) => match[1]!.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-'));
    assert.ok(headings.includes(FILE_ROLES_ANCHOR), `README has a heading whose anchor is #${FILE_ROLES_ANCHOR}`);
  });

  it('keeps the per-rule editor settings and the .prismalens.json schema in package.json generated', () => {
    const text = readFileSync(join(root, 'package.json'), 'utf8');
    assert.equal(text, withRuleSettings(text), 'package.json rule settings are stale: run npm run docs');
  });

  it('gives every rule a kebab-case id, a summary, a why, a bad and a good example', () => {
    const ids = new Set<string>();
    for (const rule of rules) {
      assert.match(rule.id, /^[a-z]+(-[a-z0-9]+)*$/);
      assert.ok(!ids.has(rule.id), `duplicate rule id ${rule.id}`);
      ids.add(rule.id);
      for (const key of ['summary', 'why', 'bad', 'good', 'fixSafety'] as const) assert.ok(rule.docs[key].trim().length > 0, `${rule.id} docs.${key}`);
    }
  });
});
