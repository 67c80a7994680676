/** Questions code rules ask about where a node sits: its function, a surrounding transaction, a request handler, a constant's value. */
import ts = require('typescript');
import { boundNames, calleeName, isFunctionLike, terminalName } from '../code/syntax';

/** The innermost function around `node`, or undefined at module level. */
export function enclosingFunction(node: ts.Node): ts.FunctionLikeDeclaration | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (isFunctionLike(current)) return current;
  }
  return undefined;
}

/** The `$transaction(…)` call whose callback or array holds `node`, if any. */
export function enclosingTransaction(node: ts.Node): ts.CallExpression | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isCallExpression(current) && calleeName(current) === '$transaction') return current;
  }
  return undefined;
}

/** True when the client expression is a transaction client: `tx`, `trx`, or a parameter typed `TransactionClient`. */
export function isTransactionClient(client: string, node: ts.Node): boolean {
  if (/^(?:tx|trx|\$tx|transaction|txn)$/i.test(client) || /Tx$/.test(client)) return true;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    for (const parameter of fn.parameters) {
      if (ts.isIdentifier(parameter.name) && parameter.name.text === client && parameter.type && /TransactionClient|\bPrismaTx\b/.test(parameter.type.getText())) return true;
    }
  }
  return false;
}

/** The declaration of `name` visible from `from`: the nearest enclosing scope that declares it. */
export function declarationOf(name: string, from: ts.Node): ts.VariableDeclaration | ts.ParameterDeclaration | undefined {
  for (let scope: ts.Node | undefined = from.parent; scope; scope = scope.parent) {
    if (isFunctionLike(scope)) {
      const parameter = scope.parameters.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === name);
      if (parameter) return parameter;
    }
    if (!(ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isCaseClause(scope) || ts.isModuleBlock(scope))) continue;
    const declaration = variablesOf(scope).get(name);
    // A module-level constant may be declared below a function that reads it: it is set before any call.
    if (declaration && (declaration.pos < from.pos || (ts.isSourceFile(scope) && enclosingFunction(from) !== undefined))) return declaration;
  }
  return undefined;
}

const variablesByScope = new WeakMap<ts.Node, Map<string, ts.VariableDeclaration>>();

/** The variables a block declares by name (the first of each name), read once per block. */
function variablesOf(scope: ts.Block | ts.SourceFile | ts.CaseClause | ts.ModuleBlock): Map<string, ts.VariableDeclaration> {
  let variables = variablesByScope.get(scope);
  if (variables) return variables;
  variables = new Map();
  for (const statement of scope.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && !variables.has(declaration.name.text)) variables.set(declaration.name.text, declaration);
    }
  }
  variablesByScope.set(scope, variables);
  return variables;
}

/** The initializer of a `const` named `name` visible from `from`. */
export function constInitializer(name: string, from: ts.Node): ts.Expression | undefined {
  const declaration = declarationOf(name, from);
  if (!declaration || !ts.isVariableDeclaration(declaration) || !declaration.initializer) return undefined;
  const list = declaration.parent;
  if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
  return declaration.initializer;
}

/** Array methods whose callback's first parameter is an element of the list. */
const ELEMENT_CALLBACKS = new Set(['map', 'flatMap', 'forEach', 'filter', 'find', 'some', 'every', 'findLast']);

const HTTP_METHODS = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/;
const HANDLER_NAMES = /^(?:loader|action|getServerSideProps|handler|load)$/;
const ROUTER_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'all', 'route', 'use', 'query', 'mutation', 'handler']);
const CONTROLLER_DECORATORS = /^(?:Get|Post|Put|Patch|Delete|All|Query|Mutation|ResolveField)$/;

/**
 * True when `fn` answers a request: an exported `GET`/`POST`/`loader`/`action` (Next.js, Remix,
 * SvelteKit), a callback given to `app.get(…)`/`router.post(…)`/tRPC `.query(…)`, or a controller
 * or resolver method with `@Get()`, `@Query()`…
 */
export function isRequestHandler(fn: ts.FunctionLikeDeclaration): boolean {
  const name = functionName(fn);
  if (name && (HTTP_METHODS.test(name) || HANDLER_NAMES.test(name)) && isExported(fn)) return true;
  if (ts.isMethodDeclaration(fn)) {
    const decorators = ts.canHaveDecorators(fn) ? (ts.getDecorators(fn) ?? []) : [];
    if (decorators.some((decorator) => ts.isCallExpression(decorator.expression) && CONTROLLER_DECORATORS.test(calleeName(decorator.expression) ?? ''))) return true;
  }
  const parent = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(parent) && parent.arguments.includes(fn)) {
    const callee = calleeName(parent);
    if (callee && ROUTER_METHODS.has(callee) && ts.isPropertyAccessExpression(parent.expression) && isRouterReceiver(parent.expression.expression)) {
      // `app.get('/users', (req, res) => …)`, `t.procedure.query(async () => …)`: not `map.get(key)`.
      const first = parent.arguments[0];
      return parent.arguments.length === 1 ? callee === 'query' || callee === 'mutation' : first !== undefined && (ts.isStringLiteralLike(first) || callee === 'use');
    }
  }
  return false;
}

/** `app`, `router`, `fastify`, `server`, `api`, `userRouter`, `t.procedure`, `publicProcedure.input(…)`: what routes are registered on. */
function isRouterReceiver(expression: ts.Expression): boolean {
  const text = expression.getText();
  return /^(?:app|router|server|fastify|api|routes?|hono|express|instance)$|Router$|App$|[pP]rocedure\b/.test(terminalName(expression) ?? '') || /[pP]rocedure\b/.test(text);
}

function functionName(fn: ts.FunctionLikeDeclaration): string | undefined {
  if (fn.name && ts.isIdentifier(fn.name)) return fn.name.text;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  return undefined;
}

function isExported(fn: ts.FunctionLikeDeclaration): boolean {
  const holder = ts.isFunctionDeclaration(fn) ? fn : ts.isVariableDeclaration(fn.parent) ? fn.parent.parent.parent : undefined;
  if (!holder || !ts.canHaveModifiers(holder)) return false;
  return (ts.getModifiers(holder) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}

/** The identifiers an expression reads, by name (property names excluded). */
export function namesRead(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const walk = (current: ts.Node): void => {
    if (ts.isIdentifier(current)) {
      const parent = current.parent;
      if (parent && ts.isPropertyAccessExpression(parent) && parent.name === current) return;
      if (parent && ts.isPropertyAssignment(parent) && parent.name === current) return;
      names.add(current.text);
      return;
    }
    ts.forEachChild(current, walk);
  };
  walk(node);
  return names;
}

/** `(format) => …` given to `formats.map(…)`, `.forEach(…)`, `.filter(…)`: the list the parameter is an element of. */
export function callbackList(identifier: ts.Identifier): ts.Expression | undefined {
  const declaration = declarationOf(identifier.text, identifier);
  if (!declaration || !ts.isParameter(declaration)) return undefined;
  const fn = declaration.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== declaration) return undefined;
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn || !ts.isPropertyAccessExpression(call.expression)) return undefined;
  return ELEMENT_CALLBACKS.has(call.expression.name.text) ? call.expression.expression : undefined;
}

/** `const { format } = input`, `const { alias: name } = cfg`: the object and key a `const` is destructured from. */
export function destructuredFrom(identifier: ts.Identifier): { object: ts.Expression; key: string } | undefined {
  for (let scope: ts.Node | undefined = identifier.parent; scope; scope = scope.parent) {
    // A parameter of that name nearer than any destructuring shadows it.
    if (isFunctionLike(scope) && scope.parameters.some((parameter) => boundNames(parameter.name).includes(identifier.text))) return undefined;
    if (!ts.isBlock(scope) && !ts.isSourceFile(scope)) continue;
    for (const statement of scope.statements) {
      if (statement.pos >= identifier.pos) break;
      if (!ts.isVariableStatement(statement)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name) && declaration.name.text === identifier.text) return undefined;
        if (!ts.isObjectBindingPattern(declaration.name) || !declaration.initializer || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
        const element = declaration.name.elements.find((candidate) => ts.isIdentifier(candidate.name) && candidate.name.text === identifier.text && !candidate.dotDotDotToken);
        if (!element) continue;
        const key = element.propertyName ? element.propertyName.getText() : identifier.text;
        return { object: declaration.initializer, key };
      }
    }
  }
  return undefined;
}
