/**
 * Reads a Prisma call's argument object from its syntax tree into plain values, the way Prisma
 * Client would see them: literals become their values, `new Date("…")` and `10n` become the JSON
 * protocol's tagged scalars, and anything only known when the code runs (a variable, a call, a
 * template with substitutions) becomes a `RuntimeValue` that the compiler later sees as a parameter.
 */
import ts = require('typescript');
import { compactText, unwrap } from '../analysis/code/syntax';

/** A value the source does not fix: named by its source text, shortened for display. */
export interface RuntimeValue {
  kind: 'runtime';
  text: string;
}

/** A JSON protocol tagged scalar: `{ $type: 'DateTime', value: '…' }` and friends. */
export interface TaggedValue {
  kind: 'tagged';
  tag: 'DateTime' | 'BigInt' | 'Decimal' | 'Bytes' | 'Json' | 'Enum';
  value: string;
}

export type ArgValue = string | number | boolean | null | ArgValue[] | ArgObject | RuntimeValue | TaggedValue;

/** An object literal; `undefined` properties are left out, as Prisma Client leaves them out. */
export interface ArgObject {
  kind: 'object';
  entries: Map<string, ArgValue>;
}

/** Thrown inside the explain modules for input Prisma Lens cannot turn into a request; caught at the entry point. */
export class ExplainInputError extends Error {}

export function isRuntime(value: ArgValue | undefined): value is RuntimeValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'runtime';
}

export function isObject(value: ArgValue | undefined): value is ArgObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'object';
}

export function isTagged(value: ArgValue | undefined): value is TaggedValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.kind === 'tagged';
}

export function objectOf(entries: Record<string, ArgValue>): ArgObject {
  return { kind: 'object', entries: new Map(Object.entries(entries)) };
}

const UNDEFINED = Symbol('undefined');
const MAX_NAME = 60;
const MAX_DEPTH = 64;

/** Reads an argument expression; `undefined` when the whole argument is absent or `undefined`. */
export function readArgument(expression: ts.Expression | undefined, sourceFile: ts.SourceFile): ArgValue | undefined {
  if (!expression) return undefined;
  const value = read(expression, sourceFile, 0);
  return value === UNDEFINED ? undefined : value;
}

function read(node: ts.Expression, sourceFile: ts.SourceFile, depth: number): ArgValue | typeof UNDEFINED {
  if (depth > MAX_DEPTH) throw new ExplainInputError('the argument object is nested too deeply to show its SQL');
  const expression = unwrap(node);
  if (ts.isStringLiteral(expression) || ts.isNoSubstitutionTemplateLiteral(expression)) return expression.text;
  if (ts.isNumericLiteral(expression)) return Number(expression.text);
  if (ts.isBigIntLiteral(expression)) return { kind: 'tagged', tag: 'BigInt', value: BigInt(expression.text.slice(0, -1)).toString() };
  if (expression.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (expression.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (expression.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isIdentifier(expression) && expression.text === 'undefined') return UNDEFINED;
  if (ts.isPrefixUnaryExpression(expression) && expression.operator === ts.SyntaxKind.MinusToken) {
    const operand = unwrap(expression.operand);
    if (ts.isNumericLiteral(operand)) return -Number(operand.text);
    if (ts.isBigIntLiteral(operand)) return { kind: 'tagged', tag: 'BigInt', value: (-BigInt(operand.text.slice(0, -1))).toString() };
  }
  if (ts.isArrayLiteralExpression(expression)) {
    const items: ArgValue[] = [];
    for (const element of expression.elements) {
      if (ts.isSpreadElement(element)) return runtime(expression, sourceFile);
      const item = read(element, sourceFile, depth + 1);
      // Prisma Client serializes `undefined` inside arrays as null, like JSON.stringify.
      items.push(item === UNDEFINED ? null : item);
    }
    return items;
  }
  if (ts.isObjectLiteralExpression(expression)) return readObject(expression, sourceFile, depth);
  const tagged = readConstructedScalar(expression);
  if (tagged) return tagged;
  return runtime(expression, sourceFile);
}

function readObject(object: ts.ObjectLiteralExpression, sourceFile: ts.SourceFile, depth: number): ArgObject {
  const entries = new Map<string, ArgValue>();
  for (const property of object.properties) {
    if (ts.isSpreadAssignment(property)) {
      throw new ExplainInputError(
        `the argument object spreads \`${shorten(compactText(property.expression, sourceFile))}\`, whose properties are only known when the code runs; write them out to see the SQL`,
      );
    }
    if (ts.isShorthandPropertyAssignment(property)) {
      entries.set(property.name.text, runtime(property.name, sourceFile));
      continue;
    }
    if (!ts.isPropertyAssignment(property)) continue;
    const name = property.name;
    let key: string;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) key = name.text;
    else if (ts.isComputedPropertyName(name) && (ts.isStringLiteral(name.expression) || ts.isNoSubstitutionTemplateLiteral(name.expression))) key = name.expression.text;
    else throw new ExplainInputError(`the property name \`${shorten(compactText(name, sourceFile))}\` is only known when the code runs`);
    const value = read(property.initializer, sourceFile, depth + 1);
    if (value === UNDEFINED) entries.delete(key);
    else entries.set(key, value);
  }
  return { kind: 'object', entries };
}

/** `new Date("2024-01-01")`, `new Prisma.Decimal("1.5")`, `Prisma.DbNull`: values the source fixes. */
function readConstructedScalar(expression: ts.Expression): TaggedValue | undefined {
  if (ts.isNewExpression(expression)) {
    const name = terminalName(expression.expression);
    const first = expression.arguments?.[0] ? unwrap(expression.arguments[0]) : undefined;
    const literal = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) || ts.isNumericLiteral(first)) ? first.text : undefined;
    if (name === 'Date' && literal !== undefined && expression.arguments!.length === 1) {
      const date = new Date(ts.isNumericLiteral(first!) ? Number(literal) : literal);
      if (!Number.isNaN(date.getTime())) return { kind: 'tagged', tag: 'DateTime', value: date.toISOString() };
    }
    if (name === 'Decimal' && literal !== undefined) return { kind: 'tagged', tag: 'Decimal', value: literal };
    return undefined;
  }
  if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression) && expression.expression.text === 'Prisma') {
    const name = expression.name.text;
    if (name === 'DbNull' || name === 'JsonNull' || name === 'AnyNull') return { kind: 'tagged', tag: 'Enum', value: name };
  }
  return undefined;
}

function terminalName(expression: ts.Expression): string | undefined {
  const value = unwrap(expression);
  if (ts.isIdentifier(value)) return value.text;
  if (ts.isPropertyAccessExpression(value)) return value.name.text;
  return undefined;
}

function runtime(node: ts.Node, sourceFile: ts.SourceFile): RuntimeValue {
  return { kind: 'runtime', text: shorten(compactText(node, sourceFile)) };
}

function shorten(text: string): string {
  return text.length <= MAX_NAME ? text : `${text.slice(0, MAX_NAME - 1)}…`;
}
