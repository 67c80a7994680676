/** Flags `findMany` without `take` in a request handler, on a table that grows: responses and memory grow with it. */
import ts = require('typescript');
import type { QuerySite } from '../code/query-sites';
import type { Model, PrismaSchema } from '../schema/model';
import { objectArgument, propertyName, propertyValue, unwrap } from '../code/syntax';
import { enclosingFunction, isRequestHandler } from '../facts/code-scope';
import { isLookupTable } from '../facts/table-growth';
import { defineRule, type CodeRule, type RuleFinding } from './types';

export default defineRule<CodeRule>({
  id: 'unbounded-find-many',
  appliesTo: ['typescript'],
  // Off by default: which lists stay small is domain knowledge the code rarely shows. Judged on public
  // applications, reads pinned to one owner or parent by a foreign key, or to a unique key, were
  // nearly all false and are left alone (see `boundedByFilter`); of the rest, judged again, every one
  // was still bounded by something the code does not say (one developer's apps, one run's tool
  // calls, a settings table). `"unbounded-find-many": "info"` or `"warning"` turns it on.
  severity: 'info',
  enabledByDefault: false,
  docs: {
    summary: '`findMany` with no `take` in a request handler, on a model whose table grows.',
    why: [
      'A `findMany` without `take` returns every matching row. On the first day that is ten rows; a year later the same endpoint reads, serializes and sends a hundred thousand, holding them all in memory, and the page times out.',
      'Bound every list a request returns: `take` with cursor pagination (`cursor: { id: lastId }, skip: 1`) stays fast at any depth.',
      'Left alone: queries whose `where` pins the rows to one owner, one parent or one key, since those rows do not grow with the table: an equality (a value, `equals`, or `in` of a list), also inside `AND`, on a relation\'s foreign key (`userId: session.user.id`, `authorId`, `workspaceId`, `projectId`, the `documentId` of a document\'s versions), on a unique or id field (`id: { in: ids }`, `slug`), or on a unique field of the parent through a to-one relation (`user: { email: session.user.email }`); an `OR` counts when every branch is pinned. A `where` that holds only booleans, enums or statuses, ranges, `not`, `contains`, or an equality on a column that is neither a key nor a foreign key is still reported. Also left alone: lookup tables (no foreign key, no timestamp, a few columns: categories, countries), queries outside request handlers (scripts and jobs that mean to read everything, including routes in `cron`, `jobs`, `workers` and `queues` folders, which a scheduler calls), and reads the function first counts and refuses when the count is too large.',
      'Off by default: on public applications the findings left were nearly all lists bounded by something the code does not say (one developer\'s apps, one run\'s tool calls, a table of settings). Turn it on in `.prismalens.json` (`"unbounded-find-many": "info"`) for a review of a codebase\'s request handlers.',
      'Request handlers are exported `GET`/`POST`/`loader`/`action` functions, callbacks given to `app.get(…)`-style routers and tRPC `.query(…)`, and controller methods decorated with `@Get()` and friends.',
      'Information by default: whether the rows a filter leaves (the published posts, the open orders) stay a handful or grow without end is domain knowledge the code rarely shows, so many reports are true but not worth a change. Set the rule to `warning` in `.prismalens.json` where lists are known to grow.',
    ].join('\n\n'),
    bad: ['export async function GET() {', '  const posts = await prisma.post.findMany({ where: { published: true } });', '  return Response.json(posts);', '}'].join('\n'),
    good: [
      'export async function GET(request: Request) {',
      '  const cursor = new URL(request.url).searchParams.get("cursor");',
      '  const posts = await prisma.post.findMany({',
      '    where: { published: true },',
      '    take: 50,',
      '    ...(cursor ? { cursor: { id: Number(cursor) }, skip: 1 } : {}),',
      '    orderBy: { id: "asc" },',
      '  });',
      '  return Response.json(posts);',
      '}',
    ].join('\n'),
    fixSafety: 'No fix: a limit changes what the endpoint returns, and its clients must learn to ask for the next page.',
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const schema = context.schema;
    for (const site of context.querySites) {
      if (site.kind !== 'model' || site.operation !== 'findMany' || !site.model || !schema) continue;
      if (site.model.kind === 'model' && isLookupTable(schema, site.model)) continue;
      const args = ts.isCallExpression(site.node) ? site.node.arguments[0] : undefined;
      const object = objectArgument(site.node);
      if (args && !object) continue;
      if (object && object.properties.some((property) => ts.isSpreadAssignment(property) || propertyName(property) === 'take')) continue;
      if (boundedByFilter(schema, site) || guardedByCount(site)) continue;
      if (isJobFile(context.uri)) continue;
      const fn = enclosingFunction(site.node);
      if (!fn || !isRequestHandler(fn)) continue;
      findings.push({
        uri: context.uri,
        span: site.span,
        message: `The response grows with the table: "${site.callee}" returns every matching "${site.model.name}" row (no "take").`,
        help: 'Add "take" and paginate with a cursor ("cursor: { id: lastId }, skip: 1"), ordered by a unique column.',
      });
    }
    return findings;
  },
});

/** Folders of scheduled and queued work: `app/api/cron/…/route.ts` is called by a scheduler, not to answer a user. */
const JOB_FOLDER = /\/(?:cron|crons|jobs?|workers?|queues?|scheduled|schedulers?)\//i;

function isJobFile(uri: string): boolean {
  return JOB_FOLDER.test(uri.replace(/\\/g, '/'));
}

/**
 * Earlier in the function the same model is counted and the count checked: `const n = await
 * prisma.prompt.count(…); if (n > 10_000) throw …` refuses the read before it grows too large.
 */
function guardedByCount(site: QuerySite): boolean {
  const fn = enclosingFunction(site.node);
  if (!fn?.body || !site.delegate) return false;
  const counted = new Set<string>();
  let guarded = false;
  const walk = (node: ts.Node): void => {
    if (guarded || node.getStart() >= site.node.getStart()) return;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && new RegExp(`\\.${site.delegate}\\.count\\(`).test(node.initializer.getText())) counted.add(node.name.text);
    if (ts.isIfStatement(node) && [...counted].some((name) => new RegExp(`\\b${name}\\b`).test(node.expression.getText())) && /\b(?:throw|return)\b/.test(node.thenStatement.getText())) guarded = true;
    ts.forEachChild(node, walk);
  };
  walk(fn.body);
  return guarded;
}

/**
 * The `where` pins the rows to one owner, one parent or one key: an equality (a value, `equals`, or `in`
 * of a list) on every column of a unique key of the model, or of a relation's foreign key (`authorId`,
 * `projectId`, `documentId`), or on a unique key of the parent through a to-one relation filter
 * (`user: { email }`). Its conditions count through `AND`; an `OR` counts when every branch is pinned.
 */
function boundedByFilter(schema: PrismaSchema, site: QuerySite): boolean {
  const object = objectArgument(site.node);
  const where = object && propertyValue(object, 'where');
  const filter = where && unwrap(where);
  return filter !== undefined && ts.isObjectLiteralExpression(filter) && pinned(schema, site.model!, filter, false);
}

/** True when `filter` pins `model` by a key: a unique key, or (unless `uniqueOnly`) a foreign key or a pinned to-one parent. */
function pinned(schema: PrismaSchema, model: Model, filter: ts.ObjectLiteralExpression, uniqueOnly: boolean): boolean {
  const equal = new Set<string>();
  const conjuncts = [filter];
  for (let i = 0; i < conjuncts.length; i++) {
    for (const property of conjuncts[i]!.properties) {
      const name = propertyName(property);
      const value = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (!name || !value) continue;
      if (name === 'AND') {
        for (const part of ts.isArrayLiteralExpression(value) ? value.elements.map(unwrap) : [value]) if (ts.isObjectLiteralExpression(part)) conjuncts.push(part);
        continue;
      }
      if (name === 'OR') {
        const branches = ts.isArrayLiteralExpression(value) ? value.elements.map(unwrap) : [];
        if (branches.length > 0 && branches.every((branch) => ts.isObjectLiteralExpression(branch) && pinned(schema, model, branch, uniqueOnly))) return true;
        continue;
      }
      const field = model.fields.find((candidate) => candidate.name === name);
      if (!field) continue;
      const target = schema.modelsByName.get(field.type);
      if (target) {
        // `author: { email }`, `user: { is: { id } }`: the rows of one parent, as its foreign key would pin them.
        if (!uniqueOnly && !field.isList && ts.isObjectLiteralExpression(value)) {
          const is = propertyValue(value, 'is');
          const inner = is ? unwrap(is) : value;
          const negated = value.properties.some((candidate) => propertyName(candidate) === 'isNot');
          if (!negated && ts.isObjectLiteralExpression(inner) && pinned(schema, target, inner, true)) return true;
        }
        continue;
      }
      if (isEquality(value)) equal.add(field.name);
    }
  }
  const keys = model.indexes.filter((index) => index.kind === 'id' || index.kind === 'unique').map((index) => index.fields.map((field) => field.name));
  if (!uniqueOnly) keys.push(...schema.relations.filter((relation) => relation.model === model && relation.fkFields.length > 0).map((relation) => relation.fkFields.map((field) => field.name)));
  return keys.some((columns) => columns.length > 0 && columns.every((column) => equal.has(column)));
}

/** `x`, `{ equals: x }` and `{ in: xs }` narrow to given values; `null`, `{ not }`, ranges and text searches do not. */
function isEquality(value: ts.Expression): boolean {
  if (value.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(value) && value.text === 'undefined')) return false;
  if (!ts.isObjectLiteralExpression(value)) return true;
  const equals = propertyValue(value, 'equals') ?? propertyValue(value, 'in');
  return equals !== undefined && unwrap(equals).kind !== ts.SyntaxKind.NullKeyword;
}

