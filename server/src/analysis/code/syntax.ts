/** Small, allocation-light questions about TypeScript syntax nodes that every code module asks. */
import ts = require('typescript');
import type { Span } from '../text';

/** The language variant a file is parsed with, from its extension. */
export function scriptKindOf(uri: string): ts.ScriptKind {
  const path = uri.replace(/[?#].*$/, '').toLowerCase();
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Parses one file with parent pointers, for a tree walked without `indexFile`. */
export function parseSource(uri: string, text: string): ts.SourceFile {
  return ts.createSourceFile(uri, text, ts.ScriptTarget.Latest, true, scriptKindOf(uri));
}

/**
 * Parses one file for `indexFile`, which every analysis runs next: without JSDoc (no rule reads it)
 * and without the parser's extra pass that sets parent pointers (`indexFile` sets them during its
 * walk, before anything looks upwards from a node).
 */
export function parseSourceForIndex(uri: string, text: string): ts.SourceFile {
  return ts.createSourceFile(uri, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKindOf(uri));
}

// Read once: TypeScript's module exports are getters, and the helpers below run for nodes of every file.
const Kind = ts.SyntaxKind;

/** Looks through parentheses, `!`, `as`, `satisfies` and `<T>` casts, which change no runtime value. */
export function unwrap(node: ts.Expression): ts.Expression {
  let current = node;
  for (;;) {
    switch (current.kind) {
      case Kind.ParenthesizedExpression:
      case Kind.NonNullExpression:
      case Kind.AsExpression:
      case Kind.SatisfiesExpression:
      case Kind.TypeAssertionExpression:
        current = (current as ts.ParenthesizedExpression | ts.NonNullExpression | ts.AsExpression | ts.SatisfiesExpression | ts.TypeAssertion).expression;
        break;
      default:
        return current;
    }
  }
}

/** The node a value flows into: the first ancestor that is not a parenthesis or a cast. */
export function valueParent(node: ts.Node): { parent: ts.Node; child: ts.Node } {
  let child = node;
  let parent = node.parent;
  while (
    parent &&
    (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent) || ts.isSatisfiesExpression(parent) || ts.isTypeAssertionExpression(parent))
  ) {
    child = parent;
    parent = parent.parent;
  }
  return { parent, child };
}

export function spanOf(node: ts.Node, sourceFile: ts.SourceFile): Span {
  return { start: node.getStart(sourceFile), end: node.getEnd() };
}

/** The source text of a node on one line: `prisma.user\n  .update` reads `prisma.user.update`. */
export function compactText(node: ts.Node, sourceFile: ts.SourceFile): string {
  return node.getText(sourceFile).replace(/\s*[\r\n]+\s*/g, '').replace(/\s+/g, ' ');
}

/** Source text on one line, shortened to `max` characters, for messages. */
export function shortText(node: ts.Node, sourceFile: ts.SourceFile, max = 40): string {
  const text = node.getText(sourceFile).replace(/\s+/g, ' ').trim();
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The name a property access or identifier ends in (`this.#prisma` → `prisma`), if any. */
export function terminalName(node: ts.Expression): string | undefined {
  const expression = unwrap(node);
  if (expression.kind === Kind.Identifier) return (expression as ts.Identifier).text;
  if (expression.kind !== Kind.PropertyAccessExpression) return undefined;
  const name = (expression as ts.PropertyAccessExpression).name.text;
  return name.charCodeAt(0) === 35 /* # */ ? name.slice(1) : name;
}

/** The name of a function call's target: `pMap(…)` → `pMap`, `items.map(…)` → `map`, `_.map` → `map`. */
export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  return terminalName(call.expression);
}

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node) ||
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isConstructorDeclaration(node)
  );
}

/** The property `name` of an object literal (`{ where: … }`), when written as a plain or shorthand property. */
export function propertyOf(object: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return object.properties.find((property) => propertyName(property) === name);
}

/** The value of property `name`: its initializer, or the identifier of a shorthand property. */
export function propertyValue(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const property = propertyOf(object, name);
  if (!property) return undefined;
  if (ts.isPropertyAssignment(property)) return property.initializer;
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}

export function propertyName(property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isSpreadAssignment(property) || !property.name) return undefined;
  const name = property.name;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/** The first argument of a call when it is an object literal (`findMany({ … })`). */
export function objectArgument(call: ts.CallExpression | ts.TaggedTemplateExpression): ts.ObjectLiteralExpression | undefined {
  if (!ts.isCallExpression(call)) return undefined;
  const first = call.arguments[0];
  if (!first) return undefined;
  const value = unwrap(first);
  return ts.isObjectLiteralExpression(value) ? value : undefined;
}

/** Calls `visit` for every identifier read in `node`, without entering nested functions unless asked. */
export function forEachIdentifier(node: ts.Node, visit: (identifier: ts.Identifier) => void, enterFunctions = true): void {
  const walk = (current: ts.Node): void => {
    if (ts.isIdentifier(current)) {
      const parent = current.parent;
      // `a.b`: only `a` is a reference; `{ b: 1 }` names a property, `{ b }` reads b.
      if (parent && ts.isPropertyAccessExpression(parent) && parent.name === current) return;
      if (parent && ts.isPropertyAssignment(parent) && parent.name === current) return;
      visit(current);
      return;
    }
    if (!enterFunctions && current !== node && isFunctionLike(current)) return;
    ts.forEachChild(current, walk);
  };
  walk(node);
}

/** The names a binding (`user`, `{ id, author: { name } }`, `[first]`) introduces. */
export function boundNames(name: ts.BindingName | undefined, into: string[] = []): string[] {
  if (!name) return into;
  if (ts.isIdentifier(name)) {
    into.push(name.text);
  } else {
    for (const element of name.elements) {
      if (!ts.isOmittedExpression(element)) boundNames(element.name, into);
    }
  }
  return into;
}

/** True when `node` contains an `await` (or `for await`, or `yield`) outside nested functions. */
export function containsAwait(node: ts.Node): boolean {
  let found = false;
  const walk = (current: ts.Node): void => {
    if (found) return;
    if (ts.isAwaitExpression(current) || ts.isYieldExpression(current) || (ts.isForOfStatement(current) && current.awaitModifier)) {
      found = true;
      return;
    }
    if (current !== node && isFunctionLike(current)) return;
    ts.forEachChild(current, walk);
  };
  walk(node);
  return found;
}

/** True when `inner` lies within `outer` (or is it). */
export function isWithin(inner: ts.Node, outer: ts.Node): boolean {
  for (let node: ts.Node | undefined = inner; node; node = node.parent) {
    if (node === outer) return true;
  }
  return false;
}

/** True when a node's text sits on one line. */
export function isSingleLine(span: Span, text: string): boolean {
  for (let i = span.start; i < span.end; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || code === 13) return false;
  }
  return true;
}

/** `users`, `data.items`, `this.rows`: reading it again gives the same value, with no call in between. */
export function isPlainReference(expression: ts.Expression): boolean {
  const value = unwrap(expression);
  if (ts.isIdentifier(value) || value.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isPropertyAccessExpression(value) && isPlainReference(value.expression);
}
