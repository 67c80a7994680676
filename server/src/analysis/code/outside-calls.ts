/**
 * Calls that reach outside the database (HTTP, files, object storage, queues, payments, mail) and
 * calls that go to it, by the names code gives them. `missing-transaction` reads them to tell work a
 * transaction cannot wrap; `n-plus-one` to tell a loop whose outside call per element costs more
 * than its query.
 */
import ts = require('typescript');
import { isClientExpression } from './clients';
import type { CodeRuleContext } from './context';
import { resolveLocalCall } from './local-functions';
import { moduleCalls } from './module-calls';
import { isWithin, shortText, terminalName, unwrap } from './syntax';

/** Calls that reach outside the database: HTTP, files, object storage, queues, payments, mail. */
const OUTSIDE_CALLS =
  /^(?:fetch|\$fetch|ofetch|writeFile|writeFileSync|appendFile|appendFileSync|rename|unlink|rm|mkdir|copyFile|putObject|deleteObject|upload\w*|\w+Upload|\w+To(?:S3|Bucket|Storage|Cdn)|(?:create|save|store|put|write)File|sendMail|sendEmail|sendSms|sendWebhook|publish|publishJSON|publishMessage|enqueue)$/;
const OUTSIDE_RECEIVERS =
  /^(?:axios|got|ky|superagent|undici|fs|fsp|fsPromises|promises|s3|s3Client|storage|bucket|minio|cloudinary|stripe|paypal|resend|sendgrid|sgMail|mailer|transporter|postmark|mailgun|twilio|httpClient|http|https|openai|anthropic|sqs|sns|pubsub|kafka|producer|pusher)$/i;
/** `paymentsApi`, `emailQueue`, `openaiClient`, `uploadBucket`: names that hold a client of another service. */
const OUTSIDE_RECEIVER_SUFFIX = /[a-z](?:Api|Sdk|Queue|Bucket|Storage|Mailer|Producer|Publisher|Gateway|Client)$/;
/** Calls that only read (`fs.readFile`, `fs.stat`): nothing to undo. */
const READ_ONLY = /^(?:read\w*|stat|lstat|exists\w*|access|readdir|realpath)$/;
/** Receivers that hold database access of their own: `usersRepository`, `this.orderRepo`, `userDao`. */
const DATABASE_RECEIVER = /(?:repository|repo|dao)$/i;
/** A cache in front of something (`resourceDataCache.fetch(ids)`): a lookup, in memory or in Redis, not a request to another service. */
const CACHE_RECEIVER = /(?:^|[a-z])(?:cache|Cache|memo|Memo)$/;
/** A singleton's accessor (`WebhookQueue.getInstance()`): it hands out the client, it does not call it. */
const ACCESSOR = /^(?:getInstance|instance|getClient|client)$/;
/**
 * Outside calls that cost about what a query costs: a message handed to a queue or a publish/subscribe
 * channel (a Redis command, often not awaited, or an in-memory event), not a request answered by another service.
 */
const MESSAGE_CALLS = /^(?:publish|enqueue)$/;
const MESSAGE_RECEIVERS = /^(?:pubsub|kafka|producer)$|[a-z](?:Queue|Producer|Publisher)$/i;

/** A call outside the database: an HTTP request, a file write, object storage, a queue, a payment or mail service. */
export function isOutsideCall(context: CodeRuleContext, call: ts.CallExpression): boolean {
  return outsideKind(context, call) !== undefined;
}

/**
 * A call to another service that costs more than a query: an HTTP request, object storage, a file, a
 * payment or mail service; not a message to a queue or a pub/sub channel, which costs about as much
 * as the query beside it (`n-plus-one` leaves a loop's finding a warning for those).
 */
export function isCostlyOutsideCall(context: CodeRuleContext, call: ts.CallExpression): boolean {
  return outsideKind(context, call) === 'service';
}

function outsideKind(context: CodeRuleContext, call: ts.CallExpression): 'service' | 'message' | undefined {
  if (isDatabaseCall(context, call)) return undefined;
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return OUTSIDE_CALLS.test(callee.text) ? (MESSAGE_CALLS.test(callee.text) ? 'message' : 'service') : undefined;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const method = callee.name.text;
  if (READ_ONLY.test(method) || ACCESSOR.test(method)) return undefined;
  if (CACHE_RECEIVER.test(terminalName(unwrap(callee.expression)) ?? '')) return undefined;
  if (OUTSIDE_CALLS.test(method)) return MESSAGE_CALLS.test(method) ? 'message' : 'service';
  for (let receiver: ts.Expression = unwrap(callee.expression); ; receiver = unwrap(receiver.expression)) {
    const name = terminalName(receiver);
    if (name && (OUTSIDE_RECEIVERS.test(name) || OUTSIDE_RECEIVER_SUFFIX.test(name))) return MESSAGE_RECEIVERS.test(name) ? 'message' : 'service';
    if (!ts.isPropertyAccessExpression(receiver)) return undefined;
  }
}

/** A Prisma query, a call on a client (`prisma.$connect()`), a repository's method, or a function of this file that runs a query. */
export function isDatabaseCall(context: CodeRuleContext, call: ts.CallExpression): boolean {
  if (context.querySites.some((site) => site.node === call)) return true;
  const callee = unwrap(call.expression);
  for (let receiver = callee; ts.isPropertyAccessExpression(receiver); receiver = unwrap(receiver.expression)) {
    if (isClientExpression(context.index, receiver.expression) || DATABASE_RECEIVER.test(terminalName(receiver.expression) ?? '')) return true;
  }
  const local = resolveLocalCall(context.index, call);
  return local !== undefined && local.targets.some((target) => context.querySites.some((site) => isWithin(site.node, target)));
}

/** How many calls deep into a file's functions an outside call is looked for. */
const OUTSIDE_CALL_DEPTH = 3;

/** What another file's function a call names calls outside the database on every call, as written there; undefined when nothing (or not known). */
export type RemoteOutsideCall = (call: ts.CallExpression) => string | undefined;

/**
 * The first call outside the database that one turn of a loop makes, as written
 * (`stripe.refunds.create(…)`): in the loop's body, or in the functions the body calls on every
 * turn, a few calls deep (`scheduleAction(item)` that publishes a queue message after its insert),
 * this file's own or, through `remote`, another file's. In the body any outside call counts; a
 * function is followed only from a call the body makes on every turn (not behind an `if`, a `?:`,
 * `&&` or a `case`), and in it only a call on every path counts (`outsideCallOnEveryCall`).
 */
export function outsideCallPerIteration(context: CodeRuleContext, body: ts.Node, remote?: RemoteOutsideCall, path?: TurnEndingBranch): string | undefined {
  const paths = new EveryPath(context, remote);
  let found: string | undefined;
  const walk = (node: ts.Node, conditional: boolean): void => {
    if (found !== undefined || ts.isCatchClause(node)) return;
    // On a path that ends the turn, only what runs before it and on it.
    if (path && (node === path.other || node.getStart() >= path.statement.end)) return;
    if (ts.isCallExpression(node)) {
      found = paths.outside(node) ?? (conditional ? undefined : paths.follow(node, 0));
      if (found !== undefined) return;
    }
    ts.forEachChild(node, (child) => walk(child, conditional || isConditionalPart(node, child)));
  };
  walk(body, false);
  return found;
}

/**
 * The first call outside the database that every call of `fn` makes, in it or in this file's
 * functions it calls on every path, a few calls deep: not one behind an `if` without an `else` that
 * calls out too, a `?:`, `&&` or a `case`, nor one in a `catch` (the failure path). Guards that end
 * a call early (`if (!row) return`) are not taken for branches: real calls mostly pass them.
 */
export function outsideCallOnEveryCall(context: CodeRuleContext, fn: ts.FunctionLikeDeclaration): string | undefined {
  return fn.body ? new EveryPath(context, undefined).onEveryPath(fn.body, 0) : undefined;
}

/** An `if` branch that ends the turn of a loop (`if (clean) { await remove(id); continue; }`), and the statement and branch it leaves out. */
export interface TurnEndingBranch {
  statement: ts.IfStatement;
  branch: ts.Statement;
  other: ts.Statement | undefined;
}

/**
 * The innermost `if` branch around `use`, inside `body`, that ends the loop's turn (its last
 * statement is `continue`, `break`, `return` or `throw`): the turns that run `use` there run nothing
 * after that `if`, so only what comes before it, and the branch itself, runs beside `use`.
 */
export function turnEndingBranch(use: ts.Node, body: ts.Node): TurnEndingBranch | undefined {
  for (let node: ts.Node = use; node.parent && node !== body; node = node.parent) {
    const parent = node.parent;
    if (!ts.isIfStatement(parent) || (node !== parent.thenStatement && node !== parent.elseStatement) || !endsTurn(node as ts.Statement)) continue;
    return { statement: parent, branch: node as ts.Statement, other: node === parent.thenStatement ? parent.elseStatement : parent.thenStatement };
  }
  return undefined;
}

function endsTurn(statement: ts.Statement): boolean {
  const last = ts.isBlock(statement) ? statement.statements[statement.statements.length - 1] : statement;
  return last !== undefined && (ts.isContinueStatement(last) || ts.isBreakStatement(last) || ts.isReturnStatement(last) || ts.isThrowStatement(last));
}

/** For a rule with the workspace's summaries: what the other file's function a call names calls outside on every call. */
export function remoteOutsideCall(context: CodeRuleContext): RemoteOutsideCall | undefined {
  const workspace = context.workspaceCalls;
  if (!workspace) return undefined;
  const { calls } = moduleCalls(context.sourceFile, context.index.functions);
  return (call) => {
    const target = calls.get(call);
    return target && workspace.outsideCall(context.uri, target);
  };
}

class EveryPath {
  private readonly followed = new Set<ts.Node>();

  constructor(
    private readonly context: CodeRuleContext,
    private readonly remote: RemoteOutsideCall | undefined,
  ) {}

  outside(call: ts.CallExpression): string | undefined {
    return isCostlyOutsideCall(this.context, call) ? `${shortText(call.expression, this.context.sourceFile)}(…)` : undefined;
  }

  /** An outside call every call of the function `call` names makes: this file's, else (through `remote`) another file's. */
  follow(call: ts.CallExpression, depth: number): string | undefined {
    if (depth >= OUTSIDE_CALL_DEPTH) return undefined;
    const local = resolveLocalCall(this.context.index, call);
    if (!local) return this.remote?.(call);
    for (const target of local.targets) {
      if (this.followed.has(target) || !target.body || isWithin(call, target)) continue;
      this.followed.add(target);
      const found = this.onEveryPath(target.body, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** An outside call on every path through `node`: not in a branch (`isConditionalPart`) unless its twin branch calls out too. */
  onEveryPath(node: ts.Node, depth: number): string | undefined {
    if (ts.isCatchClause(node)) return undefined;
    if (ts.isCallExpression(node)) {
      const found = this.outside(node) ?? ts.forEachChild(node, (child) => this.onEveryPath(child, depth));
      return found ?? this.follow(node, depth);
    }
    const found = ts.forEachChild(node, (child) => (isConditionalPart(node, child) ? undefined : this.onEveryPath(child, depth)));
    if (found !== undefined) return found;
    // An `if` with an `else`, or a `?:`, calls out on every path when both its branches do.
    const branches = ts.isIfStatement(node) ? (node.elseStatement ? [node.thenStatement, node.elseStatement] : []) : ts.isConditionalExpression(node) ? [node.whenTrue, node.whenFalse] : [];
    const [yes, no] = branches.map((branch) => this.onEveryPath(branch, depth));
    return yes !== undefined && no !== undefined ? yes : undefined;
  }
}

/** Whether `child` of `parent` runs only on some paths: an `if`'s branches, a `?:`'s, the right of `&&`, `||`, `??`, a `case`. */
export function isConditionalPart(parent: ts.Node, child: ts.Node): boolean {
  if (ts.isIfStatement(parent)) return child !== parent.expression;
  if (ts.isConditionalExpression(parent)) return child !== parent.condition;
  if (ts.isBinaryExpression(parent) && isShortCircuit(parent)) return child === parent.right;
  return ts.isCaseClause(parent) || ts.isDefaultClause(parent);
}

function isShortCircuit(node: ts.BinaryExpression): boolean {
  const operator = node.operatorToken.kind;
  return operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.QuestionQuestionToken;
}
