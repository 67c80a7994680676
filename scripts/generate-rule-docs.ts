/** Writes the rule documentation generated from rule metadata (run with `npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { expectedDocFiles, withFileRoles, withRuleSettings, withRuleTable } from './rule-docs';

const root = join(__dirname, '..');
for (const [path, text] of expectedDocFiles()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}
const packagePath = join(root, 'package.json');
writeFileSync(packagePath, withRuleSettings(readFileSync(packagePath, 'utf8')));
const readmePath = join(root, 'README.md');
writeFileSync(readmePath, withFileRoles(withRuleTable(readFileSync(readmePath, 'utf8'))));
console.log('rule docs written');
