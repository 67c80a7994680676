/** Reports `prisma-lens-ignore` comments that silence nothing (Ruff's RUF100), so stale ones do not pile up. */
import { defineRule, type SuppressionRule } from './types';

export default defineRule<SuppressionRule>({
  id: 'unused-suppression',
  appliesTo: ['prisma', 'typescript', 'sql'],
  severity: 'info',
  docs: {
    summary: 'A `prisma-lens-ignore` comment that silences no finding.',
    why: [
      'A suppression is a decision someone made about one finding. When the code changes and the finding goes away, the comment stays and says something false; worse, it will silently hide the next, different problem of that rule on that line.',
      '`// prisma-lens-ignore <rule>: <reason>` covers the next line holding code (or its own line, after code); `// prisma-lens-ignore-file <rule>: <reason>` covers the whole file. In SQL, use `--`.',
    ].join('\n\n'),
    bad: [
      '// prisma-lens-ignore n-plus-one: at most three authors per page',
      'const authors = await prisma.user.findMany({ where: { id: { in: authorIds } } });',
    ].join('\n'),
    good: [
      'for (const id of authorIds) {',
      '  // prisma-lens-ignore n-plus-one: at most three authors per page',
      '  authors.push(await prisma.user.findFirst({ where: { id } }));',
      '}',
    ].join('\n'),
    fixSafety: 'Safe: removing a suppression that silences nothing changes no finding.',
  },
});
