/** Writes the rule documentation generated from rule metadata (run with `npm run docs`). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedDocFiles, withRuleTable } from './rule-docs';

const root = join(__dirname, '..');
for (const [path, text] of expectedDocFiles()) writeFileSync(join(root, path), text);
const readmePath = join(root, 'README.md');
writeFileSync(readmePath, withRuleTable(readFileSync(readmePath, 'utf8')));
console.log('rule docs written');
