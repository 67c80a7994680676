/**
 * The functions the code benchmark's generated files are made of (`code-generate-workspace.ts`):
 * N+1 templates that mark the sites `n-plus-one` must report, look-alikes that must stay silent,
 * and plain code, with the weights a file draws them by.
 */
import type { FileKind } from './code-generate-workspace';

/** A one-to-many relation of the schema, as the templates use it. */
interface Relation {
  parent: string;
  child: string;
  /** The child's foreign key. */
  fk: string;
  /** The parent's list field. */
  list: string;
  /** A string field of the child, for `select` and `data`. */
  label: string;
}

export const RELATIONS: Relation[] = [
  { parent: 'user', child: 'order', fk: 'customerId', list: 'orders', label: 'status' },
  { parent: 'user', child: 'task', fk: 'assigneeId', list: 'tasks', label: 'title' },
  { parent: 'user', child: 'comment', fk: 'authorId', list: 'comments', label: 'body' },
  { parent: 'user', child: 'notification', fk: 'userId', list: 'notifications', label: 'kind' },
  { parent: 'team', child: 'project', fk: 'teamId', list: 'projects', label: 'name' },
  { parent: 'team', child: 'membership', fk: 'teamId', list: 'memberships', label: 'role' },
  { parent: 'project', child: 'task', fk: 'projectId', list: 'tasks', label: 'title' },
  { parent: 'task', child: 'comment', fk: 'taskId', list: 'comments', label: 'body' },
  { parent: 'order', child: 'orderItem', fk: 'orderId', list: 'items', label: 'quantity' },
  { parent: 'order', child: 'invoice', fk: 'orderId', list: 'invoices', label: 'number' },
  { parent: 'invoice', child: 'payment', fk: 'invoiceId', list: 'payments', label: 'provider' },
  { parent: 'product', child: 'orderItem', fk: 'productId', list: 'items', label: 'priceCents' },
];

export const DOMAINS = ['billing', 'teams', 'projects', 'tasks', 'orders', 'catalog', 'invoices', 'payments', 'notifications', 'reports', 'accounts', 'audit'];

export const pascal = (name: string) => name[0]!.toUpperCase() + name.slice(1);

/** One generated function (or method): its lines and where, within them, the N+1 sites are. */
interface Piece {
  lines: string[];
  sites: { line: number; text: string }[];
}

/** What a template needs to know about the file it writes into. */
interface Scope {
  /** The client expression: `prisma`, `db` or `this.prisma`. */
  client: string;
  kind: FileKind;
  /** A unique suffix for names within the file. */
  id: number;
  rng: () => number;
}

/** `export async function name(params): Promise<T> {` in modules, `async name(params): Promise<T> {` in classes. */
function open(scope: Scope, name: string, params: string, returns: string): string {
  return scope.kind === 'service' ? `async ${name}(${params}): Promise<${returns}> {` : `export async function ${name}(${params}): Promise<${returns}> {`;
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Builds a piece from lines in which `@@` marks each N+1 site's first character (the marker is removed). */
function piece(lines: string[], siteTexts: string[] = []): Piece {
  const sites: Piece['sites'] = [];
  const clean = lines.map((line, index) => {
    if (!line.includes('@@')) return line;
    sites.push({ line: index, text: siteTexts[sites.length]! });
    return line.replace('@@', '');
  });
  if (sites.length !== siteTexts.length) throw new Error(`template marks ${sites.length} sites for ${siteTexts.length} texts`);
  return { lines: clean, sites };
}

type Template = (scope: Scope) => Piece;

// ——— N+1 templates: each reports exactly the sites marked with @@. ———

const forOfFindFirst: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `latest${pascal(relation.child)}Per${pascal(relation.parent)}${scope.id}`;
  const callee = `${scope.client}.${relation.child}.findFirst`;
  return piece(
    [
      `/** The latest ${relation.child} of each ${relation.parent}, for the overview page. */`,
      open(scope, name, `${relation.parent}Ids: number[]`, `Map<number, unknown>`),
      `  const latest = new Map<number, unknown>();`,
      `  for (const ${relation.parent}Id of ${relation.parent}Ids) {`,
      `    const row = await @@${callee}({`,
      `      where: { ${relation.fk}: ${relation.parent}Id },`,
      `      orderBy: { id: 'desc' },`,
      `    });`,
      `    if (row) latest.set(${relation.parent}Id, row);`,
      `  }`,
      `  return latest;`,
      `}`,
    ],
    [callee],
  );
};

const promiseAllMapCount: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `count${pascal(relation.list)}${scope.id}`;
  const callee = `${scope.client}.${relation.child}.count`;
  return piece(
    [
      `/** How many ${relation.list} each ${relation.parent} has, shown as badges. */`,
      open(scope, name, `${relation.parent}s: { id: number; name?: string | null }[]`, `{ id: number; count: number }[]`),
      `  return Promise.all(`,
      `    ${relation.parent}s.map(async (${relation.parent}) => ({`,
      `      id: ${relation.parent}.id,`,
      `      count: await @@${callee}({ where: { ${relation.fk}: ${relation.parent}.id } }),`,
      `    })),`,
      `  );`,
      `}`,
    ],
    [callee],
  );
};

const forEachCreate: Template = (scope) => {
  const name = `recordEvents${scope.id}`;
  const callee = `${scope.client}.auditLog.create`;
  return piece(
    [
      `/** Writes one audit entry per changed entity. */`,
      open(scope, name, `actorId: number, changes: { entity: string; entityId: number; action: string }[]`, `void`),
      `  const writes: Promise<unknown>[] = [];`,
      `  changes.forEach((change) => {`,
      `    writes.push(`,
      `      @@${callee}({`,
      `        data: { actorId, entity: change.entity, entityId: change.entityId, action: change.action },`,
      `      }),`,
      `    );`,
      `  });`,
      `  await Promise.all(writes);`,
      `}`,
    ],
    [callee],
  );
};

const helperPerIteration: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const helper = `load${pascal(relation.parent)}Summary${scope.id}`;
  const name = `summarize${pascal(relation.parent)}s${scope.id}`;
  return piece(
    [
      `async function ${helper}(id: number) {`,
      `  const parent = await ${scope.client}.${relation.parent}.findUnique({ where: { id } });`,
      `  const ${relation.list} = await ${scope.client}.${relation.child}.findMany({ where: { ${relation.fk}: id }, take: 5 });`,
      `  return { parent, ${relation.list} };`,
      `}`,
      ``,
      `/** Summaries for the digest e-mail. */`,
      open(scope, name, `ids: number[]`, `unknown[]`),
      `  const summaries: unknown[] = [];`,
      `  for (const id of ids) {`,
      `    summaries.push(await @@${helper}(id));`,
      `  }`,
      `  return summaries;`,
      `}`,
    ],
    [helper],
  );
};

const indexLoopUpdate: Template = (scope) => {
  const name = `restock${scope.id}`;
  const callee = `${scope.client}.product.update`;
  return piece(
    [
      `/** Applies a delivery note: one stock change per line. */`,
      open(scope, name, `lines: { productId: number; quantity: number }[]`, `number`),
      `  let updated = 0;`,
      `  for (let i = 0; i < lines.length; i++) {`,
      `    const line = lines[i]!;`,
      `    if (line.quantity <= 0) continue;`,
      `    await @@${callee}({ where: { id: line.productId }, data: { stock: { increment: line.quantity } } });`,
      `    updated += 1;`,
      `  }`,
      `  return updated;`,
      `}`,
    ],
    [callee],
  );
};

const nestedLoops: Template = (scope) => {
  const name = `commentAuthors${scope.id}`;
  const callee = `${scope.client}.user.findUnique`;
  return piece(
    [
      `/** The authors of every comment of every task of a project. */`,
      open(scope, name, `projectId: number`, `Set<string>`),
      `  const tasks = await ${scope.client}.task.findMany({ where: { projectId }, include: { comments: true } });`,
      `  const authors = new Set<string>();`,
      `  for (const task of tasks) {`,
      `    for (const comment of task.comments) {`,
      `      const author = await @@${callee}({ where: { id: comment.authorId } });`,
      `      if (author?.name) authors.add(author.name);`,
      `    }`,
      `  }`,
      `  return authors;`,
      `}`,
    ],
    [callee],
  );
};

// ——— Templates that query without N+1, or loop without querying. ———

const includeThenLoop: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `${relation.parent}Report${scope.id}`;
  return piece([
    `/** One query with the ${relation.list} included, then plain loops over the result. */`,
    open(scope, name, `ids: number[]`, `{ id: number; size: number }[]`),
    `  const rows = await ${scope.client}.${relation.parent}.findMany({`,
    `    where: { id: { in: ids } },`,
    `    include: { ${relation.list}: true },`,
    `  });`,
    `  const report: { id: number; size: number }[] = [];`,
    `  for (const row of rows) {`,
    `    let size = 0;`,
    `    for (const child of row.${relation.list}) {`,
    `      if (child.${relation.label} !== null) size += 1;`,
    `    }`,
    `    report.push({ id: row.id, size });`,
    `  }`,
    `  return report.sort((a, b) => b.size - a.size);`,
    `}`,
  ]);
};

const mapLookup: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `attach${pascal(relation.parent)}${scope.id}`;
  return piece([
    `/** Loads every ${relation.parent} at once and joins them in memory. */`,
    open(scope, name, `rows: { ${relation.fk}: number | null }[]`, `unknown[]`),
    `  const ids = [...new Set(rows.flatMap((row) => (row.${relation.fk} === null ? [] : [row.${relation.fk}])))];`,
    `  const parents = await ${scope.client}.${relation.parent}.findMany({ where: { id: { in: ids } } });`,
    `  const byId = new Map(parents.map((parent) => [parent.id, parent]));`,
    `  return rows.map((row) => ({`,
    `    ...row,`,
    `    ${relation.parent}: row.${relation.fk} === null ? null : (byId.get(row.${relation.fk}) ?? null),`,
    `  }));`,
    `}`,
  ]);
};

const cursorPagination: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `export${pascal(relation.child)}s${scope.id}`;
  return piece([
    `/** Streams every ${relation.child} to the exporter, one page per query. */`,
    open(scope, name, `write: (rows: unknown[]) => Promise<void>`, `number`),
    `  let cursor: number | undefined;`,
    `  let total = 0;`,
    `  while (true) {`,
    `    const page = await ${scope.client}.${relation.child}.findMany({`,
    `      take: 500,`,
    `      ...(cursor === undefined ? {} : { skip: 1, cursor: { id: cursor } }),`,
    `      orderBy: { id: 'asc' },`,
    `    });`,
    `    if (page.length === 0) break;`,
    `    await write(page);`,
    `    total += page.length;`,
    `    cursor = page[page.length - 1]!.id;`,
    `  }`,
    `  return total;`,
    `}`,
  ]);
};

const batchedFindUnique: Template = (scope) => {
  const name = `usersById${scope.id}`;
  return piece([
    `/** Prisma Client batches these findUnique calls into one query (same tick, same where shape). */`,
    open(scope, name, `ids: number[]`, `unknown[]`),
    `  return Promise.all(ids.map((id) => ${scope.client}.user.findUnique({ where: { id } })));`,
    `}`,
  ]);
};

const transactionArray: Template = (scope) => {
  const name = `closeTasks${scope.id}`;
  return piece([
    `/** Every update in one \`$transaction([...])\`: one round trip. */`,
    open(scope, name, `taskIds: number[]`, `void`),
    `  const closing = taskIds.map((id) => ${scope.client}.task.update({ where: { id }, data: { status: 'done' } }));`,
    `  await ${scope.client}.$transaction(closing);`,
    `}`,
  ]);
};

const webhookLoop: Template = (scope) => {
  const name = `notifySubscribers${scope.id}`;
  return piece([
    `/** Calls each subscriber's webhook in turn: awaits in a loop, but no database query. */`,
    open(scope, name, `event: string, urls: string[]`, `number`),
    `  let delivered = 0;`,
    `  for (const url of urls) {`,
    `    const response = await fetch(url, { method: 'POST', body: JSON.stringify({ event }) });`,
    `    if (response.ok) delivered += 1;`,
    `  }`,
    `  return delivered;`,
    `}`,
  ]);
};

const retryLoop: Template = (scope) => {
  const name = `markPaid${scope.id}`;
  return piece([
    `/** Retries a serialization failure up to three times. */`,
    open(scope, name, `invoiceId: number`, `unknown`),
    `  for (let attempt = 1; ; attempt++) {`,
    `    try {`,
    `      return await ${scope.client}.invoice.update({ where: { id: invoiceId }, data: { status: 'paid' } });`,
    `    } catch (error) {`,
    `      if (attempt >= 3) throw error;`,
    `      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));`,
    `    }`,
    `  }`,
    `}`,
  ]);
};

const chunkedDelete: Template = (scope) => {
  const name = `purgeNotifications${scope.id}`;
  return piece([
    `/** Deletes in chunks of 1,000 ids: one statement per chunk, by design. */`,
    open(scope, name, `ids: number[]`, `number`),
    `  let deleted = 0;`,
    `  for (let start = 0; start < ids.length; start += 1000) {`,
    `    const chunk = ids.slice(start, start + 1000);`,
    `    const result = await ${scope.client}.notification.deleteMany({ where: { id: { in: chunk } } });`,
    `    deleted += result.count;`,
    `  }`,
    `  return deleted;`,
    `}`,
  ]);
};

const createManyAfterLoop: Template = (scope) => {
  const name = `notifyAll${scope.id}`;
  return piece([
    `/** Builds the rows in a loop, then writes them with one createMany. */`,
    open(scope, name, `userIds: number[], kind: string`, `number`),
    `  const data: { userId: number; kind: string }[] = [];`,
    `  for (const userId of userIds) {`,
    `    if (userId > 0) data.push({ userId, kind });`,
    `  }`,
    `  const created = await ${scope.client}.notification.createMany({ data, skipDuplicates: true });`,
    `  return created.count;`,
    `}`,
  ]);
};

const singleQueryHandler: Template = (scope) => {
  const relation = pick(scope.rng, RELATIONS);
  const name = `get${pascal(relation.parent)}${scope.id}`;
  return piece([
    `/** One ${relation.parent} with a page of its ${relation.list}. */`,
    open(scope, name, `id: number`, `unknown`),
    `  if (!Number.isInteger(id) || id <= 0) throw new Error(\`invalid id: \${id}\`);`,
    `  const row = await ${scope.client}.${relation.parent}.findUnique({`,
    `    where: { id },`,
    `    include: { ${relation.list}: { take: 20, orderBy: { id: 'desc' } } },`,
    `  });`,
    `  if (!row) throw new Error('not found');`,
    `  return row;`,
    `}`,
  ]);
};

const repositoryFind: Template = (scope) => {
  const name = `pickDefaults${scope.id}`;
  return piece([
    `/** An in-memory list with a findMany method: not Prisma. */`,
    open(scope, name, `settings: { findMany: (key: string) => Promise<string[]> }, keys: string[]`, `string[]`),
    `  const values: string[] = [];`,
    `  for (const key of keys) {`,
    `    values.push(...(await settings.findMany(key)));`,
    `  }`,
    `  return values;`,
    `}`,
  ]);
};

/** Plain code: a sync function with loops, no queries. */
const pureTransform: Template = (scope) => {
  const name = `groupByStatus${scope.id}`;
  const body = [
    `/** Groups rows by status and totals their amounts. */`,
    scope.kind === 'service' ? `${name}(rows: { status: string; amountCents: number }[]): Record<string, number> {` : `export function ${name}(rows: { status: string; amountCents: number }[]): Record<string, number> {`,
    `  const totals: Record<string, number> = {};`,
    `  for (const row of rows) {`,
    `    totals[row.status] = (totals[row.status] ?? 0) + row.amountCents;`,
    `  }`,
    `  for (const key of Object.keys(totals)) {`,
    `    if (totals[key] === 0) delete totals[key];`,
    `  }`,
    `  return totals;`,
    `}`,
  ];
  return piece(body);
};

const pureValidate: Template = (scope) => {
  const name = `validateInput${scope.id}`;
  return piece([
    `/** Validates a request body by hand; returns the problems found. */`,
    scope.kind === 'service' ? `${name}(body: Record<string, unknown>): string[] {` : `export function ${name}(body: Record<string, unknown>): string[] {`,
    `  const problems: string[] = [];`,
    `  const required = ['name', 'email', 'teamId'];`,
    `  for (const key of required) {`,
    `    if (body[key] === undefined || body[key] === null) problems.push(\`\${key} is required\`);`,
    `  }`,
    `  if (typeof body.email === 'string' && !body.email.includes('@')) problems.push('email is invalid');`,
    `  const tags = Array.isArray(body.tags) ? body.tags : [];`,
    `  tags.filter((tag) => typeof tag !== 'string').forEach((tag) => problems.push(\`tag \${String(tag)} is not text\`));`,
    `  return problems;`,
    `}`,
  ]);
};

interface Weighted {
  template: Template;
  weight: number;
  /** Helpers need module scope; classes get none. */
  moduleOnly?: boolean;
}

/** About one function in sixty is an N+1: one file in five has one (a few have two), most have none. */
const TEMPLATES: Weighted[] = [
  { template: forOfFindFirst, weight: 0.6 },
  { template: promiseAllMapCount, weight: 0.4 },
  { template: forEachCreate, weight: 0.2 },
  { template: helperPerIteration, weight: 0.25, moduleOnly: true },
  { template: indexLoopUpdate, weight: 0.2 },
  { template: nestedLoops, weight: 0.2 },
  { template: includeThenLoop, weight: 10 },
  { template: mapLookup, weight: 10 },
  { template: cursorPagination, weight: 6 },
  { template: batchedFindUnique, weight: 5 },
  { template: transactionArray, weight: 4 },
  { template: webhookLoop, weight: 5 },
  { template: retryLoop, weight: 4 },
  { template: chunkedDelete, weight: 4 },
  { template: createManyAfterLoop, weight: 5 },
  { template: singleQueryHandler, weight: 12 },
  { template: repositoryFind, weight: 3 },
  { template: pureTransform, weight: 12 },
  { template: pureValidate, weight: 12 },
];

export function chooseTemplate(rng: () => number, kind: FileKind): Template {
  const candidates = TEMPLATES.filter((entry) => kind !== 'service' || !entry.moduleOnly);
  const total = candidates.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = rng() * total;
  for (const entry of candidates) {
    roll -= entry.weight;
    if (roll < 0) return entry.template;
  }
  return candidates[candidates.length - 1]!.template;
}
