/**
 * What `prisma-lens check` loads on its first use: the rules, discovery and the analysis. In dist/
 * it is a bundle of its own (cli-check.js), so that `--version`, `--help` and `explain` never
 * compile it; TypeScript's parser within it is loaded only when a code file is analysed.
 */
export { rules as registeredRules } from '../analysis/rules/index';
export { checkTargets } from './check';
export { migrationSelection } from './check-migrations';
export { disposePending } from './check-pending';
