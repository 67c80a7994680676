/**
 * Queries that run once per iteration of a loop, directly or through a local helper function,
 * after setting aside loops that drive them (pagination, retry, chunks), findUnique calls that
 * the dataloader merges, and queries collected for one `$transaction([...])`.
 */
import ts = require('typescript');
import type { CallChain } from '../facts/workspace-calls';
import type { Span } from '../text';
import { isBatchableSite, noAwaitOnPath, reachedInSameTick } from './batching';
import type { CodeRuleContext } from './context';
import { iterationContext, referenceLoop, type IterationContext, type Loop } from './iteration';
import { resolveLocalCall, type LocalCall, type ResolvedCall } from './local-functions';
import { loopRole, type RepeatedUse } from './loop-roles';
import { moduleCalls, type CallTarget } from './module-calls';
import type { QuerySite } from './query-sites';
import { runsAtMostOnce } from './single-iteration';
import { collectedUnawaited, flowsIntoTransaction } from './transaction-batches';
import { compactText, propertyName, shortText, spanOf, unwrap } from './syntax';

export interface RepeatedQuery {
  /** The query that runs once per iteration (for a helper call: the first query the helper runs). */
  site: QuerySite;
  /** The local function call that runs it, when the query sits in a helper. */
  helper: (ResolvedCall & { sites: QuerySite[] }) | undefined;
  /** Where the finding points: the query's callee, or the helper call. */
  span: Span;
  /** The innermost loop that repeats it. */
  loop: Loop;
  /** Enclosing loops that repeat it too (nested loops), innermost first. */
  outerLoops: Loop[];
}

const MAX_HELPER_DEPTH = 3;
/** Queries named per helper: enough to report, bounded for generated code where everything calls everything. */
const MAX_SUMMARY_SITES = 20;
const cache = new WeakMap<CodeRuleContext, RepeatedQuery[]>();
const analyses = new WeakMap<CodeRuleContext, PerIterationAnalysis>();

/** Every query of the file that runs once per loop iteration, in source order. */
export function repeatedQueries(context: CodeRuleContext): RepeatedQuery[] {
  const cached = cache.get(context);
  if (cached) return cached;
  const result = perIterationAnalysis(context).run();
  cache.set(context, result);
  return result;
}

/** The file's per-iteration analysis, made once per context: what runs per loop iteration and what each function runs per call. */
export function perIterationAnalysis(context: CodeRuleContext): PerIterationAnalysis {
  let analysis = analyses.get(context);
  if (!analysis) analyses.set(context, (analysis = new PerIterationAnalysis(context)));
  return analysis;
}

/** A call in a loop of a function in another file that runs a query on every call. */
export interface RepeatedRemoteCall {
  call: ts.CallExpression;
  /** The call as a message names it: `this.userService.findById(…)`. */
  text: string;
  span: Span;
  chain: CallChain;
  loop: Loop;
  outerLoops: Loop[];
}

export interface Repetition {
  loop: Loop;
  outerLoops: Loop[];
}

export class PerIterationAnalysis {
  private readonly siteByCall = new Map<ts.Node, QuerySite>();
  private readonly sitesByOwner = new Map<ts.Node | undefined, QuerySite[]>();
  private readonly callsByOwner = new Map<ts.Node | undefined, LocalCall[]>();
  private readonly siteRepetitions = new Map<QuerySite, Repetition | undefined>();
  private readonly summaries = new Map<ts.FunctionLikeDeclaration, QuerySite[]>();
  private readonly summarizing = new Set<ts.FunctionLikeDeclaration>();

  constructor(private readonly context: CodeRuleContext) {
    for (const site of context.querySites) {
      this.siteByCall.set(site.node, site);
      push(this.sitesByOwner, iterationContext(site.node).owner, site);
    }
    for (const call of context.index.localCalls) push(this.callsByOwner, iterationContext(call).owner, call);
  }

  run(): RepeatedQuery[] {
    const found: RepeatedQuery[] = [];
    for (const site of this.context.querySites) {
      const repetition = this.siteRepetition(site);
      if (repetition) found.push({ site, helper: undefined, span: site.span, ...repetition });
    }
    const calls: LocalCall[] = [...this.context.index.localCalls, ...this.context.index.functionReferences];
    for (const call of calls) {
      const resolved = resolveLocalCall(this.context.index, call);
      if (!resolved) continue;
      const outcome = this.callRepetition(resolved);
      if (outcome) found.push({ site: outcome.sites[0]!, helper: { ...resolved, sites: outcome.sites }, span: resolved.span, loop: outcome.loop, outerLoops: outcome.outerLoops });
    }
    return found.sort((a, b) => a.span.start - b.span.start);
  }

  private siteRepetition(site: QuerySite): Repetition | undefined {
    if (this.siteRepetitions.has(site)) return this.siteRepetitions.get(site);
    const use: RepeatedUse = { node: site.node, operations: [site.operation], inputs: site.args ? [unwrap(site.args)] : [] };
    const batchable = isBatchableSite(site, this.context.schema);
    const repetition = this.repetition(use, iterationContext(site.node), batchable, true);
    this.siteRepetitions.set(site, repetition);
    return repetition;
  }

  private callRepetition(resolved: ResolvedCall): (Repetition & { sites: QuerySite[] }) | undefined {
    const sites = resolved.targets.flatMap((fn) => this.summary(fn, 0));
    if (sites.length === 0) return undefined;
    const batchable = sites.every((site) => {
      const owner = iterationContext(site.node).owner;
      return owner !== undefined && resolved.targets.includes(owner) && isBatchableSite(site, this.context.schema) && noAwaitOnPath(site.node, owner, this.isMergedAwait);
    });
    const inputs = ts.isCallExpression(resolved.call) ? resolved.call.arguments : ts.isJsxOpeningElement(resolved.call) || ts.isJsxSelfClosingElement(resolved.call) ? [resolved.call.attributes] : [];
    const use: RepeatedUse = { node: resolved.call, operations: sites.map((site) => site.operation), inputs: [...inputs] };
    let context = iterationContext(resolved.call);
    let ownLoop: Loop | undefined;
    if (!ts.isCallExpression(resolved.call) && !ts.isJsxOpeningElement(resolved.call) && !ts.isJsxSelfClosingElement(resolved.call)) {
      // `users.map(loadPosts)`: the reference makes a loop of its own around the helper.
      ownLoop = referenceLoop(resolved.call, resolved.targets[0]!);
      if (!ownLoop) return undefined;
      context = { ...context, loops: [ownLoop, ...context.loops] };
    }
    const repetition = this.repetition(use, context, batchable, false, ownLoop);
    return repetition && { ...repetition, sites };
  }

  /**
   * What `remoteCalls` would ask the workspace about: the targets of other files' functions called
   * in loops, directly or through a local helper. None: the file's findings do not depend on other files.
   */
  remoteTargets(): CallTarget[] {
    const found: CallTarget[] = [];
    const targets = moduleCalls(this.context.sourceFile, this.context.index.functions).calls;
    for (const [call, target] of targets) if (iterationContext(call).loops.length > 0) found.push(target);
    for (const call of this.context.index.localCalls) {
      if (!ts.isCallExpression(call) || iterationContext(call).loops.length === 0) continue;
      const resolved = resolveLocalCall(this.context.index, call);
      if (!resolved || resolved.targets.some((fn) => this.summary(fn, 0).length > 0)) continue;
      for (const fn of resolved.targets) for (const outgoing of this.outgoingCalls(fn)) found.push(targets.get(outgoing)!);
    }
    return found;
  }

  /** Calls in loops of other files' functions that query on every call, in source order. */
  remoteCalls(): RepeatedRemoteCall[] {
    const workspace = this.context.workspaceCalls;
    if (!workspace) return [];
    const found: RepeatedRemoteCall[] = [];
    const sourceFile = this.context.sourceFile;
    for (const [call, target] of moduleCalls(sourceFile, this.context.index.functions).calls) {
      const context = iterationContext(call);
      if (context.loops.length === 0) continue;
      const chain = workspace.chain(this.context.uri, target);
      if (!chain) continue;
      const repetition = this.callInLoop(call, [chain.query.operation]);
      if (!repetition) continue;
      const args = call.arguments.map((argument) => shortText(argument, sourceFile, 24)).join(', ');
      const text = `${compactText(call.expression, sourceFile)}(${args.length <= 30 ? args : '…'})`;
      const callee = call.expression;
      const whole = spanOf(callee, sourceFile);
      // A finding spans one line: a call written over several (`this.users\n.load(…)`) is named by its method.
      const span = !sourceFile.text.slice(whole.start, whole.end).includes('\n') || !ts.isPropertyAccessExpression(callee) ? whole : spanOf(callee.name, sourceFile);
      found.push({ call, text, span, chain, ...repetition });
    }
    // A local helper that runs no query itself but calls another file's function that does.
    const targets = moduleCalls(sourceFile, this.context.index.functions).calls;
    for (const call of this.context.index.localCalls) {
      if (!ts.isCallExpression(call) || iterationContext(call).loops.length === 0) continue;
      const resolved = resolveLocalCall(this.context.index, call);
      if (!resolved || resolved.targets.some((fn) => this.summary(fn, 0).length > 0)) continue;
      const name = resolved.text.replace(/\(.*$/, '').replace(/^.*\./, '');
      let chain: CallChain | undefined;
      for (const fn of resolved.targets) {
        for (const outgoing of this.outgoingCalls(fn)) {
          const next = workspace.chain(this.context.uri, targets.get(outgoing)!);
          if (!next) continue;
          const at = sourceFile.getLineAndCharacterOfPosition(outgoing.expression.getStart(sourceFile));
          const end = sourceFile.getLineAndCharacterOfPosition(outgoing.expression.getEnd());
          const link = { uri: this.context.uri, at: { line: at.line, character: at.character, endCharacter: end.line === at.line ? end.character : at.character + 1 }, text: `"${name}" calls "${compactText(outgoing.expression, sourceFile)}(…)"` };
          chain = { ...next, links: [link, ...next.links], name };
          break;
        }
        if (chain) break;
      }
      if (!chain) continue;
      const repetition = this.callInLoop(call, [chain.query.operation]);
      if (repetition) found.push({ call, text: resolved.text, span: resolved.span, chain, ...repetition });
    }
    return found.sort((a, b) => a.span.start - b.span.start);
  }

  /** The loops that run a call of another file's function once per element (no dataloader merges it), or undefined. */
  callInLoop(call: ts.CallExpression, operations: string[]): Repetition | undefined {
    return this.repetition({ node: call, operations, inputs: [...call.arguments] }, iterationContext(call), false, false);
  }

  /** The loops that run `use` once per element, or undefined when none does. */
  private repetition(use: RepeatedUse, context: IterationContext, batchable: boolean, isQuery: boolean, referenceLoop?: Loop): Repetition | undefined {
    if (context.inTestHook) return undefined;
    const counted: Loop[] = [];
    for (const [position, loop] of context.loops.entries()) {
      const role = loopRole(loop, use, context.loops.slice(0, position));
      // A page or a chunk per iteration of an inner loop: the query is the batch, and a loop around
      // it runs one batch job per element (`for (const group of groups) while (true) { …take: 500… }`).
      if (counted.length === 0 && (role === 'chunk' || role === 'pagination' || (role === 'driver' && (use.inputs.some(takesPage) || readsPages(loop))))) return undefined;
      if (role !== 'per-element') continue;
      // A query in a `catch` runs only for the iterations that fail: a fallback, not the loop's work.
      if (inCatchWithin(use.node, loop.body)) continue;
      if (leavesLoopAfter(use.node, loop)) continue;
      if (runsAtMostOnce(use.node, loop)) continue;
      if (isQuery && context.loops.some((candidate) => runsStatementList(use, candidate))) continue;
      // A function passed by reference is the callback itself: its own queries were checked for awaits already.
      const start = loop === referenceLoop ? loop.body : use.node;
      if (batchable && reachedInSameTick(start, loop, this.isMergedAwait)) continue;
      if (isQuery && (flowsIntoTransaction(use.node, loop, this.context.index) || collectedUnawaited(use.node, loop, this.context.sourceFile))) continue;
      counted.push(loop);
    }
    const [loop, ...outerLoops] = counted;
    return loop && { loop, outerLoops };
  }

  /** Queries one call of `fn` runs and that no loop inside `fn` already reports, through helpers it calls too. */
  summary(fn: ts.FunctionLikeDeclaration, depth: number): QuerySite[] {
    const known = this.summaries.get(fn);
    if (known) return known;
    if (this.summarizing.has(fn) || depth > MAX_HELPER_DEPTH) return [];
    this.summarizing.add(fn);
    const sites = new Set((this.sitesByOwner.get(fn) ?? []).filter((site) => !this.siteRepetition(site) && !iterationContext(site.node).inTestHook));
    for (const call of this.callsByOwner.get(fn) ?? []) {
      if (sites.size >= MAX_SUMMARY_SITES) break;
      const resolved = resolveLocalCall(this.context.index, call);
      if (!resolved || iterationContext(call).loops.length > 0) continue;
      for (const target of resolved.targets) for (const site of this.summary(target, depth + 1)) sites.add(site);
    }
    const summary = [...sites].slice(0, MAX_SUMMARY_SITES).sort((a, b) => a.span.start - b.span.start);
    this.summarizing.delete(fn);
    this.summaries.set(fn, summary);
    return summary;
  }

  /**
   * Calls of other files' functions that one call of `fn` makes outside its loops and `catch`
   * blocks, through the local helpers it calls too: what the workspace follows to find its queries.
   */
  outgoingCalls(fn: ts.FunctionLikeDeclaration, depth = 0, seen = new Set<ts.FunctionLikeDeclaration>()): ts.CallExpression[] {
    if (seen.has(fn) || depth > MAX_HELPER_DEPTH) return [];
    seen.add(fn);
    const calls = (this.externalCallsByOwner().get(fn) ?? []).filter((call) => iterationContext(call).loops.length === 0 && !inCatchClause(call));
    for (const call of this.callsByOwner.get(fn) ?? []) {
      if (iterationContext(call).loops.length > 0 || inCatchClause(call)) continue;
      const resolved = resolveLocalCall(this.context.index, call);
      for (const target of resolved?.targets ?? []) calls.push(...this.outgoingCalls(target, depth + 1, seen));
    }
    return calls;
  }

  private externalByOwner: Map<ts.Node | undefined, ts.CallExpression[]> | undefined;

  private externalCallsByOwner(): Map<ts.Node | undefined, ts.CallExpression[]> {
    if (this.externalByOwner) return this.externalByOwner;
    const byOwner = new Map<ts.Node | undefined, ts.CallExpression[]>();
    for (const call of moduleCalls(this.context.sourceFile, this.context.index.functions).calls.keys()) push(byOwner, iterationContext(call).owner, call);
    return (this.externalByOwner = byOwner);
  }

  /** `await prisma.user.findUnique(…)` resolves with the rest of its batch, so what follows still shares a tick. */
  private readonly isMergedAwait = (expression: ts.AwaitExpression): boolean => {
    let value = unwrap(expression.expression);
    // The fluent API (`findUnique(…).posts()`) batches like findUnique itself.
    if (ts.isCallExpression(value) && ts.isPropertyAccessExpression(value.expression) && !this.siteByCall.has(value)) value = unwrap(value.expression.expression);
    const site = this.siteByCall.get(value);
    return site !== undefined && isBatchableSite(site, this.context.schema);
  };
}

/**
 * True when the loop ends right after the query: a `return`, `throw` or `break` follows it in its
 * block with no `continue` between, so it runs at most once (`for (…) { if (match) return await …; }`).
 */
function leavesLoopAfter(node: ts.Node, loop: Loop): boolean {
  if (loop.form !== 'statement') return false;
  // A `return` in a callback between them (`$transaction(async (tx) => { …; return x; })`) leaves the callback only.
  for (let current = node.parent; current && current !== loop.body; current = current.parent) if (ts.isFunctionLike(current)) return false;
  for (let child: ts.Node = node, parent = node.parent; parent && child !== loop.body; child = parent, parent = parent.parent) {
    if (ts.isFunctionLike(parent) || ts.isIterationStatement(parent, false) || ts.isSwitchStatement(parent)) return false;
    if (ts.isReturnStatement(child) || ts.isThrowStatement(child)) return true;
    if (!ts.isBlock(parent)) continue;
    const after = parent.statements.slice(parent.statements.indexOf(child as ts.Statement) + 1);
    for (const statement of after) {
      if (containsContinue(statement)) return false;
      if (ts.isReturnStatement(statement) || ts.isThrowStatement(statement)) return true;
      // A `break` in a `switch` or in an inner loop leaves that, not the loop.
      if (ts.isBreakStatement(statement) && !statement.label) return !switchBetween(parent, loop.body) && !innerLoopBetween(parent, loop.body);
    }
  }
  return false;
}

/** `{ take: 500 }`, `{ limit: BATCH_SIZE }`: the arguments of a read of one page. */
function takesPage(input: ts.Node): boolean {
  return ts.isObjectLiteralExpression(input) && input.properties.some((property) => /^(?:take|first|limit|pageSize|batchSize)$/.test(propertyName(property) ?? ''));
}

/** A `while`/`do` loop whose body reads a page (`take: 500`) each time round: a batch loop, whatever else it runs per batch. */
function readsPages(loop: Loop): boolean {
  let found = false;
  const walk = (node: ts.Node): void => {
    if (found) return;
    if (ts.isObjectLiteralExpression(node) && takesPage(node)) found = true;
    else ts.forEachChild(node, walk);
  };
  walk(loop.body);
  return found;
}

/**
 * `for (const sql of statements) await prisma.$executeRawUnsafe(sql)`: each element is a whole
 * statement (DDL of one schema change, a migration script), not a row of data: there is no set-based
 * form of a list of different statements, and a loop around it repeats a schema change, not a read.
 */
function runsStatementList(use: RepeatedUse, loop: Loop): boolean {
  const operation = use.operations[0];
  if (operation !== '$executeRawUnsafe' && operation !== '$queryRawUnsafe') return false;
  let sql = use.inputs[0];
  // `statement.sql` of a `{ sql, bindings }` element (Knex's toSQL()).
  if (sql && ts.isPropertyAccessExpression(sql) && /^(?:sql|query|statement)$/.test(sql.name.text)) sql = sql.expression;
  return sql !== undefined && ts.isIdentifier(sql) && loop.element !== undefined && ts.isIdentifier(loop.element) && loop.element.text === sql.text;
}

function innerLoopBetween(node: ts.Node, body: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current && current !== body; current = current.parent) if (ts.isIterationStatement(current, false)) return true;
  return false;
}

function switchBetween(node: ts.Node, body: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current && current !== body; current = current.parent) if (ts.isSwitchStatement(current)) return true;
  return false;
}

function containsContinue(node: ts.Node): boolean {
  if (ts.isContinueStatement(node)) return true;
  if (ts.isFunctionLike(node) || ts.isIterationStatement(node, false)) return false;
  return ts.forEachChild(node, containsContinue) === true;
}

function inCatchWithin(node: ts.Node, body: ts.Node): boolean {
  for (let current = node.parent; current && current !== body; current = current.parent) if (ts.isCatchClause(current)) return true;
  return false;
}

/** True inside a `catch` block of the node's own function: a fallback, not what every call runs. */
export function inCatchClause(node: ts.Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (ts.isCatchClause(current)) return true;
    if (ts.isFunctionLike(current)) {
      // `.catch(() => …)` is a catch block too.
      const parent = current.parent;
      return ts.isCallExpression(parent) && ts.isPropertyAccessExpression(parent.expression) && parent.expression.name.text === 'catch';
    }
  }
  return false;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
