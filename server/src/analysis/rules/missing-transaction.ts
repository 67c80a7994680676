/** Flags dependent writes in one function outside `$transaction`: a failure between them leaves half a change. */
import ts = require('typescript');
import type { QuerySite } from '../code/query-sites';
import { operationKind } from '../code/operations';
import { objectArgument, propertyName, unwrap, valueParent } from '../code/syntax';
import { enclosingFunction, enclosingTransaction, isTransactionClient, namesRead } from '../facts/code-scope';
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
        for (const first of writes.slice(0, i)) {
          const reason = dependency(first, second);
          if (!reason || reported.has(second)) continue;
          reported.add(second);
          const outside = sideEffectBetween(context.sourceFile, first, second);
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

/** Calls that reach outside the database: HTTP, files, object storage, payments, mail. */
const OUTSIDE_CALLS = /^(?:fetch|writeFile|appendFile|rename|unlink|rm|mkdir|copyFile|putObject|upload|sendMail|sendEmail)$/;
const OUTSIDE_RECEIVERS = /^(?:axios|got|ky|fs|fsp|fsPromises|promises|s3|s3Client|storage|bucket|stripe|resend|mailer|transporter|httpClient|http)$/i;

/** The first call between the two writes that reaches outside the database (`fetch(…)`, `fs.writeFile(…)`, `stripe.charges.create(…)`), as written. */
function sideEffectBetween(sourceFile: ts.SourceFile, first: QuerySite, second: QuerySite): string | undefined {
  const fn = enclosingFunction(second.node);
  const scope: ts.Node = fn?.body ?? sourceFile;
  const start = first.node.getEnd();
  const end = second.node.getStart(sourceFile);
  let found: string | undefined;
  const walk = (node: ts.Node): void => {
    if (found || node.getEnd() <= start || node.getStart(sourceFile) >= end) return;
    if (ts.isCallExpression(node) && node.getStart(sourceFile) >= start && isOutsideCall(node)) {
      found = `${node.expression.getText(sourceFile)}(…)`;
      return;
    }
    ts.forEachChild(node, walk);
  };
  walk(scope);
  return found;
}

function isOutsideCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return OUTSIDE_CALLS.test(callee.text);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  let receiver: ts.Expression = callee.expression;
  while (ts.isPropertyAccessExpression(receiver)) receiver = receiver.expression;
  return OUTSIDE_CALLS.test(callee.name.text) || (ts.isIdentifier(receiver) && OUTSIDE_RECEIVERS.test(receiver.text));
}

/** How `second` depends on `first`: it reads the first's result, or the two move an amount between rows. */
function dependency(first: QuerySite, second: QuerySite): string | undefined {
  const result = resultName(first);
  if (result && second.args && namesRead(second.args).has(result)) return `uses "${result}", the result of`;
  const moved = movedFields(first);
  const other = movedFields(second);
  for (const [field, direction] of moved) {
    const opposite = other.get(field);
    if (opposite && opposite !== direction) return `moves "${field}" together with`;
  }
  return undefined;
}

function resultName(site: QuerySite): string | undefined {
  let { parent } = valueParent(site.node);
  if (ts.isAwaitExpression(parent)) parent = valueParent(parent).parent;
  return ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
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
