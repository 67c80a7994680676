/**
 * Collections the code itself defines, whose size does not grow with the data: literal lists,
 * constants, the keys of constant objects and enums, fixed counts, and registries of definitions.
 */
import ts = require('typescript');
import { constInitializer, declarationOf, destructuredFrom } from '../facts/code-scope';
import { isFunctionLike, propertyName, unwrap } from './syntax';

const CONSTANT_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|^[A-Z]{2,}[0-9]*$/;
const OBJECT_ITERATION = /^(?:keys|values|entries)$/;
const SUBSET_METHODS = new Set(['filter', 'slice', 'map', 'flat', 'flatMap', 'toSorted', 'toReversed', 'sort', 'reverse']);

/** `Object.keys(…)`, `Object.values(…)`, `Object.entries(…)`. */
export function isObjectIteration(call: ts.CallExpression): boolean {
  return ts.isPropertyAccessExpression(call.expression) && OBJECT_ITERATION.test(call.expression.name.text);
}

/**
 * A collection written in the code: a literal list without spreads (`['a', 'b'] as const`), a
 * constant by name (`DEFAULT_ROLES`), the keys, values or entries of a constant object (declared
 * with its properties) or of an enum (`Object.values(Role)`), a copy or a sorted copy of such a list
 * (`[...MIGRATIONS].sort(…)`), a fixed count (`Array.from({ length: 9 }, …)`), or a registry of
 * definitions the code fills once (`this.jobDefinitions`, filled by `defineJob`).
 */
export function isCodeDefined(collection: ts.Expression, from: ts.Node, depth = 0): boolean {
  const value = unwrap(collection);
  if (depth > 4) return false;
  if (ts.isArrayLiteralExpression(value)) return value.elements.every((element) => !ts.isSpreadElement(element) || isCodeDefined(element.expression, from, depth + 1));
  // `new Set([a, b])`: the distinct values of a list the code writes.
  if (ts.isNewExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === 'Set' && value.arguments?.length === 1) return isCodeDefined(value.arguments[0]!, from, depth + 1);
  // A constant by name, or a local holding a list the code writes; a function's list of rows of
  // literals is left alone (seed scripts create theirs row by row), its short list of rows built from
  // the call's values is not.
  if (ts.isIdentifier(value)) {
    if (CONSTANT_NAME.test(value.text)) return true;
    const declaration = declarationOf(value.text, from);
    const initializer = constInitializer(value.text, from);
    const declared = initializer && unwrap(initializer);
    if (!declaration || declared === undefined) return false;
    if (ts.isArrayLiteralExpression(declared)) {
      if (isMutated(value.text, declaration)) return false;
      if (isModuleLevel(declaration)) return isListOfValues(declared, from, depth, true) || isListOfDefinitions(declared);
      return isListOfValues(declared, from, depth, isConstAssertion(initializer!)) || isListOfKinds(declared);
    }
    // A local mapped from a constant list (`RULES.map((rule) => ({ …rule, payload: body[rule.type] }))`)
    // holds values built from data; a subset, a copy or a sorted copy is the list itself.
    return !mapsList(declared) && isCodeDefined(declared, from, depth + 1);
  }
  // `this.jobDefinitions`, `this.#handlers`: a registry the class fills from code that defines its entries.
  if (ts.isPropertyAccessExpression(value) && value.expression.kind === ts.SyntaxKind.ThisKeyword) return isRegistryField(value);
  if (ts.isCallExpression(value) && isFixedCount(value)) return true;
  // A part of such a list: `[…].filter(…)`, `ROLES.slice(1)`, `[...ROLES].sort(…)`.
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && SUBSET_METHODS.has(value.expression.name.text)) return isCodeDefined(value.expression.expression, from, depth + 1);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && isObjectIteration(value)) {
    const owner = unwrap(value.expression.expression);
    const argument = value.arguments[0];
    if (ts.isIdentifier(owner) && owner.text === 'Object' && argument) {
      const object = unwrap(argument);
      if (ts.isObjectLiteralExpression(object)) return true;
      if (ts.isPropertyAccessExpression(object) && object.expression.kind === ts.SyntaxKind.ThisKeyword) return isRegistryField(object);
      return ts.isIdentifier(object) && (CONSTANT_NAME.test(object.text) || /^[A-Z]/.test(object.text) || isConstObject(object.text, from) || isPartOfModuleObject(object));
    }
  }
  return false;
}

/** `xs.map(…)`, `xs.map(…).filter(…)`: new values made from each element. */
function mapsList(expression: ts.Expression): boolean {
  for (let value = unwrap(expression); ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression); value = unwrap(value.expression.expression)) {
    if (/^(?:map|flatMap)$/.test(value.expression.name.text)) return true;
  }
  return false;
}

/**
 * A list literal of values (`[Rank.Knight, 'Inquisitor'] as const`, `[planLimit, UNIVERSAL_LIMIT]`):
 * no object literals (rows of data), each spread itself a list the code writes.
 */
function isListOfValues(list: ts.ArrayLiteralExpression, from: ts.Node, depth: number, literalsToo: boolean): boolean {
  return list.elements.every((element) => {
    if (ts.isSpreadElement(element)) return isCodeDefined(element.expression, from, depth + 1);
    const value = unwrap(element);
    // A function's own list of literals (`['Books', 'Games']`) is what a seed script inserts row by
    // row; at module level or `as const` it is a fixed set of keys.
    if (ts.isLiteralExpression(value) || ts.isTemplateExpression(value) || ts.isPrefixUnaryExpression(value)) return literalsToo;
    return ts.isIdentifier(value) || ts.isPropertyAccessExpression(value);
  });
}

function isConstAssertion(expression: ts.Expression): boolean {
  let current: ts.Expression = expression;
  while (ts.isParenthesizedExpression(current) || ts.isSatisfiesExpression(current)) current = current.expression;
  return ts.isAsExpression(current) && ts.isTypeReferenceNode(current.type) && current.type.typeName.getText() === 'const';
}

/** `queue.push(…)`, `list.shift()` in the scope that declares the list: it changes as the code runs. */
function isMutated(name: string, declaration: ts.Node): boolean {
  let scope: ts.Node | undefined = declaration.parent;
  while (scope && !ts.isBlock(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return true;
  let mutated = false;
  const walk = (node: ts.Node): void => {
    if (mutated) return;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && /^(?:push|pop|shift|unshift|splice|fill|copyWithin)$/.test(node.expression.name.text) && ts.isIdentifier(node.expression.expression) && node.expression.expression.text === name) mutated = true;
    else ts.forEachChild(node, walk);
  };
  walk(scope);
  return mutated;
}

/** A module's list of definitions (`const migrations: Migration[] = [{ id: 1, run: async () => … }]`): entries that carry code, or none yet. */
function isListOfDefinitions(list: ts.ArrayLiteralExpression): boolean {
  return list.elements.every((element) => {
    const value = unwrap(element as ts.Expression);
    return ts.isObjectLiteralExpression(value) && value.properties.some((property) => ts.isMethodDeclaration(property) || (ts.isPropertyAssignment(property) && isFunctionLike(unwrap(property.initializer))));
  });
}

function isModuleLevel(declaration: ts.Node): boolean {
  for (let current = declaration.parent; current; current = current.parent) {
    if (isFunctionLike(current) || ts.isClassLike(current)) return false;
    if (ts.isSourceFile(current)) return true;
  }
  return false;
}

/**
 * `Array.from({ length: 9 }, …)`, `Array(COUNT).fill(…)`, `generateMockUsers(50)`: a count written
 * in the code (a function given only a number, and not awaited, makes that many values; an awaited
 * one may read rows).
 */
function isFixedCount(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  const fixed = (node: ts.Expression | undefined): boolean => {
    const count = node && unwrap(node);
    return count !== undefined && (ts.isNumericLiteral(count) || (ts.isIdentifier(count) && CONSTANT_NAME.test(count.text)));
  };
  if (ts.isIdentifier(callee) && call.arguments.length === 1 && ts.isNumericLiteral(unwrap(call.arguments[0]!)) && !ts.isAwaitExpression(call.parent)) return true;
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'from' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array') {
    const shape = call.arguments[0] && unwrap(call.arguments[0]);
    if (!shape || !ts.isObjectLiteralExpression(shape) || shape.properties.length !== 1) return false;
    const length = shape.properties[0]!;
    return propertyName(length) === 'length' && ts.isPropertyAssignment(length) && fixed(length.initializer);
  }
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'fill' && ts.isCallExpression(unwrap(callee.expression))) {
    const inner = unwrap(callee.expression) as ts.CallExpression;
    return ts.isIdentifier(inner.expression) && inner.expression.text === 'Array' && fixed(inner.arguments[0]);
  }
  return false;
}

const REGISTRY_NAME = /(?:definitions|registry)$/i;
const REGISTERING_METHOD = /^(?:define|register)/i;

/**
 * A field of the class that holds registered definitions: named so (`jobDefinitions`, `registry`),
 * or written only by the class's `define…`/`register…` methods (and its initializer): its entries
 * come from the code that registers them at start-up, not from rows.
 */
function isRegistryField(access: ts.PropertyAccessExpression): boolean {
  const name = access.name.text;
  if (REGISTRY_NAME.test(name.replace(/^[#_]+/, ''))) return true;
  let owner: ts.Node | undefined = access.parent;
  while (owner && !ts.isClassLike(owner)) owner = owner.parent;
  if (!owner) return false;
  let writes = 0;
  let outsideRegistration = false;
  const visit = (node: ts.Node): void => {
    if (outsideRegistration) return;
    if (ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword && node.name.text === name && isWrite(node)) {
      writes++;
      const method = enclosingMethodName(node);
      // The constructor may start the registry empty (`this.handlers = new Map()`).
      const startsEmpty = method === 'constructor' && ts.isBinaryExpression(node.parent) && isEmptyCollection(node.parent.right);
      if (!startsEmpty && (!method || !REGISTERING_METHOD.test(method))) outsideRegistration = true;
    }
    ts.forEachChild(node, visit);
  };
  visit(owner);
  return writes > 0 && !outsideRegistration;
}

function isEmptyCollection(expression: ts.Expression): boolean {
  const value = unwrap(expression);
  if (ts.isArrayLiteralExpression(value)) return value.elements.length === 0;
  if (ts.isObjectLiteralExpression(value)) return value.properties.length === 0;
  return ts.isNewExpression(value) && (value.arguments?.length ?? 0) === 0;
}

/** `this.x = …`, `this.x[key] = …`, `this.x.push(…)`, `this.x.set(…)`. */
function isWrite(access: ts.PropertyAccessExpression): boolean {
  let target: ts.Node = access;
  if (ts.isElementAccessExpression(target.parent) && target.parent.expression === target) target = target.parent;
  const parent = target.parent;
  if (ts.isBinaryExpression(parent) && parent.left === target && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) return true;
  return ts.isPropertyAccessExpression(parent) && parent.expression === target && /^(?:push|unshift|set|add|splice)$/.test(parent.name.text) && ts.isCallExpression(parent.parent);
}

function enclosingMethodName(node: ts.Node): string | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isMethodDeclaration(current) || ts.isConstructorDeclaration(current)) return ts.isConstructorDeclaration(current) ? 'constructor' : current.name.getText();
    if (ts.isPropertyDeclaration(current)) return current.name.getText();
    if (ts.isClassLike(current)) return undefined;
  }
  return undefined;
}

/**
 * A function's own short list of rows built from the call's values (`[{ usageType: 'input', price:
 * input.inputPrice }, { usageType: 'output', price: input.outputPrice }]`): one row per kind the code
 * names, a handful at most. A list of rows of literals only is what a seed script inserts row by row,
 * and is left alone.
 */
const KINDS_MAX = 10;

function isListOfKinds(list: ts.ArrayLiteralExpression): boolean {
  if (list.elements.length === 0 || list.elements.length > KINDS_MAX) return false;
  return list.elements.every((element) => {
    const value = unwrap(element as ts.Expression);
    return (
      ts.isObjectLiteralExpression(value) &&
      value.properties.every((property) => !ts.isSpreadAssignment(property)) &&
      value.properties.some((property) => ts.isShorthandPropertyAssignment(property) || (ts.isPropertyAssignment(property) && !isLiteralValue(property.initializer)))
    );
  });
}

function isLiteralValue(expression: ts.Expression): boolean {
  const value = unwrap(expression);
  return ts.isLiteralExpression(value) || ts.isNoSubstitutionTemplateLiteral(value) || ts.isPrefixUnaryExpression(value) || value.kind === ts.SyntaxKind.TrueKeyword || value.kind === ts.SyntaxKind.FalseKeyword || value.kind === ts.SyntaxKind.NullKeyword;
}

/**
 * A value destructured from an entry of a module's constant object (`const { fields } = queues[type]`,
 * with `const queues = { Comment: { fields: { content: true } }, … }` at the top of the file): its
 * keys are written in the code.
 */
function isPartOfModuleObject(identifier: ts.Identifier): boolean {
  const source = destructuredFrom(identifier);
  if (!source) return false;
  let object = unwrap(source.object);
  while (ts.isElementAccessExpression(object) || ts.isPropertyAccessExpression(object)) object = unwrap(object.expression);
  if (!ts.isIdentifier(object)) return false;
  const declaration = declarationOf(object.text, object);
  return declaration !== undefined && isModuleLevel(declaration) && isConstObject(object.text, object);
}

/** A `const` holding an object literal with properties and no spread: its keys are written in the code. */
function isConstObject(name: string, from: ts.Node): boolean {
  const initializer = constInitializer(name, from);
  const value = initializer && unwrap(initializer);
  return value !== undefined && ts.isObjectLiteralExpression(value) && value.properties.length > 0 && value.properties.every((property) => !ts.isSpreadAssignment(property));
}

