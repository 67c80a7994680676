/** Flags `skip` computed from a page number: the database reads and discards every row before the page. */
import ts = require('typescript');
import { objectArgument, propertyName, spanOf, unwrap } from '../code/syntax';
import { constInitializer } from '../facts/code-scope';
import { defineRule, type CodeRule, type RuleFinding } from './types';

const PAGE_NAME = /page|^pg$|^p$/i;
const INPUT_NAME = /^(?:offset|skip|start|from)$/i;
const REQUEST_INPUT = /\b(?:req|request|ctx|context|event)\.(?:query|params|body)|searchParams|\binput\b|\bargs\b|\bparams\b|\bquery\b/;

export default defineRule<CodeRule>({
  id: 'deep-offset-pagination',
  appliesTo: ['typescript'],
  severity: 'info',
  docs: {
    summary: '`skip` computed from a page number (or taken from the request), so deep pages read every row before them.',
    why: [
      '`skip: (page - 1) * pageSize` becomes `OFFSET`: the database finds and throws away every row before the page. Page 1 is fast, page 5,000 reads 100,000 rows to return 20, and anyone (or any crawler) can ask for page 5,000. Rows inserted while a user pages also shift the pages, so items repeat or go missing.',
      'Cursor pagination (`cursor: { id: lastId }, skip: 1, take: 20`, ordered by a unique column) seeks straight to the next page through the index, at the same cost at any depth.',
      'The rule reports a `skip` that multiplies a page-like name (`page`, `pageNumber`), or that is an `offset`/`skip` value taken from the request. `skip: 1` of the cursor pattern, constants, and a page number clamped with `Math.min` are left alone.',
    ].join('\n\n'),
    bad: ['const posts = await prisma.post.findMany({', '  orderBy: { id: "desc" },', '  skip: (page - 1) * 20,', '  take: 20,', '});'].join('\n'),
    good: ['const posts = await prisma.post.findMany({', '  orderBy: { id: "desc" },', '  ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),', '  take: 20,', '});'].join('\n'),
    fixSafety: 'No fix: cursor pagination changes the API (clients send the last id, not a page number).',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const site of context.querySites) {
      if (site.kind !== 'model') continue;
      const object = objectArgument(site.node);
      const property = object?.properties.find((candidate) => propertyName(candidate) === 'skip');
      if (!property) continue;
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!value) continue;
      const reason = offsetReason(value, 0);
      if (!reason) continue;
      findings.push({
        uri: context.uri,
        span: spanOf(property.name!, context.sourceFile),
        message: `Deep pages get slower as the table grows: "${site.callee}" skips ${reason}.`,
        help: 'The database reads and discards every skipped row. Paginate with a cursor instead: "cursor: { id: lastId }, skip: 1, take: n", ordered by a unique column.',
      });
    }
    return findings;
  },
});

/** Why the value is a deep offset (`(page - 1) * pageSize rows`), or undefined. */
function offsetReason(expression: ts.Expression, depth: number): string | undefined {
  const node = unwrap(expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    if (clamped(node)) return undefined;
    const page = pageName(node.left) ?? pageName(node.right);
    return page ? `a page number times the page size ("${page}")` : undefined;
  }
  if (ts.isIdentifier(node)) {
    if (INPUT_NAME.test(node.text)) {
      const initializer = constInitializer(node.text, node);
      if (initializer && depth < 2) return offsetReason(initializer, depth + 1) ?? (REQUEST_INPUT.test(initializer.getText()) && !clamped(initializer) ? `"${node.text}" rows taken from the request` : undefined);
      return undefined;
    }
    const initializer = constInitializer(node.text, node);
    return initializer && depth < 2 ? offsetReason(initializer, depth + 1) : undefined;
  }
  if (ts.isCallExpression(node) && /^(?:Number|parseInt)$/.test(node.expression.getText()) && node.arguments[0]) {
    const text = node.arguments[0].getText();
    return REQUEST_INPUT.test(text) && /offset|skip/i.test(text) ? 'an offset taken from the request' : undefined;
  }
  return undefined;
}

function pageName(expression: ts.Expression): string | undefined {
  let found: string | undefined;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(node) && PAGE_NAME.test(node.text) && !/size|limit|count|per/i.test(node.text)) found = node.text;
    else if (ts.isPropertyAccessExpression(node) && PAGE_NAME.test(node.name.text) && !/size|limit|count|per/i.test(node.name.text)) found = node.getText();
    else ts.forEachChild(node, walk);
  };
  walk(expression);
  return found;
}

/** `Math.min(page, 10) * size`: the depth has a ceiling. */
function clamped(node: ts.Node): boolean {
  return /\bMath\.min\(|\bclamp\(/.test(node.getText());
}
