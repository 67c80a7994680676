/** Flags Prisma queries executed once per loop iteration (N+1), directly or through a local helper. */
import ts = require('typescript');
import { collectionQuery } from '../code/bindings';
import type { CodeRuleContext } from '../code/context';
import { createManyFix } from '../code/fix-create-many';
import { includeFix } from '../code/fix-include';
import { mapLookupFix } from '../code/fix-map-lookup';
import type { Loop } from '../code/iteration';
import { operationKind } from '../code/operations';
import { concurrencyLimit } from '../code/concurrency-limit';
import { outsideCallPerIteration, remoteOutsideCall, turnEndingBranch, type TurnEndingBranch } from '../code/outside-calls';
import { perIterationAnalysis, repeatedQueries, type RepeatedQuery, type RepeatedRemoteCall } from '../code/per-iteration';
import type { QuerySite } from '../code/query-sites';
import { relationLoad, singleCriterion, type RelationLoad } from '../code/relation-load';
import { shortText, unwrap } from '../code/syntax';
import { defineRule, type CodeRule, type Fix, type RuleFinding } from './types';

export default defineRule<CodeRule>({
  id: 'n-plus-one',
  appliesTo: ['typescript'],
  severity: 'warning',
  docs: {
    summary: 'Prisma queries that run once per element of a loop (N+1).',
    why: [
      'Each Prisma query is at least one round trip to the database. A query inside a `for` loop, or in the callback of `map`, `forEach`, `reduce` or `pMap`, runs once per element: loading 200 users and then their posts one user at a time costs 201 round trips, and the page gets slower as the data grows. Writes in a loop hold a connection, and often a transaction, for just as long.',
      'The rule follows queries through wrappers (`withRetry(() => …)`, `.then`), transactions (`tx` in `$transaction(async (tx) => …)`), clients behind wrappers (`this.prisma`, `ctx.db`, `this.prismaService.txClient()`, a repository\'s `.model.<delegate>`), local helper functions called in the loop, and functions of other files: imported helpers, methods of injected services (`this.userService.findById(id)`, the constructor parameter\'s type naming the class) and of exported instances (`export const monitors = new MonitorManager()`), a few calls deep. It reports such a call at the call in the loop, with the chain of calls down to the query as related information. The queries of one loop are one finding, at the first of them, with the others as related information: the fix is one change to the loop. A loop that also calls outside the database for each element (an HTTP request, object storage, a payment, mail or queue service), in its body or in a function it calls on every iteration (of the same file, a few calls deep, or of another file the workspace summarises, with that file\'s own helpers; on every branch of that function), is reported as info: that call costs more than the query. So is a loop that limits its concurrency on purpose (`pLimit`, `pMap(…, { concurrency })`, `mapLimit`, `PQueue`, `Bottleneck`): its author has weighed the work of each element, which is mostly more than the query.',
      'It stays quiet where one query per iteration is the design: pagination loops (`take` with `skip`, `cursor` or a keyset `where`) and batch loops (a `while` that reads a page with `take` until none is left), with whatever loop runs them, drain loops (a capped `for` that makes the same call each turn and stops when its result says nothing is left: `if (pairs.length === 0) break`, `if (!result.hasMore) break`), a counted loop whose turn collects a list of its own and writes it whole (`updates.push(…)` then one bulk `UPDATE … FROM (VALUES …)`), retry and compare-and-swap loops, loops over chunks that query each chunk with `in` or a `*Many` operation, loops over the keys of a grouping that write each key\'s whole group at once (`in: ids`, `Prisma.join(ids)`, `= ANY(${ids})`), a bulk write per iteration of a whole other list (`createMany({ data: users.map(…) })`), loops over collections the code defines (literal lists, module-level or `as const` lists and copies of them, `SCREAMING_CASE` constants, `Object.values` of a constant object or an enum, the keys of an entry of a module\'s constant object (`const { fields } = queues[type]`), a function\'s short list of rows built from the call\'s values (`[{ kind: \'input\', price: input.inputPrice }, …]`; a list of rows of literals is what a seed inserts and stays reported), a fixed count such as `Array.from({ length: 9 })`, definitions a class registers in its `define…`/`register…` methods), a query that runs for one iteration at most (behind `if (i === 0)`, `if (saved.length === 1)` on a list the loop appends to, or `if (org.id === ACME_ORG_ID)`), queries built without being run (pushed un-awaited onto a list or returned from a plain callback, for a later `$transaction([...])`), a query only in the `catch` of an iteration, consumer loops (`for await` over a socket, a stream or a subscription: one query per message as it arrives), and test hooks. It also stays quiet for `findUnique` calls that Prisma Client batches itself: calls issued in the same tick (such as `Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })))`) whose `where` holds only equality criteria on scalar fields or a compound unique key, with the same selection. `findFirst`, and any query awaited one iteration after another, are never batched.',
    ].join('\n\n'),
    bad: [
      'const users = await prisma.user.findMany();',
      'for (const user of users) {',
      '  const posts = await prisma.post.findMany({ where: { authorId: user.id } });',
      '  report(user, posts);',
      '}',
    ].join('\n'),
    good: [
      'const users = await prisma.user.findMany({ include: { posts: true } });',
      'for (const user of users) {',
      '  report(user, user.posts);',
      '}',
    ].join('\n'),
    fixSafety:
      'Unsafe: every quick fix changes when and how often queries run, so it is offered one finding at a time and never applied by "fix all". Loading with `findMany({ where: { key: { in: … } } })` before the loop reads all rows at once (a value that occurs twice is read once, and rows written inside the loop are not seen); `createMany` skips nested writes and returns a count instead of the rows; adding `include` changes the shape of the parent query\'s result.',
  },
  check(context) {
    const idle = new Map<ts.Node, IdleLoop | undefined>();
    const inLoop = (finding: RuleFinding, loop: Loop, use: ts.Node): RuleFinding => {
      // A query on a path that ends the turn early has that path's outside calls only.
      const ending = turnEndingBranch(use, loop.body);
      const path = ending?.branch ?? loop.node;
      if (!idle.has(path)) idle.set(path, idleLoop(context, loop, ending));
      return ofLoop(finding, loop, idle.get(path));
    };
    const findings = repeatedQueries(context).map((repeated) => inLoop(findingFor(context, repeated), repeated.loop, repeated.helper?.call ?? repeated.site.node));
    const remote = perIterationAnalysis(context).remoteCalls();
    if (remote.length === 0) return findings;
    return [...findings, ...remote.map((repeated) => inLoop(remoteFindingFor(context, repeated), repeated.loop, repeated.call))].sort((a, b) => a.span.start - b.span.start);
  },
});

/**
 * The queries of one loop are one problem, fixed by one change to the loop: one finding, the others
 * related. When each iteration also calls outside the database (an HTTP request, a file or object
 * storage, a payment or mail service), that call costs more than the query; when the loop limits
 * its concurrency on purpose (`pLimit`, `pMap(…, { concurrency })`), its author has weighed each
 * element's work, which on real code is mostly more than the query. Either way the finding is true
 * but idle (info).
 */
function ofLoop(finding: RuleFinding, loop: Loop, idle: IdleLoop | undefined): RuleFinding {
  const group = { key: `loop@${loop.node.getStart()}`, one: 'so does one more query of this loop', many: 'so do {n} more queries of this loop' };
  if (idle === undefined) return { ...finding, group };
  return { ...finding, group, idle: true, message: `${finding.message.replace(/\.$/, '')}; ${idle.why}.`, help: `${finding.help} Reported as info: ${idle.info}.` };
}

/** Why a loop's finding is idle: what the message adds, and what the help explains. */
interface IdleLoop {
  why: string;
  info: string;
}

/** `ending`: the branch the loop's query is on when that branch ends the turn: only its path's outside calls count. */
function idleLoop(context: CodeRuleContext, loop: Loop, ending: TurnEndingBranch | undefined): IdleLoop | undefined {
  const outside = outsideCallPerIteration(context, loop.body, remoteOutsideCall(context), ending);
  if (outside !== undefined) return { why: `each iteration also calls "${outside}" outside the database`, info: `the call to "${outside}" per element costs more than the query, so batching the query alone changes little` };
  const limit = concurrencyLimit(context, loop);
  if (limit !== undefined) return { why: `the loop limits its concurrency on purpose ("${limit}")`, info: 'a loop throttled on purpose does per-element work its author has weighed, mostly more than the query' };
  return undefined;
}

/** A call in a loop of another file's function that queries: reported at the call, with the chain down to the query. */
function remoteFindingFor(context: CodeRuleContext, repeated: RepeatedRemoteCall): RuleFinding {
  const { chain, loop } = repeated;
  const outer = repeated.outerLoops[0];
  const nesting = outer ? `, inside a loop over ${outer.collection ? `"${describeCollection(outer, context)}"` : 'iterations'}` : '';
  const source = collectionQuery(context, loop);
  const cost = repeated.outerLoops.length > 0 ? 'N × M queries' : source !== undefined ? '1 + N queries' : 'N queries where one would do';
  const message = `${cost}: "${repeated.text}" runs "${chain.query.callee}" once per ${describeUnit(loop, context)} (${loop.kind})${nesting}.`;
  const remedy = remoteRemedy(chain.query.operation, chain.query.callee);
  const help = `Make "${chain.name}" work on all the elements at once instead of once per call: ${remedy}`;
  const related = chain.links.map((link) => ({ uri: link.uri, line: link.at.line, character: link.at.character, endCharacter: link.at.endCharacter, message: link.text }));
  return { uri: context.uri, span: repeated.span, message, help, related };
}

function remoteRemedy(operation: string, callee: string): string {
  const base = callee.replace(/\.[^.]+$/, '');
  switch (operationKind(operation)) {
    case 'read':
      return `load the rows for all elements with one "${base}.findMany({ where: { id: { in: … } } })" and look each one up in a "Map".`;
    default:
      return operation.startsWith('create')
        ? `insert the rows with one "${base}.createMany({ data: … })".`
        : `write the rows with one "${base}.${operation.startsWith('delete') ? 'deleteMany' : 'updateMany'}({ where: { id: { in: … } } })", or send the writes together in one "$transaction([...])".`;
  }
}

function findingFor(context: CodeRuleContext, repeated: RepeatedQuery): RuleFinding {
  const { site, helper, loop } = repeated;
  const source = collectionQuery(context, loop);
  const load = helper ? undefined : relationLoad(site, loop, context.schema, source);
  const subject = helper
    ? `"${helper.text}" runs "${site.callee}"${helper.sites.length > 1 ? ` and ${helper.sites.length - 1} more ${helper.sites.length === 2 ? 'query' : 'queries'}` : ''}`
    : `"${site.callee}" runs`;
  const outer = repeated.outerLoops[0];
  const nesting = outer ? `, inside a loop over ${outer.collection ? `"${describeCollection(outer, context)}"` : 'iterations'}` : '';
  const message = `${cost(site, repeated, source !== undefined)}: ${subject} once per ${describeUnit(loop, context)} (${loop.kind})${nesting}.`;
  const fixes: Fix[] = [];
  if (!helper) {
    for (const fix of [includeFix(context, repeated, load), mapLookupFix(context, repeated), createManyFix(context, repeated)]) if (fix) fixes.push(fix);
  }
  return { uri: context.uri, span: repeated.span, message, help: helpFor(context, repeated, load), ...(fixes.length ? { fixes } : {}) };
}

function describeUnit(loop: Loop, context: CodeRuleContext): string {
  const element = loop.element && ts.isIdentifier(loop.element) ? loop.element.text : undefined;
  if (loop.collection) {
    const collection = describeCollection(loop, context);
    return element && loop.kind !== 'for' ? `"${element}" of "${collection}"` : `element of "${collection}"`;
  }
  return loop.condition ? `iteration while "${shortText(loop.condition, context.sourceFile)}"` : 'iteration';
}

function describeCollection(loop: Loop, context: CodeRuleContext): string {
  let collection = unwrap(loop.collection!);
  if (ts.isAwaitExpression(collection)) collection = unwrap(collection.expression);
  return shortText(collection, context.sourceFile);
}

function cost(site: QuerySite, repeated: RepeatedQuery, collectionFromQuery: boolean): string {
  if (repeated.outerLoops.length > 0) return 'N × M queries';
  if (operationKind(site.operation) === 'write' && !repeated.helper) return 'N writes, one round trip each';
  return collectionFromQuery ? '1 + N queries' : 'N queries where one would do';
}

function helpFor(context: CodeRuleContext, repeated: RepeatedQuery, load: RelationLoad | undefined): string {
  const { helper } = repeated;
  const remedy = remedyFor(context, repeated, load);
  if (!helper) return remedy;
  const name = helper.text.replace(/\(.*$/, '').replace(/^<|>$/g, '');
  return `Make "${name}" load for all the elements at once instead of once per call: ${remedy.charAt(0).toLowerCase()}${remedy.slice(1)}`;
}

function remedyFor(context: CodeRuleContext, repeated: RepeatedQuery, load: RelationLoad | undefined): string {
  const { site, loop } = repeated;
  const base = site.delegate ? `${site.client}.${site.delegate}` : site.client;
  const key = (site.kind === 'model' && singleCriterion(site)?.key) || 'id';
  const parentQuery = load?.collectionQuery ? `the query that loads "${describeCollection(loop, context)}"` : `the query that loads the ${load ? `"${load.parent.name}" rows` : 'elements'}`;
  const include = load ? `"include: { ${load.field}: true }" on ${parentQuery}` : undefined;
  switch (site.operation) {
    case 'findUnique':
    case 'findUniqueOrThrow':
    case 'findFirst':
    case 'findFirstOrThrow': {
      const batch = `load them all before the loop with one "${base}.findMany({ where: { ${key}: { in: … } } })" and look each one up in a "Map"`;
      const concurrent = site.operation.startsWith('findUnique') ? ' (or start them together in "Promise.all": Prisma batches "findUnique" calls made in the same tick)' : '';
      return capitalize(include ? `add ${include}, or ${batch}.` : `${batch}${concurrent}.`);
    }
    case 'findMany':
    case 'aggregate':
    case 'groupBy': {
      const batch = `one "${base}.findMany({ where: { ${key}: { in: … } } })" grouped by "${key}" in memory`;
      return capitalize(include ? `load them with ${include}, or with ${batch}.` : `load them for all elements with ${batch}.`);
    }
    case 'count': {
      const grouped = `one "${base}.groupBy({ by: ['${key}'], where: { ${key}: { in: … } }, _count: true })"`;
      return load?.cardinality === 'many'
        ? `Count them with "_count: { select: { ${load.field}: true } }" on ${parentQuery}, or with ${grouped}.`
        : `Count them for all elements with ${grouped}.`;
    }
    case 'create':
      return `Insert the rows with one "${base}.createMany({ data: … })" ("createManyAndReturn" when you need them back).`;
    case 'update':
    case 'updateMany':
    case 'updateManyAndReturn':
      return `Use one "${base}.updateMany({ where: { ${key}: { in: … } }, data })" when every row gets the same change; otherwise send the updates together in one "${site.client}.$transaction([...])".`;
    case 'upsert':
      return `Read the existing rows with one "${base}.findMany", insert the missing ones with "createMany", and send the updates together in one "${site.client}.$transaction([...])".`;
    case 'delete':
    case 'deleteMany':
      return `Delete them with one "${base}.deleteMany({ where: { ${key}: { in: … } } })".`;
    case 'createMany':
    case 'createManyAndReturn':
      return `Collect the rows of all elements and insert them with one "${base}.${site.operation}({ data: … })".`;
    default:
      return site.kind === 'raw'
        ? 'Run one statement for all elements, passing their values as one array parameter ("= ANY(${ids})" on PostgreSQL, "IN (${Prisma.join(ids)})" elsewhere).'
        : `Run one query for all elements instead of one per element.`;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
