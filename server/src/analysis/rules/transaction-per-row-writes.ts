/** Flags `$transaction([...])` batches of one write per element that a single createMany/updateMany/deleteMany would do. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import { singleCriterion } from '../code/relation-load';
import { boundNames, forEachIdentifier, isPlainReference, objectArgument, propertyName, propertyValue, shortText, spanOf, unwrap, valueParent } from '../code/syntax';
import { transactionBatches, type TransactionBatch } from '../code/transaction-batches';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

const NESTED_WRITES = new Set(['create', 'connect', 'connectOrCreate', 'createMany', 'set', 'upsert']);

export default defineRule<CodeRule>({
  id: 'transaction-per-row-writes',
  appliesTo: ['typescript'],
  severity: 'info',
  docs: {
    summary: '`$transaction([...])` batches of one create, update or delete per element that one bulk operation would do.',
    why: [
      '`prisma.$transaction(items.map((item) => prisma.orderItem.create({ data: … })))` is not an N+1: Prisma sends the whole array in one round trip and runs it in one transaction. It still executes one statement per element, each with its own parse, plan and index maintenance, and holds the transaction open for all of them.',
      'When every element inserts a row, one `createMany` inserts them all in one statement. When every element deletes by key, or applies the same change by key, one `deleteMany`/`updateMany` with `where: { id: { in: … } }` does it in one statement.',
      'Writes whose data differs per element (it names the element, or a variable built in the loop body for each element), upserts and nested writes have no bulk equivalent in Prisma Client, so the rule leaves them alone.',
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
    if (!data || hasNestedWrite(data)) return undefined;
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
    if (!data || others.length > 0 || references(data, elementNames) || references(data, declaredIn(loop.body)) || hasNestedWrite(data)) return undefined;
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

/** The variables declared inside the loop body: `const updateData = { … }` built anew for each element. */
function declaredIn(body: ts.Node): Set<string> {
  const names = new Set<string>();
  const walk = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) for (const name of boundNames(node.name)) names.add(name);
    ts.forEachChild(node, walk);
  };
  walk(body);
  return names;
}

function hasNestedWrite(data: ts.Expression): boolean {
  let nested = false;
  const root = unwrap(data);
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
