/**
 * What a function's callers in the same file pass for one of its parameters: `saveClient(data)` writes
 * `data.clientSecret`, and `saveClient({ clientSecret: encrypt(secret) })` is what it is given.
 */
import ts = require('typescript');
import type { FileIndex } from '../code/file-index';
import { resolveLocalCall } from '../code/local-functions';
import { isFunctionLike, propertyName, unwrap } from '../code/syntax';
import { constInitializer, declarationOf, destructuredFrom } from './code-scope';

/** A value read from a parameter: `secret`, `data.clientSecret`, `{ clientSecret }` destructured in the parameter list. */
export interface ParameterSource {
  fn: ts.FunctionLikeDeclaration;
  /** The parameter's position in `fn.parameters`. */
  index: number;
  /** The parameter's name when it is a plain identifier. */
  name: string | undefined;
  /** The properties read from the parameter, outermost first: `['clientSecret']` for `data.clientSecret`. */
  path: string[];
}

/** What one call passes: the expression reached, and the part of the path it could not follow (a value not written as a literal). */
export interface PassedArgument {
  call: ts.CallExpression;
  value: ts.Expression | undefined;
  rest: string[];
}

/** The parameter `value` reads, when it is one of an enclosing function's parameters or a property of one. */
export function parameterSource(value: ts.Expression, suffix: string[] = []): ParameterSource | undefined {
  const path = [...suffix];
  let node = unwrap(value);
  for (;;) {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.name)) path.unshift(node.name.text);
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) path.unshift(node.argumentExpression.text);
    else break;
    node = unwrap(node.expression);
  }
  if (!ts.isIdentifier(node)) return undefined;
  const declaration = declarationOf(node.text, node);
  if (declaration && ts.isParameter(declaration) && isFunctionLike(declaration.parent)) {
    const fn = declaration.parent;
    return { fn, index: fn.parameters.indexOf(declaration), name: node.text, path };
  }
  if (declaration) return undefined;
  // `const { clientSecret } = data` with `data` a parameter.
  const destructured = destructuredFrom(node);
  if (destructured) return parameterSource(destructured.object, [destructured.key, ...path]);
  // `function save({ clientSecret }: Input)`: a name bound by a parameter's pattern.
  for (let scope: ts.Node | undefined = node.parent; scope; scope = scope.parent) {
    if (!isFunctionLike(scope)) continue;
    for (const [index, parameter] of scope.parameters.entries()) {
      const inner = bindingPath(parameter.name, node.text);
      if (inner) return { fn: scope, index, name: undefined, path: [...inner, ...path] };
    }
  }
  return undefined;
}

/** The property path at which an object pattern binds `name`: `['a', 'b']` for `{ a: { b: name } }`. */
function bindingPath(pattern: ts.BindingName, name: string): string[] | undefined {
  if (!ts.isObjectBindingPattern(pattern)) return undefined;
  for (const element of pattern.elements) {
    if (element.dotDotDotToken) continue;
    const key = element.propertyName ? (ts.isIdentifier(element.propertyName) || ts.isStringLiteralLike(element.propertyName) ? element.propertyName.text : undefined) : ts.isIdentifier(element.name) ? element.name.text : undefined;
    if (key === undefined) continue;
    if (ts.isIdentifier(element.name)) {
      if (element.name.text === name) return [key];
      continue;
    }
    const inner = bindingPath(element.name, name);
    if (inner) return [key, ...inner];
  }
  return undefined;
}

/**
 * What every call of `source.fn` in its file passes for the parameter, followed along its path through
 * object literals and the `const`s they are held in. Undefined when no call is visible, or when the
 * function is also used other than by a call in the file (`items.map(save)`): its callers are unknown.
 * `skip` leaves out calls that are not the function's, however named (Prisma's own `create`).
 */
export function argumentsPassed(index: FileIndex, source: ParameterSource, skip: (call: ts.CallExpression) => boolean): PassedArgument[] | undefined {
  const named = callableName(source.fn);
  if (!named || source.index < 0 || source.fn.parameters[source.index]?.dotDotDotToken) return undefined;
  const calls: ts.CallExpression[] = [];
  let escapes = false;
  const walk = (node: ts.Node): void => {
    if (escapes) return;
    if (ts.isCallExpression(node) && !skip(node)) {
      const callee = unwrap(node.expression);
      if (ts.isIdentifier(callee) ? !named.method && callee.text === named.name : ts.isPropertyAccessExpression(callee) && callee.name.text === named.name && named.method) {
        const targets = resolveLocalCall(index, node)?.targets;
        // `this.save(…)` and `repo.save(…)` resolve to the file's functions; a method called on another receiver is taken as this one.
        if (targets ? targets.includes(source.fn) : ts.isPropertyAccessExpression(callee) && callee.expression.kind !== ts.SyntaxKind.ThisKeyword) calls.push(node);
      }
    } else if (!named.method && ts.isIdentifier(node) && node.text === named.name && isEscapingReference(node)) {
      escapes = true;
    }
    ts.forEachChild(node, walk);
  };
  walk(index.sourceFile);
  if (escapes || calls.length === 0) return undefined;
  return calls.map((call) => {
    const argument = call.arguments[source.index];
    if (!argument || ts.isSpreadElement(argument) || call.arguments.slice(0, source.index).some(ts.isSpreadElement)) return { call, value: undefined, rest: source.path };
    return { call, ...follow(argument, source.path) };
  });
}

/** How the function is called: a plain name (a declaration, `const save = …`), or a method name (`this.save`, `repo.save`). */
function callableName(fn: ts.FunctionLikeDeclaration): { name: string; method: boolean } | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name ? { name: fn.name.text, method: false } : undefined;
  if (ts.isMethodDeclaration(fn)) return ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name) ? { name: fn.name.text, method: true } : undefined;
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return undefined;
  const parent = fn.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return { name: parent.name.text, method: false };
  if ((ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && (ts.isIdentifier(parent.name) || ts.isPrivateIdentifier(parent.name))) return { name: parent.name.text, method: true };
  return undefined;
}

/** A use of a function's name that is neither its declaration, a call of it, an export of it, nor a property's name. */
function isEscapingReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isCallExpression(parent) && parent.expression === node) return false;
  if ((ts.isFunctionDeclaration(parent) || ts.isVariableDeclaration(parent)) && parent.name === node) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) || ts.isPropertyDeclaration(parent)) && parent.name === node) return false;
  if (ts.isExportSpecifier(parent) || ts.isExportAssignment(parent)) return false;
  return true;
}

/** Follows `path` into an argument: `{ clientSecret: x }` gives `x`; a `const` holding a literal is looked through. */
function follow(argument: ts.Expression, path: string[]): { value: ts.Expression | undefined; rest: string[] } {
  let value = unwrap(argument);
  let rest = path;
  for (let step = 0; rest.length > 0 && step < 8; step++) {
    if (ts.isIdentifier(value)) {
      const initializer = constInitializer(value.text, value);
      if (!initializer) break;
      value = unwrap(initializer);
      continue;
    }
    if (!ts.isObjectLiteralExpression(value)) break;
    const key = rest[0];
    const property = [...value.properties].reverse().find((candidate) => propertyName(candidate) === key || ts.isSpreadAssignment(candidate));
    if (!property) return { value: undefined, rest };
    if (ts.isSpreadAssignment(property)) {
      // `{ ...input }`: the property comes from the spread value, whose path is unchanged.
      value = unwrap(property.expression);
      continue;
    }
    if (ts.isPropertyAssignment(property)) value = unwrap(property.initializer);
    else if (ts.isShorthandPropertyAssignment(property)) value = property.name;
    else return { value: undefined, rest };
    rest = rest.slice(1);
  }
  return { value, rest };
}
