/**
 * Prisma client resolution: whether an expression is a client, by name (`prisma`, `ctx.db`, `tx`),
 * by declaration (`new PrismaClient()`, `$extends`, a PrismaClient type, a `$transaction` callback
 * parameter), by class (`this` in a class that extends PrismaClient) or by factory (`getPrisma()`).
 */
import ts = require('typescript');
import type { FileIndex } from './file-index';
import { calleeName, isFunctionLike, unwrap } from './syntax';

/** Names that conventionally hold a Prisma client: `prisma`, `db`, `tx`, `readDb`, `dbWrite`, `prismaService`, `xprisma`. */
const CLIENT_NAME_EXACT = /^(?:db|tx|trx|\$tx|client|database|transaction|dbClient|db(?:Read|Write|Reader|Writer|Replica|Primary)(?:er)?)$/;
const CLIENT_NAME_SUFFIX = /[a-z0-9_](?:Db|DB|Tx|Database)$/;

export function isClientName(index: FileIndex, name: string): boolean {
  return index.clientNames.has(name) || /prisma/i.test(name) || CLIENT_NAME_EXACT.test(name) || CLIENT_NAME_SUFFIX.test(name);
}

/** Methods of a client (or a service holding one) that return a client: `txClient()`, `getClient()`, `tx()`. */
const CLIENT_ACCESSOR = /^(?:tx|txClient|transactionClient|client|getClient|getTx|getTransaction)$/;

/** Calls that return a client: `getPrisma()`, `getDb(tenant)`, `prisma.$extends(…)`. */
const CLIENT_FACTORY = /[pP]risma|^(?:get|use|create|with)?(?:Db|DB|Database|db)$|[a-z](?:Db|DB|Database)$/;

/**
 * True when `expression` is (by name, declaration or shape) a Prisma client: `prisma`, `ctx.db`,
 * `this.#prisma`, `this` in a class that extends PrismaClient, `getPrisma()`, `(tx ?? prisma)`.
 */
export function isClientExpression(index: FileIndex, expression: ts.Expression): boolean {
  let value = unwrap(expression);
  if (ts.isAwaitExpression(value)) value = unwrap(value.expression);
  if (ts.isIdentifier(value)) return !index.delegateAliases.has(value.text) && isClientName(index, value.text);
  if (value.kind === ts.SyntaxKind.ThisKeyword) {
    const owner = enclosingClass(value);
    return owner !== undefined && index.clientClasses.has(owner);
  }
  if (ts.isPropertyAccessExpression(value)) return isClientName(index, value.name.text.replace(/^#/, ''));
  if (ts.isElementAccessExpression(value) && ts.isStringLiteral(value.argumentExpression)) return isClientName(index, value.argumentExpression.text);
  if (ts.isCallExpression(value)) {
    const name = calleeName(value);
    if (name === undefined) return false;
    if (name === '$extends' || CLIENT_FACTORY.test(name)) return true;
    // `this.prismaService.txClient()`, `db.getClient()`: a client's own method that hands out a (transaction) client.
    const callee = unwrap(value.expression);
    if (ts.isPropertyAccessExpression(callee) && CLIENT_ACCESSOR.test(name) && isClientExpression(index, callee.expression)) return true;
    return ts.isIdentifier(unwrap(value.expression)) && returnsClient(index, name);
  }
  if (ts.isConditionalExpression(value)) return isClientExpression(index, value.whenTrue) || isClientExpression(index, value.whenFalse);
  if (ts.isBinaryExpression(value)) {
    const operator = value.operatorToken.kind;
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) {
      return isClientExpression(index, value.left) || isClientExpression(index, value.right);
    }
  }
  return false;
}

/** True when a local function of that name returns a client from every `return` that returns something. */
function returnsClient(index: FileIndex, name: string): boolean {
  const known = index.clientFactories.get(name);
  if (known !== undefined) return known;
  index.clientFactories.set(name, false);
  const returned: ts.Expression[] = [];
  for (const fn of index.functions.get(name) ?? []) {
    const body = fn.body;
    if (!body) continue;
    if (!ts.isBlock(body)) {
      returned.push(body);
      continue;
    }
    const walk = (node: ts.Node): void => {
      if (isFunctionLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) returned.push(node.expression);
      ts.forEachChild(node, walk);
    };
    ts.forEachChild(body, walk);
  }
  const result = returned.length > 0 && returned.every((expression) => isClientExpression(index, expression));
  index.clientFactories.set(name, result);
  return result;
}

/** The class whose `this` a node sees: arrow functions see through, other functions do not. */
export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isClassLike(current)) return current;
    if (isFunctionLike(current) && !ts.isArrowFunction(current) && !ts.isMethodDeclaration(current) && !ts.isConstructorDeclaration(current) && !ts.isGetAccessorDeclaration(current) && !ts.isSetAccessorDeclaration(current)) {
      return undefined;
    }
  }
  return undefined;
}
