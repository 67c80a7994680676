/**
 * Quick fix for a `findUnique`/`findFirst` by one key inside a `for…of`: one `findMany` with `in`
 * before the loop builds a `Map`, and the loop looks each row up in it.
 */
import ts = require('typescript');
import type { Fix } from '../rules/types';
import type { CodeRuleContext } from './context';
import { freshName, indentAt, indentUnit, lineBreakOf, lineStartOf, pluralCamel, startsItsLine } from './edits';
import type { RepeatedQuery } from './per-iteration';
import { singleCriterion } from './relation-load';
import { boundNames, forEachIdentifier, isPlainReference, objectArgument, propertyName, spanOf, unwrap, valueParent } from './syntax';

const LOOKUP_OPERATIONS = new Set(['findUnique', 'findFirst']);
/** Arguments that keep their meaning when moved to the `findMany`. */
const KEPT_ARGUMENTS = new Set(['where', 'select', 'include']);

export function mapLookupFix(context: CodeRuleContext, repeated: RepeatedQuery): Fix | undefined {
  const { site, loop } = repeated;
  if (repeated.helper || site.kind !== 'model' || !site.delegate || !LOOKUP_OPERATIONS.has(site.operation)) return undefined;
  if (loop.kind !== 'for…of' || !ts.isForOfStatement(loop.node) || !loop.element) return undefined;
  const collection = loop.collection && unwrap(loop.collection);
  if (!collection || !isPlainReference(collection)) return undefined;
  const args = objectArgument(site.node);
  const criterion = singleCriterion(site);
  if (!args || !criterion || args.properties.some((property) => !KEPT_ARGUMENTS.has(propertyName(property) ?? ''))) return undefined;
  const select = args.properties.find((property) => propertyName(property) === 'select');
  if (select && !selectsKey(select, criterion.key)) return undefined;
  const { parent: awaited } = valueParent(site.node);
  if (!ts.isAwaitExpression(awaited)) return undefined;
  if (!readsOnlyElement(criterion.value, loop.element, loop.body)) return undefined;

  const sourceFile = context.sourceFile;
  const text = context.text;
  const statement = ts.isLabeledStatement(loop.node.parent) ? loop.node.parent : loop.node;
  const statementStart = statement.getStart(sourceFile);
  if (!startsItsLine(text, statementStart) || !isInStatementList(statement)) return undefined;

  const eol = lineBreakOf(text);
  const indent = indentAt(text, statementStart);
  const unit = indentUnit(text);
  const modelName = site.model?.name ?? site.delegate.charAt(0).toUpperCase() + site.delegate.slice(1);
  const mapName = freshName(`${pluralCamel(modelName)}By${capitalize(criterion.key)}`, text);
  const element = loop.element.getText(sourceFile);
  const value = criterion.value.getText(sourceFile);
  const mapped = ts.isIdentifier(loop.element) && value === element ? collection.getText(sourceFile) : `${collection.getText(sourceFile)}.map((${element}) => ${value})`;
  const kept = args.properties.filter((property) => propertyName(property) !== 'where').map((property) => `, ${property.getText(sourceFile)}`).join('');
  const findMany = `${site.client}.${site.delegate}.findMany({ where: { ${criterion.key}: { in: ${mapped} } }${kept} })`;
  const declaration = [
    `${indent}const ${mapName} = new Map(`,
    `${indent}${unit}(await ${findMany}).map((row) => [row.${criterion.key}, row]),`,
    `${indent});`,
    '',
  ].join(eol);
  const lookup = `${mapName}.get(${value}) ?? null`;
  const replaced = spanOf(awaited, sourceFile);
  return {
    title: `Load the ${modelName} rows before the loop with one findMany and look them up in a Map`,
    applicability: 'unsafe',
    edits: [
      { uri: context.uri, start: lineStartOf(text, statementStart), end: lineStartOf(text, statementStart), text: declaration },
      { uri: context.uri, start: replaced.start, end: replaced.end, text: needsParentheses(awaited) ? `(${lookup})` : lookup },
    ],
  };
}


function selectsKey(select: ts.ObjectLiteralElementLike, key: string): boolean {
  if (!ts.isPropertyAssignment(select)) return false;
  const value = unwrap(select.initializer);
  if (!ts.isObjectLiteralExpression(value)) return false;
  const entry = value.properties.find((property) => propertyName(property) === key);
  return entry !== undefined && ts.isPropertyAssignment(entry) && entry.initializer.kind === ts.SyntaxKind.TrueKeyword;
}

/** The key depends on the element and on nothing else declared inside the loop. */
function readsOnlyElement(value: ts.Expression, element: ts.BindingName, body: ts.Node): boolean {
  const elementNames = new Set(boundNames(element));
  const locals = new Set<string>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node)) for (const name of boundNames(node.name)) locals.add(name);
    ts.forEachChild(node, collect);
  };
  collect(body);
  let readsElement = false;
  let readsLocal = false;
  forEachIdentifier(value, (identifier) => {
    if (elementNames.has(identifier.text)) readsElement = true;
    else if (locals.has(identifier.text)) readsLocal = true;
  });
  let awaits = false;
  const walk = (node: ts.Node): void => {
    if (ts.isAwaitExpression(node)) awaits = true;
    else ts.forEachChild(node, walk);
  };
  walk(value);
  return readsElement && !readsLocal && !awaits;
}

function isInStatementList(statement: ts.Statement): boolean {
  const parent = statement.parent;
  return ts.isBlock(parent) || ts.isSourceFile(parent) || ts.isCaseClause(parent) || ts.isDefaultClause(parent) || ts.isModuleBlock(parent);
}

/** `x ?? null` binds loosely: keep it whole where the `await` stood inside a tighter expression. */
function needsParentheses(awaited: ts.AwaitExpression): boolean {
  const parent = awaited.parent;
  if (ts.isVariableDeclaration(parent) || ts.isReturnStatement(parent) || ts.isExpressionStatement(parent) || ts.isParenthesizedExpression(parent)) return false;
  if (ts.isPropertyAssignment(parent) || ts.isArrayLiteralExpression(parent) || ts.isTemplateSpan(parent)) return false;
  if (ts.isCallExpression(parent) && parent.arguments.includes(awaited)) return false;
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === awaited) return false;
  return true;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
