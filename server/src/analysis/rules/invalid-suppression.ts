/** Reports `prisma-lens-ignore` comments that cannot apply: no reason, no rule, or a rule that does not exist. */
import { defineRule, type SuppressionRule } from './types';

export default defineRule<SuppressionRule>({
  id: 'invalid-suppression',
  appliesTo: ['prisma', 'typescript', 'sql'],
  severity: 'warning',
  docs: {
    summary: 'A `prisma-lens-ignore` comment without a reason, or naming a rule that does not exist.',
    why: [
      'A suppression must say why the finding is accepted, so that the next reader can tell whether it still holds; one without a reason does not apply, and the finding stays.',
      'A misspelt rule id silences nothing, while looking as if it did.',
      'Only real comments count: the keyword written inside a doc comment, a block comment or a string literal (text that documents the syntax) is neither a suppression nor reported.',
    ].join('\n\n'),
    bad: [
      'for (const id of authorIds) {',
      '  // prisma-lens-ignore n-plus-one',
      '  authors.push(await prisma.user.findFirst({ where: { id } }));',
      '}',
    ].join('\n'),
    good: [
      'for (const id of authorIds) {',
      '  // prisma-lens-ignore n-plus-one: at most three authors per page',
      '  authors.push(await prisma.user.findFirst({ where: { id } }));',
      '}',
    ].join('\n'),
    fixSafety: 'No automatic fix: only a person can give the reason.',
  },
});
