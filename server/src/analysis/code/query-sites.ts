/** The query-site index: every Prisma Client call of a file, with its model resolved through the schema. */
import ts = require('typescript');
import type { Model, PrismaSchema } from '../schema/model';
import type { Span } from '../text';
import { isClientExpression } from './clients';
import type { FileIndex, OperationCall } from './file-index';
import { MODEL_OPERATIONS, modelsByDelegate, RAW_OPERATIONS } from './operations';
import { compactText, isSingleLine, spanOf, unwrap } from './syntax';

export interface QuerySite {
  uri: string;
  kind: 'model' | 'raw';
  /** The callee as written, whitespace removed: `prisma.post.findMany`, `ctx.db.$queryRaw`. */
  callee: string;
  /** The client expression: `prisma`, `ctx.db`, `tx`, `this.prisma`. */
  client: string;
  /** The delegate (`post`) of a model operation. */
  delegate: string | undefined;
  /** The model the delegate belongs to, when the schema declares it. */
  model: Model | undefined;
  operation: string;
  /** Where findings about the query point: the callee, on one line. */
  span: Span;
  /** The whole call, arguments included. */
  callSpan: Span;
  /** The call (or tagged template) itself. */
  node: OperationCall;
  /** The first argument, kept as a syntax tree (the `{ where, select, … }` object of a model operation). */
  args: ts.Expression | undefined;
}

const MAX_CLIENT_TEXT = 40;

/** Resolves the operation calls the walk collected into query sites, in source order. */
export function findQuerySites(index: FileIndex, uri: string, schema: PrismaSchema | undefined): QuerySite[] {
  return findQuerySitesByDelegate(index, uri, schema ? modelsByDelegate(schema) : undefined);
}

/** A name that can be a model's delegate when no schema says which are: Prisma lower-cases a model's first letter. */
export function isDelegateShaped(name: string): boolean {
  return DELEGATE_SHAPED.test(name);
}

const DELEGATE_SHAPED = /^[a-z][A-Za-z0-9_]*$/;

/** `findQuerySites` with the schema's models already keyed by delegate name (`modelsByDelegate`). */
export function findQuerySitesByDelegate(index: FileIndex, uri: string, delegates: ReadonlyMap<string, Model> | undefined): QuerySite[] {
  const sites: QuerySite[] = [];
  // Without a schema any delegate-shaped name is accepted.
  const isDelegate = (name: string): boolean => (delegates ? delegates.has(name) : isDelegateShaped(name));
  for (const call of index.operationCalls) {
    const site = resolveCall(index, uri, call, isDelegate, delegates);
    if (site) sites.push(site);
  }
  return sites;
}

function resolveCall(
  index: FileIndex,
  uri: string,
  call: OperationCall,
  isDelegate: (name: string) => boolean,
  delegates: ReadonlyMap<string, Model> | undefined,
): QuerySite | undefined {
  const callee = ts.isCallExpression(call) ? call.expression : call.tag;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const operation = callee.name.text;
  const sourceFile = index.sourceFile;
  const args = ts.isCallExpression(call) ? call.arguments[0] : call.template;
  if (RAW_OPERATIONS.has(operation)) {
    if (!isClientExpression(index, callee.expression)) return undefined;
    return site(index, uri, call, callee, 'raw', clientText(callee.expression, sourceFile), undefined, undefined, operation, args);
  }
  if (!MODEL_OPERATIONS.has(operation) || !ts.isCallExpression(call)) return undefined;
  const target = unwrap(callee.expression);
  let delegate: string | undefined;
  let client: ts.Expression | undefined;
  let viaAlias = false;
  if (ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.name)) {
    delegate = target.name.text;
    client = target.expression;
  } else if (ts.isElementAccessExpression(target) && ts.isStringLiteral(target.argumentExpression)) {
    delegate = target.argumentExpression.text;
    client = target.expression;
  } else if (ts.isIdentifier(target)) {
    const alias = index.delegateAliases.get(target.text);
    if (alias) {
      delegate = alias.delegate;
      client = alias.client;
      viaAlias = true;
    }
  }
  if (!delegate || !client || delegate.startsWith('$') || !isDelegate(delegate)) return undefined;
  // An alias was only recorded because its client resolved; re-checking it would consult the alias itself.
  if (!viaAlias && !isClientExpression(index, client) && !(delegates?.get(delegate) && isWrapperChain(client))) return undefined;
  const resolved = site(index, uri, call, callee, 'model', clientText(client, sourceFile), delegate, delegates?.get(delegate), operation, args);
  // Messages name what the code wrote: `tasks.findMany` for `const { task: tasks } = prisma`.
  return viaAlias ? { ...resolved, callee: compactText(callee, sourceFile) } : resolved;
}

/**
 * A client reached through a wrapper its name does not give away (`dbWrite`, `this.repo.model`,
 * `this.prismaService.txClient()`): accepted when the delegate names a model of the schema and the
 * chain names a database holder somewhere (`db`, `model`, `repo`, `store`, `client`, `tx`…), since
 * `<chain>.<model>.<operation>(…)` is then a query; `stripe.invoice.update` or `this.user` are not.
 */
function isWrapperChain(expression: ts.Expression): boolean {
  let value = unwrap(expression);
  let namesHolder = false;
  for (let depth = 0; depth < 8; depth++) {
    if (ts.isIdentifier(value)) return namesHolder || DATABASE_HOLDER.test(value.text);
    if (value.kind === ts.SyntaxKind.ThisKeyword) return namesHolder;
    if (ts.isAwaitExpression(value)) value = unwrap(value.expression);
    else if (ts.isPropertyAccessExpression(value)) {
      namesHolder ||= DATABASE_HOLDER.test(value.name.text);
      value = unwrap(value.expression);
    } else if (ts.isCallExpression(value)) {
      const name = ts.isPropertyAccessExpression(value.expression) ? value.expression.name.text : ts.isIdentifier(value.expression) ? value.expression.text : '';
      namesHolder ||= DATABASE_HOLDER.test(name);
      value = unwrap(value.expression);
    } else return false;
  }
  return false;
}

const DATABASE_HOLDER_NAME = /db|DB|Db|[pP]risma|^_?model$|[rR]epo|[sS]tore|^_?tx|Tx$|[dD]atabase|[cC]onn|[rR]eplica|[wW]riter|[rR]eader/;
/**
 * A client by its name alone: `client`, `getClient`, `txClient`, `readClient`, but not another
 * service's SDK (`createSlackClient(token).chat.update(…)`, `s3Client`, `hubClient`), whose
 * properties may happen to share a model's name.
 */
const CLIENT_NAME = /^_?(?:create|get|new|make|use)?(?:tx|read|write|replica|primary|main|shared|global|base|extended|default)?client$/i;

const DATABASE_HOLDER = { test: (name: string): boolean => DATABASE_HOLDER_NAME.test(name) || CLIENT_NAME.test(name) };

function site(
  index: FileIndex,
  uri: string,
  call: OperationCall,
  callee: ts.PropertyAccessExpression,
  kind: QuerySite['kind'],
  client: string,
  delegate: string | undefined,
  model: Model | undefined,
  operation: string,
  args: ts.Expression | undefined,
): QuerySite {
  const sourceFile = index.sourceFile;
  const calleeText = delegate ? `${client}.${delegate}.${operation}` : `${client}.${operation}`;
  return {
    uri,
    kind,
    callee: calleeText,
    client,
    delegate,
    model,
    operation,
    span: reportSpan(callee, sourceFile),
    callSpan: spanOf(call, sourceFile),
    node: call,
    args,
  };
}

/** The client as a message names it; a long expression (`prisma.$extends({ … })`) is shortened. */
function clientText(client: ts.Expression, sourceFile: ts.SourceFile): string {
  const text = compactText(client, sourceFile);
  if (text.length <= MAX_CLIENT_TEXT) return text;
  const value = unwrap(client);
  if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression)) return `${clientText(value.expression.expression, sourceFile)}.${value.expression.name.text}(…)`;
  return `${text.slice(0, MAX_CLIENT_TEXT - 1)}…`;
}

/** The callee when it fits on one line; else `user.update` or `update` on the line that holds the operation. */
function reportSpan(callee: ts.PropertyAccessExpression, sourceFile: ts.SourceFile): Span {
  const text = sourceFile.text;
  const whole = spanOf(callee, sourceFile);
  if (isSingleLine(whole, text)) return whole;
  const target = unwrap(callee.expression);
  if (ts.isPropertyAccessExpression(target)) {
    const tail = { start: target.name.getStart(sourceFile), end: whole.end };
    if (isSingleLine(tail, text)) return tail;
  }
  return spanOf(callee.name, sourceFile);
}
