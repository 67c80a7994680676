/** Flags dependent writes in one function outside `$transaction`: a failure between them leaves half a change. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import { enclosingCatch, failureIgnored, neverBothRun } from '../code/exclusive-paths';
import type { QuerySite } from '../code/query-sites';
import { operationKind } from '../code/operations';
import { isDatabaseCall, isOutsideCall } from '../code/outside-calls';
import { calleeName, isWithin, objectArgument, propertyName, unwrap, valueParent } from '../code/syntax';
import { constInitializer, declarationOf, enclosingFunction, enclosingTransaction, isTransactionClient, namesRead } from '../facts/code-scope';
import { defineRule, type CodeRule, type RuleFinding } from './types';

/** Append-only side records (`AuditLog`, `UserEvent`): a missing one is a gap in a log, not half-changed data. */
const LOG_MODEL = /(?:log|audit|event|history|activity|notification|outbox)s?$/i;

export default defineRule<CodeRule>({
  id: 'missing-transaction',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: 'Two or more dependent writes in one function (the second uses the first\'s result, or they move an amount between rows) outside `$transaction`.',
    why: [
      'Each Prisma Client call is its own transaction. When `order.create` succeeds and the following `orderItem.createMany` fails (a constraint, a timeout, a deploy that kills the process), the order stays without items; when a transfer decrements one balance and the increment of the other fails, money disappears. Nothing rolls the first write back.',
      'Put writes that belong together in one `prisma.$transaction(async (tx) => { … })` (or the array form when they do not depend on each other\'s results), or express them as one nested write (`order.create({ data: { items: { create: [...] } } })`), which Prisma runs in one transaction.',
      'The rule reports the second write when it uses the result of an earlier write in the same function, or when one write decrements and another increments the same field. Writes through a transaction client (`tx`, a parameter typed `Prisma.TransactionClient`) are taken to be inside the caller\'s transaction, and writes to append-only side records (`AuditLog`, `…Event`, `…History`, `Notification`) are not counted: a missing log entry is a gap, not half-changed data.',
      'When an HTTP call, a file write or another call outside the database (`fetch`, `fs.writeFile`, object storage, payments, mail) runs between the two writes, a transaction cannot undo it and should not stay open while it runs: the finding says so and advises a compensating step (undo the first write when a later step fails) or recording the intent first and finishing it from a job that retries.',
      'It stays quiet where the half-change is the design: a row marked pending or processing before outside work and marked done or failed after it (the status is the record of how far it got); a write in a `catch` that records the failure; writes in branches that never both run (`if`/`else`, `switch` cases, a branch that returns); a follow-up write whose failure is caught and only logged on purpose (`.catch(log)`); and an outside call between the writes that needs the first row\'s result (a file path with its id).',
    ].join('\n\n'),
    bad: [
      'const order = await prisma.order.create({ data: { userId } });',
      'await prisma.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });',
    ].join('\n'),
    good: [
      'await prisma.$transaction(async (tx) => {',
      '  const order = await tx.order.create({ data: { userId } });',
      '  await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: order.id })) });',
      '});',
    ].join('\n'),
    fixSafety: 'No fix: moving writes into a transaction changes which client they use and how long locks are held, so it is left to you.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const byFunction = new Map<ts.Node, QuerySite[]>();
    for (const site of context.querySites) {
      if (operationKind(site.operation) !== 'write' || site.kind !== 'model' || LOG_MODEL.test(site.model?.name ?? site.delegate ?? '')) continue;
      if (enclosingTransaction(site.node) || isTransactionClient(site.client, site.node)) continue;
      const owner = enclosingFunction(site.node) ?? context.sourceFile;
      const list = byFunction.get(owner) ?? [];
      list.push(site);
      byFunction.set(owner, list);
    }
    for (const writes of byFunction.values()) {
      if (writes.length < 2) continue;
      const reported = new Set<QuerySite>();
      for (let i = 1; i < writes.length; i++) {
        const second = writes[i]!;
        // A write in a `catch` runs because the `try` failed (it marks the row failed, or undoes a write): it is the remedy, not half of a change.
        const failurePath = enclosingCatch(second.node);
        for (const first of writes.slice(0, i)) {
          if (reported.has(second)) break;
          if (failurePath && !isWithin(first.node, failurePath)) continue;
          if (neverBothRun(first.node, second.node) || failureIgnored(second.node, first.node)) continue;
          const reason = dependency(first, second);
          if (!reason) continue;
          const between = workBetween(context, first, second);
          // The external step needs the first write's row (a file named by its id), or the first write records the work as pending and
          // the second its outcome: the writes are apart on purpose, and the first is the record a compensating step or a retry reads.
          if (between.outsideUsesResult || (between.awaited && statusHandOff(first, second))) continue;
          reported.add(second);
          const outside = between.outside;
          findings.push({
            uri: context.uri,
            span: second.span,
            message: outside
              ? `If "${second.callee}" fails, the data is left half-changed: it ${reason} "${first.callee}" with "${outside}" between them.`
              : `If "${second.callee}" fails, the data is left half-changed: it ${reason} "${first.callee}" outside a transaction.`,
            help: outside
              ? `No transaction can undo "${outside}": undo the first write when a later step fails (a compensating step), or record the intent first and finish it from a job that retries.`
              : 'Run both writes in "prisma.$transaction(async (tx) => { … })", or as one nested write.',
          });
        }
      }
    }
    return findings;
  },
});

/** Calls that only combine or chain other calls: what they run decides. */
const COMBINATORS = /^(?:all|allSettled|race|any|then|catch|finally|map|flatMap|forEach|filter|reduce)$/;

interface WorkBetween {
  /** The first call between the writes that reaches outside the database, as written (`fetch(…)`). */
  outside: string | undefined;
  /** A call outside the database between the writes reads the first write's result (`fs.writeFile(\`/files/${file.id}\`)`). */
  outsideUsesResult: boolean;
  /** An awaited call between the writes that is no Prisma query (an SDK call, a helper of another module). */
  awaited: boolean;
}

/** What runs between two writes of one function: calls outside the database, and awaited calls that are no Prisma query. */
function workBetween(context: CodeRuleContext, first: QuerySite, second: QuerySite): WorkBetween {
  const sourceFile = context.sourceFile;
  const fn = enclosingFunction(second.node);
  const scope: ts.Node = fn?.body ?? sourceFile;
  const start = first.node.getEnd();
  const end = second.node.getStart(sourceFile);
  const result = resultName(first);
  const between: WorkBetween = { outside: undefined, outsideUsesResult: false, awaited: false };
  const walk = (node: ts.Node): void => {
    if (node.getEnd() <= start || node.getStart(sourceFile) >= end) return;
    const inside = node.getStart(sourceFile) >= start && node.getEnd() <= end;
    if (inside && ts.isCallExpression(node) && isOutsideCall(context, node)) {
      between.outside ??= `${node.expression.getText(sourceFile)}(…)`;
      if (result && readsResult(node, first)) between.outsideUsesResult = true;
    }
    if (inside && ts.isAwaitExpression(node) && awaitsOtherWork(context, node)) between.awaited = true;
    ts.forEachChild(node, walk);
  };
  walk(scope);
  return between;
}

/** An awaited expression that runs a call, none of which is a Prisma query or a local function that runs one. */
function awaitsOtherWork(context: CodeRuleContext, node: ts.AwaitExpression): boolean {
  let calls = 0;
  let database = false;
  const followed = new Set<string>();
  const walk = (current: ts.Node): void => {
    if (database) return;
    if (ts.isCallExpression(current) && !COMBINATORS.test(calleeName(current) ?? '')) {
      if (isDatabaseCall(context, current)) database = true;
      else calls++;
    }
    // `await Promise.all(jobs)`: the calls that made the list's promises (`const jobs = [storage.copy(…)]`) run here.
    if (ts.isCallExpression(current) && COMBINATORS.test(calleeName(current) ?? '')) {
      for (const argument of current.arguments) {
        const list = unwrap(argument);
        if (!ts.isIdentifier(list) || followed.has(list.text)) continue;
        followed.add(list.text);
        const initializer = constInitializer(list.text, list);
        if (initializer) walk(initializer);
      }
    }
    ts.forEachChild(current, walk);
  };
  walk(node.expression);
  return calls > 0 && !database;
}

/** A status the work moves through (`status`, `state`, `paymentStatus`), and fields that record how it ended. */
const STATUS_FIELD = /^(?:status|state|phase|stage|progress)$|[a-z](?:Status|State)$/;
const OUTCOME_FIELD = /^(?:error|errorMessage|errorCode|failureReason|result|output|response|(?:completed|finished|failed|processed|done|succeeded|sent|published|uploaded|delivered)At)$/;

/**
 * The first write records a row as pending (it sets a status), the second, of the same model, records
 * how the work between them ended (a status, an error, a finished-at time): a hand-off, not half a change.
 */
function statusHandOff(first: QuerySite, second: QuerySite): boolean {
  if (!/^(?:update|updateMany|upsert)$/.test(second.operation)) return false;
  if ((first.model?.name ?? first.delegate) !== (second.model?.name ?? second.delegate)) return false;
  if (![...dataFields(first)].some((field) => STATUS_FIELD.test(field))) return false;
  return [...dataFields(second)].some((field) => STATUS_FIELD.test(field) || OUTCOME_FIELD.test(field));
}

/** The fields a write sets: the keys of `data`, or of `create` and `update` for an upsert. */
function dataFields(site: QuerySite): Set<string> {
  const fields = new Set<string>();
  const args = objectArgument(site.node);
  for (const property of args?.properties ?? []) {
    const key = propertyName(property);
    if (key !== 'data' && key !== 'create' && key !== 'update') continue;
    const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
    if (!value || !ts.isObjectLiteralExpression(value)) continue;
    for (const field of value.properties) {
      const name = propertyName(field);
      if (name) fields.add(name);
    }
  }
  return fields;
}

/** How `second` depends on `first`: it reads the first's result, or the two move an amount between rows. */
function dependency(first: QuerySite, second: QuerySite): string | undefined {
  const result = resultName(first);
  if (result && second.args && readsResult(second.args, first)) return `uses "${result}", the result of`;
  const moved = movedFields(first);
  const other = movedFields(second);
  for (const [field, direction] of moved) {
    const opposite = other.get(field);
    if (opposite && opposite !== direction) return `moves "${field}" together with`;
  }
  return undefined;
}

function resultName(site: QuerySite): string | undefined {
  const declaration = resultDeclaration(site);
  return declaration && ts.isIdentifier(declaration.name) ? declaration.name.text : undefined;
}

/** The `const created = await prisma.x.create(…)` that holds a write's result. */
function resultDeclaration(site: QuerySite): ts.VariableDeclaration | undefined {
  let { parent } = valueParent(site.node);
  if (ts.isAwaitExpression(parent)) parent = valueParent(parent).parent;
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent : undefined;
}

/**
 * Whether `node` reads the variable that holds `first`'s result, that very one: not another of the
 * same name in another block (`for (const instance of existing)` beside a created `instance` of an
 * `else` branch).
 */
function readsResult(node: ts.Node, first: QuerySite): boolean {
  const declaration = resultDeclaration(first);
  if (!declaration) return false;
  const name = (declaration.name as ts.Identifier).text;
  if (!namesRead(node).has(name)) return false;
  // A declaration that scope lookup does not find (in a `for` header): the name is all there is to go by.
  const statement = declaration.parent.parent;
  const block = statement?.parent;
  // So is one in a `case` (its scope is the whole `switch`, which a fall-through shares).
  if (!ts.isVariableStatement(statement) || !block || !(ts.isBlock(block) || ts.isSourceFile(block) || ts.isModuleBlock(block))) return true;
  let reads = false;
  const walk = (current: ts.Node): void => {
    if (reads) return;
    if (ts.isIdentifier(current) && current.text === name) {
      const parent = current.parent;
      const isName = parent && ((ts.isPropertyAccessExpression(parent) && parent.name === current) || (ts.isPropertyAssignment(parent) && parent.name === current));
      if (!isName && declarationOf(name, current) === declaration) reads = true;
      return;
    }
    ts.forEachChild(current, walk);
  };
  walk(node);
  return reads;
}

/** `data: { balance: { decrement: x } }` → balance: down. */
function movedFields(site: QuerySite): Map<string, 'up' | 'down'> {
  const moved = new Map<string, 'up' | 'down'>();
  const args = objectArgument(site.node);
  const dataProperty = args?.properties.find((property) => propertyName(property) === 'data');
  const data = dataProperty && ts.isPropertyAssignment(dataProperty) ? unwrap(dataProperty.initializer) : undefined;
  if (!data || !ts.isObjectLiteralExpression(data)) return moved;
  for (const property of data.properties) {
    const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
    const name = propertyName(property);
    if (!value || !name || !ts.isObjectLiteralExpression(value)) continue;
    const keys = value.properties.map(propertyName);
    if (keys.includes('increment')) moved.set(name, 'up');
    else if (keys.includes('decrement')) moved.set(name, 'down');
  }
  return moved;
}
