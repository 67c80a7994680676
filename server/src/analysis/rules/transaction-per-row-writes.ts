/** Flags `$transaction([...])` batches of one write per element that a single createMany/updateMany/deleteMany would do. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import { singleCriterion } from '../code/relation-load';
import type { Loop } from '../code/iteration';
import { boundNames, forEachIdentifier, isFunctionLike, isPlainReference, objectArgument, propertyName, propertyValue, shortText, spanOf, unwrap, valueParent } from '../code/syntax';
import { transactionBatches, type TransactionBatch } from '../code/transaction-batches';
import type { Model } from '../schema/model';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

/** Nested-write operations of a relation field: the write is one statement batch of its own, with no bulk equivalent. */
const NESTED_WRITES = new Set(['create', 'connect', 'connectOrCreate', 'createMany', 'set', 'upsert', 'update', 'updateMany', 'delete', 'deleteMany', 'disconnect']);

export default defineRule<CodeRule>({
  id: 'transaction-per-row-writes',
  appliesTo: ['typescript'],
  severity: 'info',
  docs: {
    summary: '`$transaction([...])` batches of one create, update or delete per element that one bulk operation would do.',
    why: [
      '`prisma.$transaction(items.map((item) => prisma.orderItem.create({ data: … })))` is not an N+1: Prisma sends the whole array in one round trip and runs it in one transaction. It still executes one statement per element, each with its own parse, plan and index maintenance, and holds the transaction open for all of them.',
      'When every element inserts a row, one `createMany` inserts them all in one statement. When every element deletes by key, or applies the same change by key, one `deleteMany`/`updateMany` with `where: { id: { in: … } }` does it in one statement.',
      'Writes whose data differs per element (it names the element or its index, as a reorder `data: { position: index }` does, or a variable built or counted on in the loop body for each element), upserts and nested writes (a relation field in the data, `items: { create: … }`) have no bulk equivalent in Prisma Client, so the rule leaves them alone: one `$transaction([...])` of per-row writes is then the right tool.',
    ].join('\n\n'),
    bad: [
      'await prisma.$transaction(',
      '  items.map((item) => prisma.orderItem.create({ data: { orderId: order.id, sku: item.sku } })),',
      ');',
    ].join('\n'),
    good: [
      'await prisma.orderItem.createMany({',
      '  data: items.map((item) => ({ orderId: order.id, sku: item.sku })),',
      '});',
    ].join('\n'),
    fixSafety:
      'Unsafe: `createMany` returns a count instead of the created rows, does not run nested writes, and on a unique conflict fails as a whole (or skips rows with `skipDuplicates`). The fix is only offered when the transaction\'s result is not used.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const batch of transactionBatches(context)) {
      const finding = findingFor(context, batch);
      if (finding) findings.push(finding);
    }
    return findings;
  },
});

function findingFor(context: CodeRuleContext, batch: TransactionBatch): RuleFinding | undefined {
  const { site, loop } = batch;
  if (site.kind !== 'model' || !site.delegate) return undefined;
  const base = `${site.client}.${site.delegate}`;
  const elementNames = new Set(boundNames(loop.element));
  const collection = loop.collection ? `"${shortText(unwrap(loop.collection), context.sourceFile)}"` : 'the elements';
  const element = loop.element && ts.isIdentifier(loop.element) ? `"${loop.element.text}" of ${collection}` : `element of ${collection}`;
  const message = (bulk: string): string => `N statements where one "${bulk}" would do: "${site.callee}" runs once per ${element} in one "$transaction".`;
  const args = objectArgument(site.node);
  if (!args) return undefined;
  if (site.operation === 'create') {
    const data = args.properties.length === 1 ? propertyValue(args, 'data') : undefined;
    if (!data || hasNestedWrite(data, relationFields(context, site.model))) return undefined;
    return {
      uri: context.uri,
      span: site.span,
      message: message('createMany'),
      help: `Insert the rows with one "${base}.createMany({ data: … })" ("createManyAndReturn" when you need them back).`,
      ...withFixes(createManyFix(context, batch, data)),
    };
  }
  const criterion = singleCriterion(site);
  if (!criterion || !references(criterion.value, elementNames)) return undefined;
  if (site.operation === 'delete') {
    return { uri: context.uri, span: site.span, message: message('deleteMany'), help: `Delete them with one "${base}.deleteMany({ where: { ${criterion.key}: { in: … } } })".` };
  }
  if (site.operation === 'update') {
    const data = propertyValue(args, 'data');
    const others = args.properties.filter((property) => !['where', 'data'].includes(propertyName(property) ?? ''));
    if (!data || others.length > 0 || references(data, perIterationNames(loop)) || hasNestedWrite(data, relationFields(context, site.model))) return undefined;
    return {
      uri: context.uri,
      span: site.span,
      message: message('updateMany'),
      help: `Every element gets the same change: apply it with one "${base}.updateMany({ where: { ${criterion.key}: { in: … } }, data })".`,
    };
  }
  return undefined;
}

function references(node: ts.Node, names: ReadonlySet<string>): boolean {
  let found = false;
  forEachIdentifier(node, (identifier) => {
    if (names.has(identifier.text)) found = true;
  });
  return found;
}

/**
 * The names whose value differs from one iteration to the next: the element, every parameter of the
 * callback (`(item, index) => …`), the counters of a `for` statement, the variables declared in the
 * body (`const updateData = { … }` built anew for each element) and those the body assigns
 * (`position++`, `rank += 1`).
 */
function perIterationNames(loop: Loop): Set<string> {
  const names = new Set(boundNames(loop.element));
  if (loop.form === 'callback' && isFunctionLike(loop.body)) {
    for (const parameter of loop.body.parameters) for (const name of boundNames(parameter.name)) names.add(name);
  }
  if (ts.isForStatement(loop.node)) {
    const { initializer, incrementor } = loop.node;
    if (initializer && ts.isVariableDeclarationList(initializer)) for (const declaration of initializer.declarations) for (const name of boundNames(declaration.name)) names.add(name);
    if (incrementor) assignedNames(incrementor, names);
  }
  assignedNames(loop.body, names);
  return names;
}

/** Adds the variables `node` declares or assigns to `into`. */
function assignedNames(node: ts.Node, into: Set<string>): void {
  const target = (expression: ts.Expression): void => {
    const value = unwrap(expression);
    if (ts.isIdentifier(value)) into.add(value.text);
    else if (ts.isArrayLiteralExpression(value)) value.elements.forEach((element) => !ts.isOmittedExpression(element) && target(ts.isSpreadElement(element) ? element.expression : element));
  };
  const walk = (current: ts.Node): void => {
    if (ts.isVariableDeclaration(current)) for (const name of boundNames(current.name)) into.add(name);
    else if (ts.isBinaryExpression(current) && current.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && current.operatorToken.kind <= ts.SyntaxKind.LastAssignment) target(current.left);
    else if ((ts.isPrefixUnaryExpression(current) || ts.isPostfixUnaryExpression(current)) && (current.operator === ts.SyntaxKind.PlusPlusToken || current.operator === ts.SyntaxKind.MinusMinusToken)) target(current.operand);
    ts.forEachChild(current, walk);
  };
  walk(node);
}

/** The model's relation fields: in a write's data, each one is a nested write (`author: { connect: … }`, `items: linesInput`). */
function relationFields(context: CodeRuleContext, model: Model | undefined): Set<string> {
  const schema = context.schema;
  if (!schema || !model) return new Set();
  return new Set(model.fields.filter((field) => field.relation !== undefined || schema.modelsByName.has(field.type)).map((field) => field.name));
}

function hasNestedWrite(data: ts.Expression, relations: ReadonlySet<string>): boolean {
  let nested = false;
  const root = unwrap(data);
  if (ts.isObjectLiteralExpression(root) && root.properties.some((property) => relations.has(propertyName(property) ?? ''))) return true;
  const walk = (node: ts.Node): void => {
    if (nested) return;
    if (ts.isPropertyAssignment(node) && node.parent !== root && NESTED_WRITES.has(propertyName(node) ?? '')) nested = true;
    else ts.forEachChild(node, walk);
  };
  walk(root);
  return nested;
}

function withFixes(fix: Fix | undefined): { fixes?: Fix[] } {
  return fix ? { fixes: [fix] } : {};
}

/** `await prisma.$transaction(items.map((item) => prisma.x.create({ data })));` → `await prisma.x.createMany({ data: items.map(…) });` */
function createManyFix(context: CodeRuleContext, batch: TransactionBatch, data: ts.Expression): Fix | undefined {
  const { site, loop, transaction } = batch;
  if (!transaction || transaction.arguments.length !== 1 || !loop.element || !ts.isCallExpression(loop.node)) return undefined;
  if (unwrap(transaction.arguments[0]!) !== loop.node || !ts.isArrowFunction(loop.body) || ts.isBlock(loop.body.body)) return undefined;
  const collection = loop.collection && unwrap(loop.collection);
  if (!collection || !isPlainReference(collection) || loop.kind !== 'map') return undefined;
  const { parent } = valueParent(transaction);
  const statement = ts.isAwaitExpression(parent) ? valueParent(parent).parent : parent;
  if (!ts.isExpressionStatement(statement)) return undefined;
  const sourceFile = context.sourceFile;
  const element = loop.element.getText(sourceFile);
  const dataText = data.getText(sourceFile);
  const rows = `${collection.getText(sourceFile)}.map((${element}) => ${ts.isObjectLiteralExpression(unwrap(data)) ? `(${dataText})` : dataText})`;
  const span = spanOf(transaction, sourceFile);
  return {
    title: `Insert all ${site.model?.name ?? site.delegate} rows with one createMany`,
    applicability: 'unsafe',
    edits: [{ uri: context.uri, start: span.start, end: span.end, text: `${site.client}.${site.delegate}.createMany({ data: ${rows} })` }],
  };
}
