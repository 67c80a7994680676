/** Flags `findMany` without `take` in a request handler, on a table that grows: responses and memory grow with it. */
import ts = require('typescript');
import type { QuerySite } from '../code/query-sites';
import type { PrismaSchema } from '../schema/model';
import { objectArgument, propertyName, unwrap } from '../code/syntax';
import { enclosingFunction, isRequestHandler } from '../facts/code-scope';
import { accessPaths } from '../facts/query-shape';
import { isLookupTable } from '../facts/table-growth';
import { nameWords } from '../facts/schema-text';
import { defineRule, type CodeRule, type RuleFinding } from './types';

export default defineRule<CodeRule>({
  id: 'unbounded-find-many',
  appliesTo: ['typescript'],
  // Info by default: which lists stay small is domain knowledge the code rarely shows (the rows of one
  // owner are a few API keys or a hundred thousand posts); judged on public applications, the true
  // findings were seldom worth a change. `"unbounded-find-many": "warning"` makes it a warning.
  severity: 'info',
  docs: {
    summary: '`findMany` with no `take` in a request handler, on a model whose table grows.',
    why: [
      'A `findMany` without `take` returns every matching row. On the first day that is ten rows; a year later the same endpoint reads, serializes and sends a hundred thousand, holding them all in memory, and the page times out.',
      'Bound every list a request returns: `take` with cursor pagination (`cursor: { id: lastId }, skip: 1`) stays fast at any depth. Lookup tables (no foreign key, no timestamp, a few columns: categories, countries) stay small and are left alone, as are queries whose filter bounds them (`id: { in: ids }`, a unique field, the parent of rows named as its parts, such as `OrderItem` by its `orderId`, the keys of two different parents (or a parent\'s key and another id column), such as the comments of one user on one poll, and the owner of settings-like rows: the API keys, passkeys, memberships, alerts or cohorts of one project or user) and queries outside request handlers (scripts and jobs that mean to read everything, including routes in `cron`, `jobs`, `workers` and `queues` folders, which a scheduler calls), and reads the function first counts and refuses when the count is too large.',
      'Request handlers are exported `GET`/`POST`/`loader`/`action` functions, callbacks given to `app.get(…)`-style routers and tRPC `.query(…)`, and controller methods decorated with `@Get()` and friends.',
      'Information by default: whether the rows of one owner stay a handful (API keys, notification channels) or grow without end (posts) is domain knowledge the code rarely shows, so most reports are true but not worth a change. Set the rule to `warning` in `.prismalens.json` where lists are known to grow.',
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
 * The last word of models that hold an owner's settings rather than its content: the API keys, passkeys,
 * memberships, alerts or cohorts of one project or user are a handful, however large the table grows.
 */
const CONFIGURATION_WORDS = new Set([
  'key', 'keys', 'passkey', 'passkeys', 'credential', 'credentials', 'alert', 'alerts', 'schema', 'schemas', 'cohort', 'cohorts',
  'access', 'member', 'members', 'membership', 'memberships', 'enrollment', 'enrollments', 'role', 'roles', 'setting', 'settings',
  'preference', 'preferences', 'integration', 'integrations', 'webhook', 'webhooks', 'domain', 'domains', 'invite', 'invites',
  'invitation', 'invitations', 'channel', 'channels', 'module', 'modules', 'environment', 'environments', 'provider', 'providers',
  'secret', 'secrets', 'variable', 'variables', 'connection', 'connections', 'subscription', 'subscriptions', 'dashboard', 'dashboards',
  'config', 'configs', 'configuration', 'configurations', 'rule', 'rules', 'endpoint', 'endpoints', 'layout', 'layouts', 'gateway', 'gateways',
]);

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

/** A filter that bounds the result: `id: { in: ids }` or equality on a unique field. */
function boundedByFilter(schema: PrismaSchema, site: QuerySite): boolean {
  const model = site.model!;
  const object = objectArgument(site.node);
  const where = object?.properties.find((property) => propertyName(property) === 'where');
  if (where && ts.isPropertyAssignment(where)) {
    const value = unwrap(where.initializer);
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        const inner = ts.isPropertyAssignment(property) ? unwrap(property.initializer) : undefined;
        if (inner && ts.isObjectLiteralExpression(inner) && inner.properties.some((candidate) => propertyName(candidate) === 'in')) return true;
      }
    }
  }
  const uniques = model.indexes.filter((index) => index.kind === 'id' || index.kind === 'unique');
  // `OrderItem` of `Order`, `CartLine` of `Cart`: parts named after their parent, a handful per parent.
  const parts = schema.relations.filter((relation) => relation.model === model && model.name.length > relation.target.name.length && model.name.startsWith(relation.target.name));
  const parents = schema.relations.filter((relation) => relation.model === model && relation.fkFields.length > 0 && relation.target !== model);
  const configuration = CONFIGURATION_WORDS.has(nameWords(model.name).at(-1) ?? '');
  return accessPaths(site, schema).some((path) => {
    if (path.model !== model || path.via) return false;
    const matches = (relation: (typeof parents)[number]): boolean => relation.fkFields.every((field) => path.equality.includes(field.name));
    if (uniques.some((index) => index.fields.every((field) => path.equality.includes(field.name))) || parts.some(matches)) return true;
    // The comments of one user on one poll: equality on the keys of two different parents.
    const matched = parents.filter(matches);
    if (new Set(matched.map((relation) => relation.target)).size >= 2) return true;
    // A parent's key and another id the model keeps without a relation (`pollId` and a plain `userId`).
    const keyed = new Set(matched.flatMap((relation) => relation.fkFields.map((field) => field.name)));
    const ownIds = new Set(uniques.filter((index) => index.kind === 'id').flatMap((index) => index.fields.map((field) => field.name)));
    if (matched.length > 0 && path.equality.some((name) => !keyed.has(name) && !ownIds.has(name) && /(?:Id|_id|ID)$/.test(name))) return true;
    // The API keys of one project, the passkeys of one user.
    return configuration && matched.length > 0;
  });
}
