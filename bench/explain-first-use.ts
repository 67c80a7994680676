/**
 * `prisma-lens explain` on the embedded database as whole CLI processes: the first explain of a
 * project (empty cache folder: Prisma's DDL, PGlite, tables, generated rows, ANALYZE, the copy saved)
 * and the next one (a new process, same cache folder), for three fresh cache folders, with the
 * stages each run reports (`--progress`). Writes its own section of bench/RESULTS.md.
 *
 *   npm run bench:explain-first-use
 *   PRISMA_LENS_BENCH_ROWS=100000 PRISMA_LENS_BENCH_NODE_FLAGS=--liftoff-only npx tsx bench/explain-first-use.ts
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeMachine } from './machine';
import { ms, summarize } from './stats';

const ROOT = join(__dirname, '..');
const EXAMPLE = join(ROOT, 'examples', 'blog');
/** The built CLI; `PRISMA_LENS_BENCH_CLI` names a copy, so that a rebuild of dist/ during the run changes nothing. */
const CLI = process.env.PRISMA_LENS_BENCH_CLI ?? join(ROOT, 'dist', 'cli.js');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const START = '<!-- explain-first-use:start (written by bench/explain-first-use.ts) -->';
const END = '<!-- explain-first-use:end -->';
const TARGET = 'src/feed.ts:7';
const CACHE_FOLDERS = 3;
const ROWS = Number(process.env.PRISMA_LENS_BENCH_ROWS ?? 100_000);
/** Extra Node.js flags for the CLI processes, to compare V8 settings; none by default. */
const NODE_FLAGS = (process.env.PRISMA_LENS_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** GNU time reports a process's CPU time and peak memory, which other work on the machine changes far less than its wall time. */
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Where the time went before this work and what changed, written once (2026-12-07, commit 0705e8b,
 * the same machine with a load average near 1): it is the reference the measured rows above compare
 * with, not something this benchmark measures again.
 */
const CONTEXT = [
  'Before this work (commit 0705e8b, same machine, load average near 1, 2026-12-07), the same command took **13.5 s and 13.0 s**, every run alike since nothing was kept: the report was written after about 6.0 s, and the process then waited 7.4 s more to exit; peak resident memory 815 MB (two PGlite instances). Where the time went, measured step by step in one process (CPU profile and timers around each step):',
  '',
  '| Step, before | Time |',
  '| --- | ---: |',
  '| Node.js start and the CLI bundle (`prisma-lens --help` takes 0.39 s) | ~390 ms |',
  "| Find the call, read the schema, Prisma's query compiler (wasm) and the SQL | ~90 ms |",
  '| `DATABASE_URL` from .env, connection refused | ~10 ms |',
  "| Prisma's DDL: the schema engine's wasm, **its own PGlite started with initdb**, the diff (`ddlFromEmpty`) | 2,400–2,540 ms |",
  '| Embedded PGlite started from the prepared data folder (PGlite\'s tar loader) | 730 ms |',
  '| DDL executed, catalog read | 56 ms |',
  '| 300,000 rows (`users`, `Category`, `posts`): INSERT…SELECT 1,290 ms (primary keys maintained row by row, `enum_range()` rebuilt for every row), secondary indexes dropped and rebuilt 330 ms, ANALYZE 250 ms | 1,870 ms |',
  '| EXPLAIN | 7 ms |',
  '| Embedded PGlite closed | 116 ms |',
  "| **Waiting to exit**: the schema engine's PGlite was never closed, and PostgreSQL's 10 s idle-statistics timer (PGlite implements `setitimer` with a Node.js timer) kept the process alive | **7,400 ms** |",
  '',
  'What changed (server/src/explain/embedded*.ts, datagen.ts, database-choice.ts, engines/schema-engine.ts, cli/explain.ts):',
  '',
  "- **The built database is kept in the cache folder** (`$PRISMA_LENS_CACHE_DIR`, else the platform's user cache folder; docs/explain-embedded-database.md): after the rows and ANALYZE, before any statement from the project runs in that PGlite, a CHECKPOINT and a copy of the data folder (without recycled WAL, the last WAL segment cut at the insert point) go to a file named by a hash of the DDL, rows per table, PGlite version, generator version and settings; written to a temporary file and renamed, CRC-checked on read, the folder kept under 500 MB by removing the least recently used entries. The next run reads it into PGlite's in-memory file system (no copy) while PGlite loads its WebAssembly. Prisma's DDL is kept too, per schema text.",
  "- **No second PGlite and no 10 s wait**: a first run computes the DDL with a one-off schema engine whose database is the embedded PGlite itself (the engine only asks it for its version), so no PGlite is left open.",
  '- **V8 baseline code only** (`--liftoff-only`, set by the CLI): in a process that explains once, TurboFan compiled PGlite\'s hot functions on the second core for nothing, and freeing PGlite waited for those jobs (a run from the cache took 3.9 s with it, 1.2 s without, at a load average of 5).',
  '- **Faster rows**: each table in a transaction of its own that truncates it first (with `wal_level = minimal` its inserts write no WAL), its indexes (primary keys included) marked not ready during the load and built once by REINDEX, the enum labels array computed once per statement; PGlite\'s in-memory files grow by doubling instead of by an eighth (copies were a tenth of the fill); the build\'s initialised data folder unpacked by Prisma Lens rather than PGlite\'s tar loader.',
];

interface Run {
  /** Spawn to exit, wall clock. */
  wallMs: number;
  /** User and system CPU time of the process, and its peak resident memory, when GNU time is there. */
  cpuMs?: number;
  peakMb?: number;
  /** Each stage's start, in seconds since the request began, as `--progress` printed it. */
  stages: { stage: string; atS: number }[];
  stdout: string;
}

/** A loopback port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function explain(project: string, cache: string, databaseUrl: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, PRISMA_LENS_CACHE_DIR: cache, DATABASE_URL: databaseUrl };
  const usage = join(project, '..', 'usage.txt');
  const command = [process.execPath, ...NODE_FLAGS, CLI, 'explain', TARGET, '--rows', String(ROWS), '--progress'];
  const [program, ...args] = GNU_TIME ? [GNU_TIME, '-f', '%U %S %M', '-o', usage, ...command] : command;
  const began = performance.now();
  const child = spawnSync(program!, args, { cwd: project, env, encoding: 'utf8', maxBuffer: 1 << 24 });
  const wallMs = performance.now() - began;
  const measured = GNU_TIME ? /^([\d.]+) ([\d.]+) (\d+)$/m.exec(readFileSync(usage, 'utf8')) : null;
  if (child.status !== 0 || !/Seq Scan|Index Scan|Bitmap/.test(child.stdout)) throw new Error(`explain failed (${child.status}): ${child.stderr}\n${child.stdout}`);
  if (!/embedded PostgreSQL/.test(child.stdout)) throw new Error(`the plan does not come from the embedded database:\n${child.stdout}`);
  const stages = [...child.stderr.matchAll(/^prisma-lens: (.+?)… (\d+\.\d) s$/gm)].map((match) => ({ stage: match[1]!, atS: Number(match[2]) }));
  return {
    wallMs,
    stages,
    stdout: child.stdout,
    ...(measured ? { cpuMs: (Number(measured[1]) + Number(measured[2])) * 1000, peakMb: Number(measured[3]) / 1024 } : {}),
  };
}

/** The median CPU time and peak memory of the runs, when GNU time measured them. */
function cpuLines(first: Run[], next: Run[]): string[] {
  const median = (runs: Run[], pick: (run: Run) => number | undefined): number | undefined => {
    const values = runs.map(pick).filter((value): value is number => value !== undefined);
    return values.length === runs.length ? summarize(values).median : undefined;
  };
  const firstCpu = median(first, (run) => run.cpuMs);
  const nextCpu = median(next, (run) => run.cpuMs);
  if (firstCpu === undefined || nextCpu === undefined) return [];
  return [
    `CPU time of the same processes (user + system, all threads; medians), which other work on the machine changes far less than the wall time: first ${ms(firstCpu)}, next ${ms(nextCpu)}. Peak resident memory: first ${median(first, (run) => run.peakMb)!.toFixed(0)} MB, next ${median(next, (run) => run.peakMb)!.toFixed(0)} MB.`,
    '',
  ];
}

/** "stage 0.4 s → stage 1.2 s → …" of one run. */
function stageLine(run: Run): string {
  return run.stages.map((stage) => `${stage.stage} ${stage.atS.toFixed(1)} s`).join(' → ');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-first-use-'));
  const project = join(work, 'blog');
  cpSync(EXAMPLE, project, { recursive: true });
  const databaseUrl = `postgresql://blog:blog@127.0.0.1:${await closedPort()}/blog`;
  const first: Run[] = [];
  const next: Run[] = [];
  let cacheBytes = 0;
  try {
    for (let folder = 0; folder < CACHE_FOLDERS; folder++) {
      const cache = join(work, `cache-${folder}`);
      first.push(explain(project, cache, databaseUrl));
      next.push(explain(project, cache, databaseUrl));
      if (next.at(-1)!.stdout !== first.at(-1)!.stdout) throw new Error('the next run printed another report than the first');
      if (!next.at(-1)!.stages.some((stage) => /from the cache/.test(stage.stage))) throw new Error(`the next run did not start from the cache: ${stageLine(next.at(-1)!)}`);
      cacheBytes = readdirSync(cache).reduce((total, name) => total + statSync(join(cache, name)).size, 0);
      process.stderr.write(`cache folder ${folder + 1}: first ${ms(first.at(-1)!.wallMs)}, next ${ms(next.at(-1)!.wallMs)}\n`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const firstSummary = summarize(first.map((run) => run.wallMs));
  const nextSummary = summarize(next.map((run) => run.wallMs));
  const medianRun = (runs: Run[], median: number): Run => runs.reduce((best, run) => (Math.abs(run.wallMs - median) < Math.abs(best.wallMs - median) ? run : best));
  const machine = describeMachine();
  const date = new Date().toISOString().slice(0, 10);
  const section = [
    START,
    '## EXPLAIN from the command line on the embedded database: first and next use',
    '',
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node ${machine.node}, ${machine.os}, load average ${machine.loadAverage} when the run ended; ${date}.${NODE_FLAGS.length ? ` Node flags: \`${NODE_FLAGS.join(' ')}\`.` : ''}`,
    '',
    `\`node dist/cli.js explain ${TARGET} --rows ${ROWS} --progress\` on a copy of examples/blog, with \`DATABASE_URL\` at a closed loopback port (so the embedded database answers), each run a new process timed from spawn to exit. For each of ${CACHE_FOLDERS} fresh cache folders (\`PRISMA_LENS_CACHE_DIR\`): the first explain of the project (nothing cached: Prisma's DDL, PGlite, tables, ${(3 * ROWS).toLocaleString('en-US')} generated rows in \`users\`, \`Category\` and \`posts\`, ANALYZE, the database saved) and the next one (a new process starting from the saved database). Targets: first ≤ 3 s, next ≤ 1 s.`,
    '',
    '| Whole CLI process | Runs | Min | Median | Max |',
    '| --- | ---: | ---: | ---: | ---: |',
    `| first explain of the project | ${firstSummary.runs} | ${ms(firstSummary.min)} | **${ms(firstSummary.median)}** | ${ms(firstSummary.max)} |`,
    `| next explain (new process, same cache folder) | ${nextSummary.runs} | ${ms(nextSummary.min)} | **${ms(nextSummary.median)}** | ${ms(nextSummary.max)} |`,
    '',
    ...cpuLines(first, next),
    `Stages of the median runs, as \`--progress\` prints them (seconds since the explain request began, after the CLI has loaded and compiled the call's SQL):`,
    '',
    `- first: ${stageLine(medianRun(first, firstSummary.median))} → exit ${(medianRun(first, firstSummary.median).wallMs / 1000).toFixed(1)} s after spawn`,
    `- next: ${stageLine(medianRun(next, nextSummary.median))} → exit ${(medianRun(next, nextSummary.median).wallMs / 1000).toFixed(1)} s after spawn`,
    '',
    `Cache folder after the runs: ${(cacheBytes / 1024 / 1024).toFixed(1)} MB (the schema's DDL and the saved database).`,
    '',
    ...CONTEXT,
    END,
  ].join('\n');
  const document = readFileSync(RESULTS, 'utf8');
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  const updated = start >= 0 && end > start ? `${document.slice(0, start)}${section}${document.slice(end + END.length)}` : `${document.replace(/\n*$/, '\n\n')}${section}\n`;
  writeFileSync(RESULTS, updated);
  process.stdout.write(`${section}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
