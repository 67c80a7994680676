/** The registry: the only list of rules, in the order their docs are listed. */
import missingFkIndex from './missing-fk-index';
import type { Rule } from './types';

export const rules: readonly Rule[] = [missingFkIndex];

export function ruleById(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
