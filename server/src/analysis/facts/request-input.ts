/** Traces a value back to where it enters the program from outside: a request, a tRPC procedure's input, a route handler's parameter, `process.argv`. */
import ts = require('typescript');
import { isFunctionLike, shortText, terminalName, unwrap } from '../code/syntax';
import { freeTextZod, memberTypes, visibleZodSchema, zodElement, zodField } from './declared-types';
import { handlerParameterOrigin, isStringType, type InputOrigin } from './handler-inputs';
import { isTrustedText } from './trusted-sql-text';

export type { InputOrigin } from './handler-inputs';

/** What a request object holds that its sender chooses. */
const REQUEST_MEMBERS = new Set(['body', 'query', 'params', 'headers', 'cookies', 'url', 'originalUrl', 'path', 'nextUrl', 'search', 'rawBody']);
/** Methods of a request object (Fetch, Hono, Koa) that return what its sender chose. */
const REQUEST_METHODS = new Set(['json', 'text', 'formData', 'query', 'queries', 'param', 'header', 'cookie', 'parseBody', 'get']);
/** Methods whose result keeps the text (or the elements) of their receiver. */
const TEXT_PRESERVING = new Set(['trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase', 'toLocaleUpperCase', 'normalize', 'toString', 'valueOf', 'at', 'slice', 'substring', 'substr', 'replace', 'replaceAll', 'split', 'join', 'filter', 'flat', 'sort', 'reverse', 'find', 'findLast', 'pop', 'shift']);
/** Methods whose result adds other text around their receiver's. */
const TEXT_EXTENDING = new Set(['concat', 'padStart', 'padEnd']);
/** Global functions whose result keeps their argument's text. */
const TEXT_FUNCTIONS = new Set(['String', 'decodeURIComponent', 'decodeURI', 'encodeURI', 'encodeURIComponent', 'unescape']);
/** Array methods whose callback's first parameter is an element of the list. */
const ELEMENT_CALLBACKS = new Set(['map', 'flatMap', 'forEach', 'filter', 'find', 'findLast', 'some', 'every']);
const MAX_DEPTH = 12;

/** True when the origin is text that a request (or the command line) chooses. */
export function isInputText(origin: InputOrigin | undefined): origin is InputOrigin {
  if (!origin || origin.kind !== 'value' || origin.parseResult || origin.type) return false;
  return origin.schema === undefined || freeTextZod(origin.schema);
}

/**
 * Where the value of `expression` comes from, when the function (or a closure around it) takes it
 * from outside: through local `const`/`let` bindings, destructuring, templates and concatenation,
 * member access and calls that keep the text (`.trim()`, `String(x)`). Undefined for anything else:
 * constants, numbers, the environment, database reads, imports, other parameters, and values the
 * trusted-text checks accept (an allow-list checked before, quotes doubled by hand).
 */
export function inputOrigin(expression: ts.Expression, depth = 0): InputOrigin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const node = unwrap(expression);
  if (ts.isStringLiteralLike(node) || ts.isNumericLiteral(node)) return undefined;
  if ((ts.isIdentifier(node) || ts.isCallExpression(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) && isTrustedText(node)) return undefined;
  if (ts.isAwaitExpression(node)) return inputOrigin(node.expression, depth + 1);
  if (ts.isTemplateExpression(node)) return partial(firstOrigin(node.templateSpans.map((span) => span.expression), depth, true));
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.PlusToken) return partial(firstOrigin([node.left, node.right], depth, true));
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) return firstOrigin([node.left, node.right], depth);
    if (operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.CommaToken) return inputOrigin(node.right, depth + 1);
    return undefined;
  }
  if (ts.isConditionalExpression(node)) return firstOrigin([node.whenTrue, node.whenFalse], depth);
  if (ts.isArrayLiteralExpression(node)) return firstOrigin(node.elements.map((element) => (ts.isSpreadElement(element) ? element.expression : element)), depth);
  if (ts.isIdentifier(node)) return identifierOrigin(node, depth);
  if (ts.isPropertyAccessExpression(node)) {
    if (node.name.text === 'argv' && ts.isIdentifier(node.expression) && node.expression.text === 'process') return { kind: 'value', source: 'process.argv' };
    const owner = inputOrigin(node.expression, depth + 1);
    return owner && memberOf(owner, node.name.text);
  }
  if (ts.isElementAccessExpression(node)) {
    const owner = inputOrigin(node.expression, depth + 1);
    if (!owner) return undefined;
    const key = unwrap(node.argumentExpression);
    if (ts.isStringLiteralLike(key)) return memberOf(owner, key.text);
    return ts.isNumericLiteral(key) ? elementOf(owner) : owner.kind === 'value' && !owner.schema ? owner : undefined;
  }
  if (ts.isCallExpression(node)) return callOrigin(node, depth);
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['URL', 'URLSearchParams'].includes(node.expression.text)) {
    const argument = node.arguments?.[0];
    const origin = argument && inputOrigin(argument, depth + 1);
    return origin?.kind === 'value' ? { kind: 'value', source: origin.source } : undefined;
  }
  return undefined;
}

/** The origin of the first of several values that is input text, or (unless only text counts) of the first that is input at all. */
function firstOrigin(expressions: readonly ts.Expression[], depth: number, textOnly = false): InputOrigin | undefined {
  let fallback: InputOrigin | undefined;
  for (const expression of expressions) {
    const origin = inputOrigin(expression, depth + 1);
    if (isInputText(origin)) return origin;
    fallback ??= origin;
  }
  return textOnly ? undefined : fallback;
}

function partial(origin: InputOrigin | undefined): InputOrigin | undefined {
  return origin && { ...origin, partial: true };
}

/** Member `key` of a value, a request or a context. */
function memberOf(owner: InputOrigin, key: string): InputOrigin | undefined {
  if (owner.kind === 'request') return REQUEST_MEMBERS.has(key) ? { kind: 'value', source: `${owner.source}.${key}` } : undefined;
  if (owner.kind === 'context') return owner.member?.(key);
  if (key === 'length' || key === 'size') return undefined;
  if (owner.parseResult) return key === 'data' ? { kind: 'value', source: owner.source, ...(owner.schema ? { schema: owner.schema } : {}) } : undefined;
  if (owner.schema) {
    const field = zodField(owner.schema, key);
    return field && { kind: 'value', source: owner.source, schema: field };
  }
  if (owner.type) {
    const members = memberTypes(owner.type, key);
    return members?.length && members.every(isStringType) ? { kind: 'value', source: `${owner.source}.${key}` } : undefined;
  }
  return { kind: 'value', source: owner.source };
}

/** An element of a list: a loop variable, a callback's parameter, `list[0]`. */
function elementOf(owner: InputOrigin): InputOrigin | undefined {
  if (owner.kind !== 'value' || owner.type || owner.parseResult) return undefined;
  if (!owner.schema) return { kind: 'value', source: owner.source };
  const element = zodElement(owner.schema);
  return element && { kind: 'value', source: owner.source, schema: element };
}

function callOrigin(call: ts.CallExpression, depth: number): InputOrigin | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    if (TEXT_FUNCTIONS.has(callee.text) && call.arguments[0]) return valueOnly(inputOrigin(call.arguments[0], depth + 1));
    return undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  const receiver = callee.expression;
  const owner = unwrap(receiver);
  if (ts.isIdentifier(owner) && owner.text === 'JSON') return method === 'stringify' || method === 'parse' ? valueOnly(call.arguments[0] && inputOrigin(call.arguments[0], depth + 1)) : undefined;
  // `schema.parse(req.body)`: what the schema lets through, when the file spells it out.
  if (['parse', 'parseAsync', 'safeParse', 'safeParseAsync'].includes(method) && call.arguments[0]) {
    const parsed = inputOrigin(call.arguments[0], depth + 1);
    if (!parsed || parsed.kind !== 'value' || !visibleZodSchema(receiver)) return undefined;
    return { kind: 'value', source: parsed.source, schema: receiver, ...(method.startsWith('safe') ? { parseResult: true } : {}) };
  }
  if (ts.isIdentifier(owner) && owner.text === 'Object') {
    const origin = ['keys', 'values', 'entries'].includes(method) && call.arguments[0] ? inputOrigin(call.arguments[0], depth + 1) : undefined;
    return origin?.kind === 'value' && !origin.schema && !origin.type ? { kind: 'value', source: origin.source } : undefined;
  }
  if (ts.isIdentifier(owner) && owner.text === 'Array') return method === 'from' && call.arguments[0] ? valueOnly(inputOrigin(call.arguments[0], depth + 1)) : undefined;
  const origin = inputOrigin(receiver, depth + 1);
  if (!origin) return undefined;
  if (origin.kind === 'request') return REQUEST_METHODS.has(method) ? { kind: 'value', source: shortText(call, call.getSourceFile()) } : undefined;
  if (origin.kind !== 'value') return undefined;
  // `searchParams.get('q')`, `headers.get('x-tenant')`, `formData.get('name')`.
  if (method === 'get' || method === 'getAll') return origin.schema || origin.type ? undefined : { kind: 'value', source: getterText(call, receiver) };
  if (TEXT_PRESERVING.has(method)) return origin;
  if (TEXT_EXTENDING.has(method)) return { ...origin, partial: true };
  if (method === 'map' || method === 'flatMap') return callbackResult(call.arguments[0], depth);
  return undefined;
}

/** `searchParams.get('q')` for `new URL(request.url).searchParams.get('q')`: the getter and its key, for messages. */
function getterText(call: ts.CallExpression, receiver: ts.Expression): string {
  const sourceFile = call.getSourceFile();
  const owner = terminalName(receiver);
  const method = ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : 'get';
  return owner ? `${owner}.${method}(${call.arguments.map((argument) => shortText(argument, sourceFile)).join(', ')})` : shortText(call, sourceFile);
}

function valueOnly(origin: InputOrigin | undefined): InputOrigin | undefined {
  return origin?.kind === 'value' ? origin : undefined;
}

/** What `list.map((x) => …)` returns, given that `x` is traced through the list. */
function callbackResult(argument: ts.Expression | undefined, depth: number): InputOrigin | undefined {
  const callback = argument && unwrap(argument);
  if (!callback || !(ts.isArrowFunction(callback) || ts.isFunctionExpression(callback))) return undefined;
  if (!ts.isBlock(callback.body)) return inputOrigin(callback.body, depth + 1);
  const returns: ts.Expression[] = [];
  const walk = (child: ts.Node): void => {
    if (ts.isReturnStatement(child) && child.expression) returns.push(child.expression);
    if (!isFunctionLike(child)) ts.forEachChild(child, walk);
  };
  ts.forEachChild(callback.body, walk);
  return firstOrigin(returns, depth);
}

type Step = string | number | '...';
type Binding =
  | { kind: 'variable'; declaration: ts.VariableDeclaration; path: Step[] }
  | { kind: 'parameter'; parameter: ts.ParameterDeclaration; path: Step[] }
  | { kind: 'loop'; list: ts.Expression; path: Step[] };

function identifierOrigin(identifier: ts.Identifier, depth: number): InputOrigin | undefined {
  const binding = bindingOf(identifier);
  if (!binding) return undefined;
  let origin: InputOrigin | undefined;
  if (binding.kind === 'variable') origin = variableOrigin(binding.declaration, binding.path.length === 0, depth);
  else if (binding.kind === 'parameter') origin = parameterOrigin(binding.parameter, depth);
  else origin = (() => {
    const list = inputOrigin(binding.list, depth + 1);
    return list && elementOf(list);
  })();
  for (const step of binding.path) {
    if (!origin) return undefined;
    if (step === '...') continue;
    origin = typeof step === 'number' ? elementOf(origin) : memberOf(origin, step);
  }
  return origin;
}

/** The variables whose origin is being traced, so that `sql = sql + x` does not trace `sql` again. */
const tracing = new Set<ts.VariableDeclaration>();

/** A `const` or `let`'s value: its initializer, or for a `let` any value assigned or appended to it later. */
function variableOrigin(declaration: ts.VariableDeclaration, plainName: boolean, depth: number): InputOrigin | undefined {
  if (tracing.has(declaration)) return undefined;
  tracing.add(declaration);
  try {
    return assignedOrigin(declaration, plainName, depth);
  } finally {
    tracing.delete(declaration);
  }
}

function assignedOrigin(declaration: ts.VariableDeclaration, plainName: boolean, depth: number): InputOrigin | undefined {
  const initial = declaration.initializer && inputOrigin(declaration.initializer, depth + 1);
  if (initial) return initial;
  const list = declaration.parent;
  if (!plainName || !ts.isIdentifier(declaration.name) || !ts.isVariableDeclarationList(list) || list.flags & ts.NodeFlags.Const) return undefined;
  const name = declaration.name.text;
  const scope = list.parent.parent;
  let found: InputOrigin | undefined;
  const walk = (child: ts.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(child) && ts.isIdentifier(child.left) && child.left.text === name && child.right !== declaration.initializer) {
      const operator = child.operatorToken.kind;
      if (operator === ts.SyntaxKind.EqualsToken || operator === ts.SyntaxKind.QuestionQuestionEqualsToken || operator === ts.SyntaxKind.BarBarEqualsToken) found = inputOrigin(child.right, depth + 1);
      if (operator === ts.SyntaxKind.PlusEqualsToken) found = partial(inputOrigin(child.right, depth + 1));
    }
    ts.forEachChild(child, walk);
  };
  if (scope) walk(scope);
  return found;
}

/** What a parameter holds: an element of a traced list for `list.map((x) => …)`, or what a request handler's parameter holds. */
function parameterOrigin(parameter: ts.ParameterDeclaration, depth: number): InputOrigin | undefined {
  const fn = parameter.parent;
  const call = fn.parent;
  if (fn.parameters[0] === parameter && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(call) && call.arguments[0] === fn && ts.isPropertyAccessExpression(call.expression) && ELEMENT_CALLBACKS.has(call.expression.name.text)) {
    const list = inputOrigin(call.expression.expression, depth + 1);
    return list && elementOf(list);
  }
  return handlerParameterOrigin(parameter);
}

/** The declaration that binds `identifier` in the nearest scope around it, and the path to it inside a destructuring. */
function bindingOf(identifier: ts.Identifier): Binding | undefined {
  const name = identifier.text;
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    if (isFunctionLike(scope)) {
      for (const parameter of scope.parameters) {
        const path = pathTo(parameter.name, name);
        if (path) return { kind: 'parameter', parameter, path };
      }
    }
    if ((ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && ts.isVariableDeclarationList(scope.initializer)) {
      for (const declaration of scope.initializer.declarations) {
        const path = pathTo(declaration.name, name);
        if (path) return { kind: 'loop', list: scope.expression, path };
      }
    }
    if (!(ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isCaseClause(scope) || ts.isModuleBlock(scope))) continue;
    for (const statement of scope.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        // `const x = x.trim()` reads an outer `x`.
        if (identifier.pos >= declaration.pos && identifier.end <= declaration.end && declaration.initializer && identifier.pos >= declaration.initializer.pos) continue;
        const path = pathTo(declaration.name, name);
        if (path) return { kind: 'variable', declaration, path };
      }
    }
  }
  return undefined;
}

/** The keys and indexes that lead to `name` in a binding: `[]` for `name` itself, `['query', 'sort']` for `{ query: { sort } }`. */
function pathTo(binding: ts.BindingName, name: string): Step[] | undefined {
  if (ts.isIdentifier(binding)) return binding.text === name ? [] : undefined;
  for (const [index, element] of binding.elements.entries()) {
    if (ts.isOmittedExpression(element)) continue;
    const inner = pathTo(element.name, name);
    if (!inner) continue;
    if (element.dotDotDotToken) return ['...', ...inner];
    if (ts.isArrayBindingPattern(binding)) return [index, ...inner];
    const key = element.propertyName ?? element.name;
    const text = ts.isIdentifier(key) || ts.isStringLiteral(key) || ts.isNumericLiteral(key) ? key.text : undefined;
    return text === undefined ? undefined : [text, ...inner];
  }
  return undefined;
}
