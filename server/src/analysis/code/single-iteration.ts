/** Conditions that let code in a loop body run for one iteration at most: the first one, or the one element with a given key. */
import ts = require('typescript');
import { declarationOf } from '../facts/code-scope';
import type { Loop } from './iteration';
import { unwrap } from './syntax';

/**
 * True when a condition around the use lets it run for one iteration at most: the first one
 * (`if (i === 0)`, `if (posts.length === 1)` on a list the loop appends to), or the one element
 * whose key equals a constant (`if (workspace.id === ACME_WORKSPACE_ID)`).
 */
export function runsAtMostOnce(node: ts.Node, loop: Loop): boolean {
  for (let child: ts.Node = node, parent = node.parent; parent && child !== loop.body; child = parent, parent = parent.parent) {
    if (ts.isFunctionLike(parent) && parent !== loop.body) return false;
    if (ts.isIfStatement(parent) && parent.thenStatement === child && conjuncts(parent.expression).some((condition) => isSingleIterationTest(condition, loop))) return true;
  }
  return false;
}

function conjuncts(expression: ts.Expression): ts.Expression[] {
  const value = unwrap(expression);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return [...conjuncts(value.left), ...conjuncts(value.right)];
  return [value];
}

const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;

function isSingleIterationTest(condition: ts.Expression, loop: Loop): boolean {
  if (!ts.isBinaryExpression(condition)) return false;
  const operator = condition.operatorToken.kind;
  if (operator !== ts.SyntaxKind.EqualsEqualsEqualsToken && operator !== ts.SyntaxKind.EqualsEqualsToken) return false;
  for (const [one, other] of [[unwrap(condition.left), unwrap(condition.right)], [unwrap(condition.right), unwrap(condition.left)]] as const) {
    if (ts.isNumericLiteral(other)) {
      // The loop's counter or index: `i === 0`.
      if (ts.isIdentifier(one) && loopIndexNames(loop).includes(one.text)) return true;
      // `acc.length === 1`, where `acc` is declared before the loop and grows by one each time round.
      if (ts.isPropertyAccessExpression(one) && (one.name.text === 'length' || one.name.text === 'size') && ts.isIdentifier(one.expression) && growsIn(one.expression.text, loop)) return true;
    }
    // A row's own key compared with a constant (`workspace.id === ACME_WORKSPACE_ID`): one row has it.
    // A foreign key (`post.authorId === ADMIN_ID`) may be shared by many elements.
    const key = ts.isPropertyAccessExpression(one) ? one.name.text : ts.isIdentifier(one) ? one.text : '';
    if (/^_?id$/.test(key) && ((ts.isIdentifier(other) && CONSTANT_NAME.test(other.text)) || ts.isStringLiteral(other))) return true;
  }
  return false;
}

/** The for-loop counter, or the index parameter of an iterating callback (`(item, index) => …`). */
function loopIndexNames(loop: Loop): string[] {
  if (loop.form === 'statement') return loop.kind === 'for' && loop.element && ts.isIdentifier(loop.element) ? [loop.element.text] : [];
  const fn = loop.body as ts.FunctionLikeDeclaration;
  const index = fn.parameters?.[loop.kind === 'reduce' || loop.kind === 'reduceRight' ? 2 : 1];
  return index && ts.isIdentifier(index.name) ? [index.name.text] : [];
}

/** True when `name` is declared before the loop and the loop's body appends to it (`name.push(…)`). */
function growsIn(name: string, loop: Loop): boolean {
  if (loop.form !== 'statement') return false;
  const declaration = declarationOf(name, loop.node);
  if (!declaration || declaration.pos >= loop.node.pos) return false;
  let grows = false;
  const walk = (current: ts.Node): void => {
    if (grows) return;
    if (ts.isCallExpression(current) && ts.isPropertyAccessExpression(current.expression) && /^(?:push|add|unshift)$/.test(current.expression.name.text) && ts.isIdentifier(current.expression.expression) && current.expression.expression.text === name) grows = true;
    else ts.forEachChild(current, walk);
  };
  walk(loop.body);
  return grows;
}
