/**
 * A file's summary for the workspace: for each function other files can call (exported functions,
 * the default export, methods of classes and of exported objects), the queries every call runs,
 * the other files' functions every call calls, and a call outside the database it makes on every
 * path, as plain data (`facts/workspace-calls.ts`).
 */
import ts = require('typescript');
import type { FunctionSummary, ModuleSummary, PassedProtection, Place } from '../facts/workspace-calls';
import { isProtected, PROTECTION, protectedEarlier } from '../facts/protected-values';
import type { CodeRuleContext } from './context';
import { moduleCalls } from './module-calls';
import { outsideCallOnEveryCall } from './outside-calls';
import { inCatchClause, perIterationAnalysis } from './per-iteration';
import { compactText, shortText, unwrap } from './syntax';

/** Queries named per function: the first is what a finding names. */
const MAX_QUERIES = 3;
const MAX_CALLS = 12;

export function summarizeModule(context: CodeRuleContext): ModuleSummary {
  const functions: Record<string, FunctionSummary> = {};
  const quiet = new Set<string>();
  const analysis = perIterationAnalysis(context);
  const { calls: targets } = moduleCalls(context.sourceFile, context.index.functions);
  const sourceFile = context.sourceFile;
  for (const [key, fn] of callableFunctions(sourceFile)) {
    if (functions[key]) continue;
    const queries = analysis
      .summary(fn, 0)
      .filter((site) => !inCatchClause(site.node))
      .slice(0, MAX_QUERIES)
      .map((site) => ({ callee: site.callee, operation: site.operation, at: placeOf(site.node.getStart(sourceFile), site.span.end, sourceFile) }));
    const calls = analysis
      .outgoingCalls(fn)
      .slice(0, MAX_CALLS)
      .map((call) => ({ text: callText(call, sourceFile), target: targets.get(call)!, at: placeOf(call.expression.getStart(sourceFile), call.expression.getEnd(), sourceFile) }));
    const outside = outsideCallOnEveryCall(context, fn);
    if (queries.length || calls.length || outside !== undefined) functions[key] = { queries, calls, ...(outside !== undefined ? { outside } : {}) };
    else quiet.add(key);
  }
  for (const key of Object.keys(functions)) quiet.delete(key);
  const instances = importedClassInstances(sourceFile, moduleCalls(sourceFile, context.index.functions).imports);
  const passes: PassedProtection[] = [];
  // A file that names no hashing or encryption anywhere passes nothing protected: its calls are recorded with nothing known.
  const mayProtect = PROTECTION.test(sourceFile.text);
  for (const [call, target] of targets) if (call.arguments.length > 0) passes.push({ target, args: mayProtect ? call.arguments.map((argument) => protectionOf(argument, call)) : [] });
  return { uri: context.uri, functions, quiet: [...quiet], ...(Object.keys(instances).length ? { instances } : {}), ...(passes.length ? { passes } : {}) };
}

/** What is known of an argument's protection: hashed or encrypted as a whole (1), the keys of an object literal whose values are, or nothing (0). */
function protectionOf(argument: ts.Expression, call: ts.CallExpression): 0 | 1 | string[] {
  if (ts.isSpreadElement(argument)) return 0;
  const value = unwrap(argument);
  // An object literal is known key by key: one encrypted property says nothing of the others.
  if (!ts.isObjectLiteralExpression(value)) return isProtected(argument) || protectedEarlier(argument, call) ? 1 : 0;
  const keys: string[] = [];
  for (const property of value.properties) {
    const written = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
    const key = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
    if (written && key && (isProtected(written) || protectedEarlier(written, call))) keys.push(key);
  }
  return keys.length > 0 ? keys : 0;
}

const keysByFile = new WeakMap<ts.SourceFile, Map<ts.FunctionLikeDeclaration, string>>();

/** The key other files' calls of `fn` are summarised under (`Class.method`, an exported name), when they can call it. */
export function callableKey(sourceFile: ts.SourceFile, fn: ts.FunctionLikeDeclaration): string | undefined {
  let keys = keysByFile.get(sourceFile);
  if (!keys) {
    keys = new Map();
    for (const [key, callable] of callableFunctions(sourceFile)) if (!keys.has(callable)) keys.set(callable, key);
    keysByFile.set(sourceFile, keys);
  }
  return keys.get(fn);
}

/**
 * `export const monitorManager = new MonitorManager()` with the class imported from another file:
 * `monitorManager.setActive(…)` elsewhere runs that file's `MonitorManager.setActive`.
 */
function importedClassInstances(sourceFile: ts.SourceFile, imports: ReadonlyMap<string, { from: string; name: string }>): Record<string, { type: string; from: string }> {
  const instances: Record<string, { type: string; from: string }> = {};
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !hasModifier(statement, ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      const value = declaration.initializer && unwrap(declaration.initializer);
      if (!ts.isIdentifier(declaration.name) || !value || !ts.isNewExpression(value) || !ts.isIdentifier(value.expression)) continue;
      const binding = imports.get(value.expression.text);
      if (binding && binding.name !== '*') instances[declaration.name.text] = { type: binding.name === 'default' ? value.expression.text : binding.name, from: binding.from };
    }
  }
  return instances;
}

function callText(call: ts.CallExpression, sourceFile: ts.SourceFile): string {
  const args = call.arguments.map((argument) => shortText(argument, sourceFile, 24)).join(', ');
  return `${compactText(call.expression, sourceFile)}(${args.length <= 30 ? args : '…'})`;
}

function placeOf(start: number, end: number, sourceFile: ts.SourceFile): Place {
  const from = sourceFile.getLineAndCharacterOfPosition(start);
  const to = sourceFile.getLineAndCharacterOfPosition(end);
  return { line: from.line, character: from.character, endCharacter: to.line === from.line ? to.character : from.character + 1 };
}

/** The functions of a file other files can call, by key. */
function callableFunctions(sourceFile: ts.SourceFile): [string, ts.FunctionLikeDeclaration][] {
  const found: [string, ts.FunctionLikeDeclaration][] = [];
  const topLevel = new Map<string, ts.FunctionLikeDeclaration>();
  const objects = new Map<string, ts.ObjectLiteralExpression>();
  const exported = new Set<string>();
  /** `export const monitorManager = new MonitorManager()`: its methods are callable as `monitorManager.method`. */
  const instances = new Map<string, string>();
  const classes = new Map<string, ts.ClassLikeDeclaration>();
  const addClass = (declaration: ts.ClassLikeDeclaration, name: string): void => {
    classes.set(name, declaration);
    for (const member of declaration.members) {
      const memberName = member.name && (ts.isIdentifier(member.name) || ts.isPrivateIdentifier(member.name)) ? member.name.text : undefined;
      if (!memberName) continue;
      if (ts.isMethodDeclaration(member) && member.body) found.push([`${name}.${memberName}`, member]);
      if (ts.isPropertyDeclaration(member) && member.initializer) {
        const value = unwrap(member.initializer);
        if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) found.push([`${name}.${memberName}`, value]);
      }
    }
  };
  for (const statement of sourceFile.statements) {
    const isExported = hasModifier(statement, ts.SyntaxKind.ExportKeyword);
    const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
    if (ts.isFunctionDeclaration(statement) && statement.body) {
      if (statement.name) topLevel.set(statement.name.text, statement);
      if (isExported && statement.name) exported.add(statement.name.text);
      if (isDefault) found.push(['default', statement]);
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      addClass(statement, statement.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
        const value = unwrap(declaration.initializer);
        const name = declaration.name.text;
        if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) topLevel.set(name, value);
        else if (ts.isObjectLiteralExpression(value)) objects.set(name, value);
        else if (ts.isClassExpression(value)) addClass(value, name);
        else if (ts.isNewExpression(value) && ts.isIdentifier(value.expression)) instances.set(name, value.expression.text);
        if (isExported) exported.add(name);
      }
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) {
        const local = (element.propertyName ?? element.name).text;
        const fn = topLevel.get(local);
        if (element.name.text === 'default' && fn) found.push(['default', fn]);
        else exported.add(local);
      }
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals) {
      const value = unwrap(statement.expression);
      if (ts.isIdentifier(value)) {
        const fn = topLevel.get(value.text);
        if (fn) found.push(['default', fn]);
      } else if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) {
        found.push(['default', value]);
      }
    }
  }
  for (const name of exported) {
    const fn = topLevel.get(name);
    if (fn) found.push([name, fn]);
    const instanceOf = instances.get(name);
    const declaration = instanceOf ? classes.get(instanceOf) : undefined;
    if (declaration) for (const [key, method] of found.filter(([key]) => key.startsWith(`${instanceOf}.`))) if (declaration.members.some((member) => member === method || member === method.parent)) found.push([`${name}.${key.slice(instanceOf!.length + 1)}`, method]);
    const object = objects.get(name);
    if (!object) continue;
    for (const property of object.properties) {
      const key = property.name && ts.isIdentifier(property.name) ? property.name.text : undefined;
      if (!key) continue;
      if (ts.isMethodDeclaration(property) && property.body) found.push([`${name}.${key}`, property]);
      if (ts.isPropertyAssignment(property)) {
        const value = unwrap(property.initializer);
        if (ts.isArrowFunction(value) || ts.isFunctionExpression(value)) found.push([`${name}.${key}`, value]);
      }
    }
  }
  return found;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}
