/** The registry: the only list of rules, in the order their docs are listed. */
import missingFkIndex from './missing-fk-index';
import nPlusOne from './n-plus-one';
import transactionPerRowWrites from './transaction-per-row-writes';
import type { Rule } from './types';

export const rules: readonly Rule[] = [missingFkIndex, nPlusOne, transactionPerRowWrites];

export function ruleById(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
