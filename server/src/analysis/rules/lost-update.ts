/** Flags read-modify-write of a field (`balance: user.balance - amount`): concurrent requests overwrite each other. */
import ts = require('typescript');
import type { CodeRuleContext } from '../code/context';
import type { QuerySite } from '../code/query-sites';
import type { Model } from '../schema/model';
import { objectArgument, propertyName, spanOf, unwrap, valueParent } from '../code/syntax';
import { constInitializer, enclosingTransaction, namesRead } from '../facts/code-scope';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

const READS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow']);
const WRITES = new Set(['update', 'updateMany', 'upsert']);
/** `Prisma.Decimal` arithmetic: `wallet.balance.minus(amount)`. */
const DECIMAL_METHODS = new Set(['plus', 'minus', 'add', 'sub', 'times', 'mul', 'div', 'dividedBy', 'mod']);
const ARITHMETIC = new Set([ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken]);
/** Operators that keep an expression of constants constant (`2 ** 31 - 1`, `(1 << 8) - 1`). */
const CONSTANT_OPERATORS = new Set([
  ...ARITHMETIC, ts.SyntaxKind.AsteriskAsteriskToken, ts.SyntaxKind.PercentToken, ts.SyntaxKind.BarToken, ts.SyntaxKind.AmpersandToken, ts.SyntaxKind.CaretToken,
  ts.SyntaxKind.LessThanLessThanToken, ts.SyntaxKind.GreaterThanGreaterThanToken, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken,
]);
/** A counter whose new value, stored in an inserted row under a unique constraint, makes a concurrent writer fail. */
const VERSION_FIELD = /version|revision/i;
const CREATES = new Set(['create', 'createMany', 'createManyAndReturn', 'upsert']);

export default defineRule<CodeRule>({
  id: 'lost-update',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: 'A field read with `find…`, changed in code and written back with `update`, with no atomic operation or version check.',
    why: [
      '`const user = await prisma.user.findUnique(…)` then `prisma.user.update({ data: { balance: user.balance - amount } })` is a read-modify-write. Two requests that run at once both read balance 100, both write 100 − 30 = 70, and one payment disappears. It happens under load, on double clicks and on retried webhooks, and no error is ever raised.',
      'Let the database do the arithmetic: `data: { balance: { decrement: amount } }` is one atomic `UPDATE … SET balance = balance - $1`. When the new value needs more than arithmetic, use optimistic locking: a `version` field checked in `updateMany({ where: { id, version: user.version }, data: { …, version: { increment: 1 } } })`, retrying when the count is 0.',
      'An interactive `$transaction` alone does not prevent it: at PostgreSQL\'s default Read Committed isolation both transactions still read 100. The rule accepts transactions with `isolationLevel: Serializable` (or `RepeatableRead` on PostgreSQL, where a concurrent update aborts the transaction; MySQL\'s Repeatable Read does not), a version-style check in the `where`, a new `version` also inserted into a row under a unique constraint in the same transaction (`@@unique([pageId, version])`: the second writer fails on it), atomic operations, and a read value only clamped by a constant (`Math.max(ALL_FLAGS, member.flags)`), which adds nothing to what it read. It follows rows loaded with `include` (`order.items[0].product.store`) to their model.',
    ].join('\n\n'),
    bad: [
      'const account = await prisma.account.findUniqueOrThrow({ where: { id } });',
      'await prisma.account.update({ where: { id }, data: { balance: account.balance - amount } });',
    ].join('\n'),
    good: ['await prisma.account.update({ where: { id }, data: { balance: { decrement: amount } } });'].join('\n'),
    fixSafety:
      'Unsafe: the fix writes `{ increment: … }`/`{ decrement: … }`, which is what concurrent requests need, but code that checked the value it read (`if (account.balance < amount)`) no longer protects the write; add that check to the `where` or a constraint.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const reads = readBindings(context);
    for (const site of context.querySites) {
      if (site.kind !== 'model' || !WRITES.has(site.operation) || !site.delegate) continue;
      if (isolatedTransaction(site.node, context.schema?.datasource?.provider)) continue;
      const args = objectArgument(site.node);
      const data = args && propertyValueOf(args, site.operation === 'upsert' ? 'update' : 'data');
      if (!args || !data || !ts.isObjectLiteralExpression(data)) continue;
      const where = propertyValueOf(args, 'where');
      for (const property of data.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        const field = propertyName(property);
        if (!field) continue;
        const read = derivedFromRead(property.initializer, field, site, reads);
        if (!read) continue;
        if (where && checksVersion(where, read.variable)) continue;
        if (VERSION_FIELD.test(field) && insertsVersionedRow(context, site, data, read, field)) continue;
        findings.push({
          uri: context.uri,
          span: spanOf(property.name, context.sourceFile),
          message: `One of two concurrent updates is lost: "${field}" is written back from "${read.variable}.${field}", read earlier with "${read.site.callee}".`,
          help: `Update atomically ("${field}: { increment: … }" / "{ decrement: … }"), or check a version field in the "where" of "updateMany" and retry when nothing was updated.`,
          ...withFix(atomicFix(context, property, read.variable, field)),
        });
      }
    }
    return findings;
  },
});

interface ReadBinding {
  variable: string;
  site: QuerySite;
  /** The model of the row the variable holds: the query's, or one reached through `include`d relations. */
  model: string;
  declaration: ts.VariableDeclaration;
}

function readBindings(context: CodeRuleContext): ReadBinding[] {
  const bindings: ReadBinding[] = [];
  for (const site of context.querySites) {
    if (site.kind !== 'model' || !READS.has(site.operation) || !site.delegate) continue;
    let { parent } = valueParent(site.node);
    if (ts.isAwaitExpression(parent)) parent = valueParent(parent).parent;
    if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) bindings.push({ variable: parent.name.text, site, model: site.model?.name ?? site.delegate, declaration: parent });
  }
  if (bindings.length > 0 && context.schema) bindings.push(...includedRows(context, bindings));
  return bindings;
}

/** `const store = order.items[0].product.store`: a row loaded with `include`, its model found by following relation fields. */
function includedRows(context: CodeRuleContext, reads: readonly ReadBinding[]): ReadBinding[] {
  const schema = context.schema!;
  const found: ReadBinding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isPropertyAccessExpression(unwrap(node.initializer))) {
      const path: string[] = [];
      let current: ts.Expression = unwrap(node.initializer);
      while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
        if (ts.isPropertyAccessExpression(current)) path.unshift(current.name.text);
        current = unwrap(current.expression);
      }
      const root = ts.isIdentifier(current) ? reads.find((read) => read.variable === current.text && read.declaration.pos < node.pos) : undefined;
      let model = root && schema.modelsByName.get(root.model);
      for (const name of path) model = model && schema.modelsByName.get(model.fields.find((field) => field.name === name)?.type ?? '');
      if (root && model) found.push({ variable: node.name.text, site: root.site, model: model.name, declaration: node });
    }
    ts.forEachChild(node, visit);
  };
  visit(context.sourceFile);
  return found;
}

function propertyValueOf(object: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  const property = object.properties.find((candidate) => propertyName(candidate) === name);
  if (property && ts.isPropertyAssignment(property)) return unwrap(property.initializer);
  if (property && ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}

/** The read whose `variable.field` the value is computed from with arithmetic, directly or through one `const`. */
function derivedFromRead(value: ts.Expression, field: string, site: QuerySite, reads: readonly ReadBinding[]): ReadBinding | undefined {
  let node = unwrap(value);
  if (ts.isIdentifier(node)) {
    const initializer = constInitializer(node.text, node);
    if (!initializer) return undefined;
    node = unwrap(initializer);
  }
  if (!isComputation(node)) return undefined;
  for (const read of reads) {
    if (read.model !== (site.model?.name ?? site.delegate) || read.declaration.pos > site.node.pos) continue;
    if (readsField(node, read.variable, field) && !isBoundedCopy(node, read.variable, field)) return read;
  }
  return undefined;
}

/**
 * `Math.max(MAX_LEVEL, user.level)`, `Math.min(user.quota, 0)`: the read value itself, not changed by
 * arithmetic, clamped by constants. A stale read then writes the constant bound or the value as it was
 * read, as a plain write-back does; it adds nothing to the value it read, so no concurrent change is
 * counted twice. `Math.max(stock.quantity - 1, 0)` and `Math.max(user.best, score)` stay computations.
 */
function isBoundedCopy(node: ts.Expression, variable: string, field: string): boolean {
  const value = unwrap(node);
  if (!ts.isCallExpression(value) || !/^Math\.(?:max|min)$/.test(value.expression.getText()) || value.arguments.length < 2) return false;
  let bounded = false;
  for (const argument of value.arguments) {
    const operand = unwrap(argument);
    if (isConstant(operand)) bounded = true;
    else if (!isFieldRead(operand, variable, field) && !isBoundedCopy(operand, variable, field)) return false;
  }
  return bounded;
}

/** `record.field`, `record?.field`, or either with a constant default (`record?.field ?? 0`). */
function isFieldRead(node: ts.Expression, variable: string, field: string): boolean {
  const value = unwrap(node);
  if (ts.isBinaryExpression(value) && value.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) return isFieldRead(value.left, variable, field) && isConstant(value.right);
  return ts.isPropertyAccessExpression(value) && ts.isIdentifier(value.expression) && value.expression.text === variable && value.name.text === field;
}

const SCREAMING_CASE = /^[A-Z][A-Z0-9]*_[A-Z0-9_]*$|^[A-Z][A-Z0-9]+$/;

/**
 * A value fixed when the code is written: a number, `MAX_LEVEL`, `Limits.ALL_FLAGS`,
 * `Number.MAX_SAFE_INTEGER`, a member of an enum (`Permission.EarlyAccess`: a capitalised name's
 * property), a `const` of one, or arithmetic on them.
 */
function isConstant(node: ts.Expression, depth = 0): boolean {
  const value = unwrap(node);
  if (depth > 4) return false;
  if (ts.isNumericLiteral(value) || ts.isBigIntLiteral(value)) return true;
  if (ts.isPrefixUnaryExpression(value)) return [ts.SyntaxKind.MinusToken, ts.SyntaxKind.PlusToken, ts.SyntaxKind.TildeToken].includes(value.operator) && isConstant(value.operand, depth + 1);
  if (ts.isBinaryExpression(value)) return CONSTANT_OPERATORS.has(value.operatorToken.kind) && isConstant(value.left, depth + 1) && isConstant(value.right, depth + 1);
  if (ts.isPropertyAccessExpression(value)) return SCREAMING_CASE.test(value.name.text) || (ts.isIdentifier(value.expression) && /^[A-Z]/.test(value.expression.text));
  if (!ts.isIdentifier(value)) return false;
  if (value.text === 'Infinity' || SCREAMING_CASE.test(value.text)) return true;
  const initializer = constInitializer(value.text, value);
  return initializer !== undefined && isConstant(initializer, depth + 1);
}

/**
 * Optimistic locking through an insert: the new `version` is also written into a row created in the
 * same transaction (or by a nested create of the same update) under a unique constraint that
 * includes it, such as `@@unique([documentId, version])`, so of two writers that read the same
 * version the second fails on the constraint instead of overwriting the first. When the schema
 * declares the created model, the constraint must be there; without a schema the field's name decides.
 */
function insertsVersionedRow(context: CodeRuleContext, site: QuerySite, data: ts.ObjectLiteralExpression, read: ReadBinding, field: string): boolean {
  const rows: CreatedRow[] = nestedCreates(context, data, site.model);
  const transaction = enclosingTransaction(site.node);
  if (transaction) {
    for (const other of context.querySites) {
      if (other === site || other.kind !== 'model' || !CREATES.has(other.operation) || enclosingTransaction(other.node) !== transaction) continue;
      const args = objectArgument(other.node);
      const created = args && propertyValueOf(args, other.operation === 'upsert' ? 'create' : 'data');
      if (created) rows.push(...rowsOf(created, modelOf(context, other.model?.name)));
    }
  }
  return rows.some((row) => carriesReadValue(row, read, field));
}

interface CreatedRow {
  row: ts.ObjectLiteralExpression;
  /** The created model, when the schema declares it. */
  model: Model | undefined;
}

function modelOf(context: CodeRuleContext, name: string | undefined): Model | undefined {
  return name === undefined ? undefined : context.schema?.modelsByName.get(name);
}

function rowsOf(value: ts.Expression, model: Model | undefined): CreatedRow[] {
  const node = unwrap(value);
  if (ts.isObjectLiteralExpression(node)) return [{ row: node, model }];
  if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((element) => (ts.isSpreadElement(element) ? [] : rowsOf(element, model)));
  return [];
}

/** `revisions: { create: { … } }` and `revisions: { createMany: { data: [...] } }` in the update's own data. */
function nestedCreates(context: CodeRuleContext, data: ts.ObjectLiteralExpression, model: Model | undefined): CreatedRow[] {
  const rows: CreatedRow[] = [];
  for (const property of data.properties) {
    const relation = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
    if (!relation || !ts.isObjectLiteralExpression(relation)) continue;
    const target = modelOf(context, model?.fields.find((candidate) => candidate.name === propertyName(property))?.type);
    const create = propertyValueOf(relation, 'create');
    if (create) rows.push(...rowsOf(create, target));
    const many = propertyValueOf(relation, 'createMany');
    const manyData = many && ts.isObjectLiteralExpression(many) ? propertyValueOf(many, 'data') : undefined;
    if (manyData) rows.push(...rowsOf(manyData, target));
  }
  return rows;
}

/** True when a field of the row is computed from the value read (directly or through one `const`) and, when the model is known, sits in a unique constraint. */
function carriesReadValue({ row, model }: CreatedRow, read: ReadBinding, field: string): boolean {
  return row.properties.some((property) => {
    const name = propertyName(property);
    if (!name) return false;
    let value = propertyValueOf(row, name);
    if (value && ts.isIdentifier(value)) value = constInitializer(value.text, value) ?? value;
    if (!value || !readsField(value, read.variable, field)) return false;
    return !model || model.indexes.some((index) => (index.kind === 'unique' || index.kind === 'id') && index.fields.some((indexed) => indexed.name === name));
  });
}

function isComputation(node: ts.Expression): boolean {
  if (ts.isBinaryExpression(node)) return ARITHMETIC.has(node.operatorToken.kind);
  if (ts.isCallExpression(node)) {
    const callee = node.expression;
    return /^Math\.(?:max|min|round|floor|ceil)$/.test(callee.getText()) || (ts.isPropertyAccessExpression(callee) && DECIMAL_METHODS.has(callee.name.text));
  }
  return false;
}

function readsField(node: ts.Node, variable: string, field: string): boolean {
  let found = false;
  const walk = (current: ts.Node): void => {
    if (found) return;
    if (ts.isPropertyAccessExpression(current) && ts.isIdentifier(current.expression) && current.expression.text === variable && current.name.text === field) found = true;
    else ts.forEachChild(current, walk);
  };
  walk(node);
  return found;
}

/** `where: { id, version: user.version }` or any `where` that compares a field of the read row. */
function checksVersion(where: ts.Expression, variable: string): boolean {
  if (!ts.isObjectLiteralExpression(where)) return false;
  return where.properties.some((property) => {
    const name = propertyName(property) ?? '';
    return /version|updatedAt|updated_at|etag|revision/i.test(name) || (ts.isPropertyAssignment(property) && !/^id$/.test(name) && namesRead(property.initializer).has(variable) && readsField(property.initializer, variable, name));
  });
}

/**
 * Inside `$transaction(fn, { isolationLevel: Serializable })`, or `RepeatableRead` on PostgreSQL and
 * CockroachDB, where a concurrent update aborts the transaction (MySQL's Repeatable Read does not).
 */
function isolatedTransaction(node: ts.Node, provider: string | undefined): boolean {
  const levels = provider === 'postgresql' || provider === 'cockroachdb' ? /Serializable|RepeatableRead/ : /Serializable/;
  for (let transaction = enclosingTransaction(node); transaction; transaction = enclosingTransaction(transaction)) {
    const options = transaction.arguments[1];
    if (options && levels.test(options.getText())) return true;
  }
  return false;
}

function withFix(fix: Fix | undefined): { fixes?: Fix[] } {
  return fix ? { fixes: [fix] } : {};
}

/** `balance: user.balance - amount` → `balance: { decrement: amount }`. */
function atomicFix(context: CodeRuleContext, property: ts.PropertyAssignment, variable: string, field: string): Fix | undefined {
  const value = unwrap(property.initializer);
  if (!ts.isBinaryExpression(value)) return undefined;
  const left = unwrap(value.left);
  const isRead = ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === variable && left.name.text === field;
  if (!isRead || readsField(value.right, variable, field)) return undefined;
  const operator = { [ts.SyntaxKind.PlusToken]: 'increment', [ts.SyntaxKind.MinusToken]: 'decrement', [ts.SyntaxKind.AsteriskToken]: 'multiply', [ts.SyntaxKind.SlashToken]: 'divide' }[value.operatorToken.kind as number];
  if (!operator) return undefined;
  const span = spanOf(property.initializer, context.sourceFile);
  return {
    title: `Update ${field} atomically with { ${operator} }`,
    applicability: 'unsafe',
    edits: [{ uri: context.uri, start: span.start, end: span.end, text: `{ ${operator}: ${value.right.getText(context.sourceFile)} }` }],
  };
}
