/**
 * The index's pruned parse (`prune.ts`, `pruned-sites.ts`): the statements that name no operation
 * are blanked before parsing, and the sites must be exactly the whole file's. Every case compares
 * the two; the cases that must fall back to a whole parse say so.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { generateWorkspace } from '../../bench/code-generate-workspace';
import { findFileQuerySites, findWholeFileQuerySites } from '../../server/src/analysis/code/context';
import { parseSource } from '../../server/src/analysis/code/syntax';
import { pruneForIndex } from '../../server/src/analysis/code/prune';
import { prunedQuerySites } from '../../server/src/analysis/code/pruned-sites';
import type { QuerySite } from '../../server/src/analysis/code/query-sites';

const URI = 'file:///project/src/jobs.ts';

/** What the index keeps of a site, as one comparable line. */
function key(site: QuerySite): string {
  const args = site.args ? `${site.args.getStart()}-${site.args.getEnd()}` : '';
  return `${site.kind} ${site.callee} ${site.client} ${site.delegate ?? '-'} ${site.operation} ${site.span.start}-${site.span.end} ${site.callSpan.start}-${site.callSpan.end} ${args}`;
}

function whole(text: string, uri = URI): string[] {
  return findWholeFileQuerySites({ uri, text }, undefined).map(key);
}

/** The pruned parse's sites, or undefined when it fell back (nothing to prune, or a check failed). */
function pruned(text: string, uri = URI): string[] | undefined {
  return prunedQuerySites(uri, text, undefined)?.map(key);
}

/** The texts blanked in `text`. */
function blanked(text: string): string[] {
  return (pruneForIndex(text)?.regions ?? []).map((region) => text.slice(region.start, region.end));
}

function tsFiles(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFiles(path);
    return /\.[cm]?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A small deterministic generator (mulberry32), so that the mutated files are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('pruned parse for the index', () => {
  it('blanks the statements that name no operation, in the file and in function bodies, and operations\' arguments', () => {
    const text = [
      "import { db } from './db';",
      "export const schedule = '*/15 * * * *';",
      'export async function load(ids: number[]) {',
      '  const rows = await db.user.findMany({ where: { id: { in: ids } } });',
      '  let total = 0;',
      '  for (const row of rows) {',
      '    total += row.score;',
      '  }',
      '  return total;',
      '}',
      'export function helper(x: number) {',
      '  return x * 2;',
      '}',
    ].join('\n');
    assert.deepEqual(blanked(text), [
      "export const schedule = '*/15 * * * *';",
      'where: { id: { in: ids } }',
      'let total = 0;',
      'for (const row of rows) {\n    total += row.score;\n  }',
      'return total;',
      'export function helper(x: number) {\n  return x * 2;\n}',
    ]);
    assert.deepEqual(pruned(text), whole(text));
    assert.equal(whole(text).length, 1);
  });

  it('keeps imports, re-exports, classes, destructuring declarations and $transaction callbacks', () => {
    const text = [
      "import { db } from './db';",
      "export { other } from './other';",
      'export class Cache {',
      '  get(key: string) { return key; }',
      '}',
      'const { user } = db;',
      'await db.$transaction(async (conn) => { log(conn); });',
      'await user.findMany();',
    ].join('\n');
    assert.deepEqual(blanked(text), []);
    assert.equal(pruneForIndex(text), undefined);
  });

  it('reads strings, comments, templates and regular expressions without losing the structure', () => {
    const text = [
      'export async function load(ids: number[], name: string) {',
      "  const pattern = /[}{'`]/g;",
      '  if (name) /}/.test(name);',
      '  const half = (ids.length + 1) / 2;',
      "  const quoted = 'a } \\' { b';",
      '  const nested = `x ${ids.map((id) => `${id}}`).join("}")} y`;',
      '  // a comment with a } brace',
      '  /* and { another',
      '     over lines } */',
      '  return db.user.findMany({ where: { name: { contains: pattern.source + half + quoted + nested } } });',
      '}',
    ].join('\n');
    assert.deepEqual(blanked(text), [...text.split('\n').slice(1, 6).map((line) => line.trim()), 'where: { name: { contains: pattern.source + half + quoted + nested } }']);
    assert.deepEqual(pruned(text), whole(text));
    assert.equal(whole(text).length, 1);
  });

  it('gives up where the lexical pass cannot tell: a `/` after `}`, an escape in an identifier, an unterminated string', () => {
    assert.equal(pruneForIndex('function f() {}\n/re/.test(x);\nawait db.user.findMany();'), undefined);
    assert.equal(pruneForIndex('const a = 1;\nawait db.user.find\\u004Dany();'), undefined);
    assert.equal(pruneForIndex("const a = 'open\nawait db.user.findMany();"), undefined);
    assert.equal(pruneForIndex('const a = (1;\nawait db.user.findMany();'), undefined);
    const escaped = 'const a = 1;\nawait db.user.find\\u004Dany();';
    assert.deepEqual(findFileQuerySites({ uri: URI, text: escaped }, undefined).map(key), whole(escaped));
    assert.equal(whole(escaped).length, 1);
  });

  it('keeps the arguments of an operation that hold a function, a `new`, an `$extends` or another operation', () => {
    const text = [
      'export async function load(ids: number[]) {',
      '  await db.user.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });',
      '  await db.user.findMany({ where: { id: { in: ids.filter((id) => id > 0) } } });',
      '  await db.user.create({ data: { at: new Date() } });',
      '  await db.user.findMany({ where: { id: { in: await db.post.count() } } });',
      '  await db.user.findMany(options);',
      '}',
    ].join('\n');
    assert.deepEqual(blanked(text), ['where: { id: { in: ids } }, orderBy: { id: "asc" }']);
    assert.deepEqual(pruned(text), whole(text));
    assert.equal(whole(text).length, 6);
  });

  it('asks about a name bound in a blanked statement only when what it decides is used', () => {
    // `newest()` is resolved for the alias `latest` (is it a client factory?), but `latest` is never
    // used as a client: the blanked function does not matter, and the file is pruned.
    const unused = [
      'function newest(rows: number[]) {',
      '  return rows[0];',
      '}',
      'export async function report() {',
      '  const latest = newest(await db.user.count());',
      '  return latest;',
      '}',
    ].join('\n');
    assert.notEqual(pruned(unused), undefined);
    assert.deepEqual(pruned(unused), whole(unused));
    // Here `conn` is used as a client, so whether `connect()` returns one decides a site.
    const used = [
      'function connect() {',
      '  return base.$extends({});',
      '}',
      'export async function report() {',
      '  const conn = connect();',
      '  return conn.user.findMany();',
      '}',
    ].join('\n');
    assert.equal(pruned(used), undefined);
    assert.deepEqual(findFileQuerySites({ uri: URI, text: used }, undefined).map(key), whole(used));
    assert.deepEqual(whole(used).map((line) => line.split(' ')[1]), ['conn.user.findMany']);
  });

  it('reads white space beyond ASCII as TypeScript does, so that a name bound after it is seen', () => {
    // U+3000 (ideographic space) between a name and its `=`.
    const text = ['const conn\u3000= prisma;', 'export const rows = () => conn.user.findMany();'].join('\n');
    assert.equal(pruned(text), undefined);
    assert.deepEqual(findFileQuerySites({ uri: URI, text }, undefined).map(key), whole(text));
    assert.equal(whole(text).length, 1);
  });

  it('sees a name bound through a parenthesised or non-null assignment target', () => {
    for (const assignment of ['globalThis.conn = base.$extends({});', '(globalThis.conn as any) = base.$extends({});', 'globalThis.conn! = base.$extends({});']) {
      const text = [assignment, 'export const rows = () => conn.user.findMany();'].join('\n');
      assert.equal(pruned(text), undefined, assignment);
      assert.deepEqual(findFileQuerySites({ uri: URI, text }, undefined).map(key), whole(text));
      assert.equal(whole(text).length, 1, assignment);
    }
  });

  it('leaves deeply nested code to the whole parse, at once', () => {
    // The pass looks through the open brackets at some tokens: past a depth it gives up instead.
    const depth = 20_000;
    const text = `const a = ${'('.repeat(depth)}db.user.findMany()${')'.repeat(depth)};\nlog(a);`;
    assert.equal(pruneForIndex(text), undefined);
    const shallow = `const a = ${'('.repeat(100)}db.user.findMany()${')'.repeat(100)};\nlog(a);`;
    assert.notEqual(pruneForIndex(shallow), undefined);
    const nested = `${'function f() {\n'.repeat(300)}const x = 1;\ndb.user.findMany();\n${'}\n'.repeat(300)}`;
    assert.equal(pruneForIndex(nested), undefined);
  });

  it('keeps a statement that continues the one before: else, catch, finally, do…while', () => {
    const text = [
      'export async function f(x: number) {',
      '  if (x) {',
      '    x++;',
      '  }',
      '  else {',
      '    await db.user.findMany();',
      '  }',
      '  try {',
      '    x--;',
      '  }',
      '  catch {',
      '    await db.post.findMany();',
      '  }',
      '  do {',
      '    x--;',
      '  }',
      '  while (await db.user.count());',
      '}',
    ].join('\n');
    assert.deepEqual(blanked(text), ['x++;', 'x--;', 'x--;']);
    assert.deepEqual(pruned(text), whole(text));
    assert.equal(whole(text).length, 3);
  });

  it('finds a delegate alias, a client and a typed parameter declared in statements without a query', () => {
    const text = [
      'const users = prisma.user;',
      'const conn = prisma;',
      'function withClient(c: PrismaClient) {',
      '  return 1;',
      '}',
      'export async function a() {',
      '  return users.findMany();',
      '}',
      'export async function b() {',
      '  return conn.post.findMany();',
      '}',
      'export async function d(c: unknown) {',
      '  return c.post.findMany();',
      '}',
    ].join('\n');
    // Each declaration binds a name a kept call looks up, so the whole file is parsed.
    assert.equal(pruned(text), undefined);
    assert.deepEqual(findFileQuerySites({ uri: URI, text }, undefined).map(key), whole(text));
    assert.deepEqual(
      whole(text).map((line) => line.split(' ')[1]),
      ['users.findMany', 'conn.post.findMany', 'c.post.findMany'],
    );
  });

  it('parses the whole file when a factory whose returns were blanked is used as a client', () => {
    const text = [
      'function tenant(id: string) {',
      '  const found = db.tenant.findUnique({ where: { id } });',
      '  if (!id) return base;',
      '  return base.$extends({});',
      '}',
      'export async function list() {',
      "  return tenant('a').post.findMany();",
      '}',
    ].join('\n');
    assert.equal(pruned(text), undefined);
    assert.deepEqual(findFileQuerySites({ uri: URI, text }, undefined).map(key), whole(text));
  });

  it('parses the whole file when a client class or a transaction client comes from a statement without a query', () => {
    const withClass = [
      'class Db extends PrismaClient {}',
      'const store = new Db();',
      'export const rows = () => store.user.findMany();',
    ].join('\n');
    assert.deepEqual(findFileQuerySites({ uri: URI, text: withClass }, undefined).map(key), whole(withClass));
    assert.equal(whole(withClass).length, 1);
    const withTransaction = [
      'await prisma.$transaction(async (conn) => {',
      '  log(conn);',
      '});',
      'export const rows = () => conn.user.findMany();',
    ].join('\n');
    assert.deepEqual(findFileQuerySites({ uri: URI, text: withTransaction }, undefined).map(key), whole(withTransaction));
    assert.equal(whole(withTransaction).length, 1);
  });

  it('falls back when what looked like statements is not: a multi-line destructuring, a class body', () => {
    const destructuring = ['const {', '  user,', '  post,', '} = prisma;', 'export const rows = () => user.findMany();'].join('\n');
    assert.equal(pruned(destructuring), undefined);
    assert.deepEqual(findFileQuerySites({ uri: URI, text: destructuring }, undefined).map(key), whole(destructuring));
    const generic = ['class Repo<T extends { id: number }> {', '  size = 0;', '  load() {', '    return this.prisma.user.findMany();', '  }', '}'].join('\n');
    assert.deepEqual(findFileQuerySites({ uri: URI, text: generic }, undefined).map(key), whole(generic));
  });

  it("gives the whole parse's sites on files made of every way this index knows to bind a client, and uses of it", () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const names = ['conn', 'store', 'users', 'mk', 'repo'];
    // Statements that name no operation but may bind a name to a client, a delegate or a factory.
    const binders = [
      (n: string) => `const ${n} = prisma;`,
      (n: string) => `const ${n} = prisma.user;`,
      (n: string) => `const { user: ${n} } = prisma;`,
      (n: string) => `let ${n}: PrismaClient;`,
      (n: string) => `${n} = base.$extends({});`,
      (n: string) => `globalThis.${n} = base.$extends({});`,
      (n: string) => `(globalThis.${n} as any) = base.$extends({});`,
      (n: string) => `globalThis.${n}! = base.$extends({});`,
      (n: string) => `function ${n}() {\n  return prisma;\n}`,
      (n: string) => `function ${n}(x: number) {\n  if (x) return base.$extends({});\n  return prisma;\n}`,
      (n: string) => `const ${n} = () => prisma;`,
      (n: string) => `class ${n[0]!.toUpperCase()}${n.slice(1)} extends PrismaClient {}\nconst ${n} = new ${n[0]!.toUpperCase()}${n.slice(1)}();`,
      (n: string) => `await prisma.$transaction(async (${n}) => {\n  log(${n});\n});`,
      (n: string) => `await prisma.$transaction<number>(\n  // one round trip\n  async (${n}) => {\n    log(${n});\n  },\n);`,
      (n: string) => `const ${n} = cond ? prisma : other;`,
      (n: string) => `let ready = 1, { user: ${n} } = prisma;`,
      (n: string) => `const api = {\n  ${n}() {\n    return prisma;\n  },\n};`,
      (n: string) => `const api = {\n  async ${n}<T>(x: T) {\n    return base.$extends({});\n  },\n};`,
      (n: string) => `var ${n} = prisma, other = 1;`,
      (n: string) => `namespace Clients {\n  export const ${n} = prisma;\n}`,
      (n: string) => `module.exports.${n} = base.$extends({});`,
      (n: string) => `export function ${n}(): PrismaClient {\n  return prisma;\n}`,
      (n: string) => `function helper(${n}: Prisma.TransactionClient) {\n  return 1;\n}`,
      (n: string) => `function helper(${n}: AppDb) {\n  return 1;\n}`,
      (n: string) => `const ${n} = getDb();`,
      (n: string) => `const ${n} = other;`,
      (n: string) => `function outer() {\n  const ${n} = prisma;\n  log(${n});\n}`,
      (n: string) => `if (ready) {\n  ${n} = prisma;\n}`,
      (n: string) => `const settings = { ${n}: base.$extends({}) };`,
      (n: string) => `log('${n}');`,
    ];
    // Statements that hold a query through a name.
    const uses = [
      (n: string) => `export const a${next().toString(36).slice(2, 6)} = () => ${n}.user.findMany({ where: { id: 1 } });`,
      (n: string) => `export async function b${next().toString(36).slice(2, 6)}() {\n  const rows = await ${n}.findMany();\n  return rows;\n}`,
      (n: string) => `export const c${next().toString(36).slice(2, 6)} = () => ${n}().post.count();`,
      (n: string) => `export const d${next().toString(36).slice(2, 6)} = async () => ${n}.$queryRaw\`SELECT 1\`;`,
      (n: string) => `export async function e${next().toString(36).slice(2, 6)}() {\n  const client = ${n};\n  return client.user.findMany();\n}`,
      (n: string) => `export async function f${next().toString(36).slice(2, 6)}() {\n  log(${n});\n  return prisma.user.findMany();\n}`,
    ];
    let compared = 0;
    let withSites = 0;
    for (let round = 0; round < 2000; round++) {
      const lines: string[] = [];
      // Two names a file: its uses meet its bindings often.
      const pair = [pick(names), pick(names)];
      for (let statement = 0; statement < 6; statement++) lines.push(next() < 0.5 ? pick(binders)(pick(pair)) : pick(uses)(pick(pair)));
      const text = lines.join('\n');
      const result = pruned(text);
      if (result === undefined) continue;
      compared++;
      if (result.length > 0) withSites++;
      assert.deepEqual(result, whole(text), `round ${round}:\n${text}`);
    }
    assert.ok(compared >= 150 && withSites >= 100, `${compared} files pruned, ${withSites} with sites`);
  });

  it('leaves JSX files to the whole parse', () => {
    const text = "export function Page() {\n  const a = 1;\n  return <p>it's {a}</p>;\n}\nawait db.user.findMany();";
    assert.equal(pruned(text, 'file:///project/src/page.tsx'), undefined);
  });

  it("gives the whole parse's sites on every TypeScript file of the test corpora", () => {
    const files = tsFiles(join(__dirname, '..', 'corpus'));
    let prunedFiles = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const sites = pruned(text, `file://${file}`);
      if (sites === undefined) continue;
      prunedFiles++;
      assert.deepEqual(sites, whole(text, `file://${file}`), file);
    }
    assert.ok(files.length >= 30, `${files.length} corpus files`);
    assert.ok(prunedFiles >= files.length / 2, `${prunedFiles} of ${files.length} corpus files pruned`);
  });

  it("gives the whole parse's sites on the benchmark's generated files, pruning nearly all of them", () => {
    const { files } = generateWorkspace(300);
    let prunedFiles = 0;
    let sites = 0;
    for (const file of files) {
      const uri = `file:///bench/${file.path}`;
      const result = pruned(file.text, uri);
      if (result === undefined) continue;
      prunedFiles++;
      sites += result.length;
      assert.deepEqual(result, whole(file.text, uri), file.path);
    }
    assert.ok(prunedFiles >= files.length * 0.95, `${prunedFiles} of ${files.length} generated files pruned`);
    assert.ok(sites > files.length * 5, `${sites} sites`);
  });

  it("gives the whole parse's sites on mutated files that still parse, and never throws on broken ones", () => {
    const next = random(20261201);
    const sources = tsFiles(join(__dirname, '..', 'corpus', 'n-plus-one')).map((file) => readFileSync(file, 'utf8'));
    const inserts = ['}', '{', '/', "'", '`', '"', '(', ')', ';', '\n', 'else ', '/* ', '*/', '${', 'const x = ', 'prisma', 'db.user.findMany()', ' = ', ':', '?', '\\'];
    let compared = 0;
    let broken = 0;
    for (let round = 0; round < 4000; round++) {
      let text = sources[Math.floor(next() * sources.length)]!;
      // Delete, insert or copy text at a few places: most results no longer parse, some still do.
      for (let edit = 0; edit < 1 + Math.floor(next() * 3); edit++) {
        const at = Math.floor(next() * text.length);
        const choice = next();
        if (choice < 0.3) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 20));
        else if (choice < 0.8) text = text.slice(0, at) + inserts[Math.floor(next() * inserts.length)] + text.slice(at);
        else {
          const from = Math.floor(next() * text.length);
          text = text.slice(0, at) + text.slice(from, from + 80) + text.slice(at);
        }
      }
      const result = pruned(text);
      if (result === undefined) continue;
      // A syntax error inside a statement left out is not seen by the pruned parse, which then
      // keeps sites that TypeScript's error recovery may drop further on (the module says so).
      if ((parseSource(URI, text) as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length > 0) {
        broken++;
        continue;
      }
      compared++;
      assert.deepEqual(result, whole(text), `round ${round}:\n${text}`);
    }
    assert.ok(compared >= 300, `${compared} mutated files pruned and compared (${broken} broken ones pruned)`);
  });
});
