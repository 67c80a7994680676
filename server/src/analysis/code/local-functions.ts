/** Resolves calls of the file's own functions: `loadAuthor(post)`, `this.loadAuthor(post)`, `<UserPosts />`, `users.map(loadPosts)`. */
import ts = require('typescript');
import { enclosingClass } from './clients';
import type { FileIndex } from './file-index';
import { compactText, shortText, spanOf } from './syntax';
import type { Span } from '../text';

/** A place that runs a local function: a call, a JSX element, or a function passed to an iterating call. */
export type LocalCall = ts.CallExpression | ts.JsxOpeningLikeElement | ts.Expression;

export interface ResolvedCall {
  call: LocalCall;
  /** The function declarations the call may run (one, except for same-named functions in different scopes). */
  targets: ts.FunctionLikeDeclaration[];
  /** Where a finding about the call points: the callee, the tag name, or the reference. */
  span: Span;
  /** The call as a message names it: `loadAuthor(post)`, `this.loadAuthor(…)`, `<UserPosts>`, `loadPosts`. */
  text: string;
}

export function resolveLocalCall(index: FileIndex, call: LocalCall): ResolvedCall | undefined {
  const sourceFile = index.sourceFile;
  if (ts.isJsxOpeningElement(call) || ts.isJsxSelfClosingElement(call)) {
    const tag = call.tagName;
    if (!ts.isIdentifier(tag)) return undefined;
    const targets = freeFunctions(index, tag.text);
    return targets.length ? { call, targets, span: spanOf(tag, sourceFile), text: `<${tag.text}>` } : undefined;
  }
  if (ts.isCallExpression(call)) {
    const targets = targetsOf(index, call.expression);
    if (!targets.length) return undefined;
    const args = call.arguments.map((argument) => shortText(argument, sourceFile, 24)).join(', ');
    const text = `${compactText(call.expression, sourceFile)}(${args.length <= 30 ? args : '…'})`;
    return { call, targets, span: spanOf(call.expression, sourceFile), text };
  }
  const targets = targetsOf(index, call);
  return targets.length ? { call, targets, span: spanOf(call, sourceFile), text: compactText(call, sourceFile) } : undefined;
}

function targetsOf(index: FileIndex, callee: ts.Expression): ts.FunctionLikeDeclaration[] {
  if (ts.isIdentifier(callee)) return freeFunctions(index, callee.text);
  if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const name = callee.name.text;
    const owner = enclosingClass(callee);
    if (owner) return (index.functions.get(name) ?? []).filter((fn) => fn.body !== undefined && memberOwner(fn) === owner);
    const literal = enclosingObjectLiteral(callee);
    return literal ? objectMethods(literal, name) : [];
  }
  if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    return (index.functions.get(`${callee.expression.text}.${callee.name.text}`) ?? []).filter((fn) => fn.body !== undefined);
  }
  return [];
}

/** The object literal whose method a node runs in, as `this` sees it (arrow functions see through). */
function enclosingObjectLiteral(node: ts.Node): ts.ObjectLiteralExpression | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isArrowFunction(current)) continue;
    if (ts.isMethodDeclaration(current) && ts.isObjectLiteralExpression(current.parent)) return current.parent;
    if (ts.isFunctionExpression(current) && ts.isPropertyAssignment(current.parent) && ts.isObjectLiteralExpression(current.parent.parent)) return current.parent.parent;
    if (ts.isFunctionLike(current) || ts.isClassLike(current)) return undefined;
  }
  return undefined;
}

function objectMethods(literal: ts.ObjectLiteralExpression, name: string): ts.FunctionLikeDeclaration[] {
  const found: ts.FunctionLikeDeclaration[] = [];
  for (const property of literal.properties) {
    if (!property.name || !ts.isIdentifier(property.name) || property.name.text !== name) continue;
    if (ts.isMethodDeclaration(property) && property.body) found.push(property);
    if (ts.isPropertyAssignment(property) && (ts.isArrowFunction(property.initializer) || ts.isFunctionExpression(property.initializer))) found.push(property.initializer);
  }
  return found;
}

/** Functions callable by a plain name: declarations and `const f = () => …`, not class members. */
function freeFunctions(index: FileIndex, name: string): ts.FunctionLikeDeclaration[] {
  return (index.functions.get(name) ?? []).filter((fn) => fn.body !== undefined && (ts.isFunctionDeclaration(fn) || ts.isVariableDeclaration(fn.parent)));
}

/** The class a method (or an arrow-function property) belongs to. */
function memberOwner(fn: ts.FunctionLikeDeclaration): ts.ClassLikeDeclaration | undefined {
  if (ts.isMethodDeclaration(fn) && ts.isClassLike(fn.parent)) return fn.parent;
  const parent = fn.parent;
  if (ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent)) return parent.parent;
  return undefined;
}
