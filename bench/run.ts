/** Benchmarks Prisma Lens beside @prisma/prisma-schema-wasm on generated schemas and writes its part of bench/RESULTS.md. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LENS_CLI } from './cli';
import { describeMachine } from './machine';
import { measureSize, type SizePlan } from './measure-size';
import { peerVersion } from './peer';
import { cliTable, editTable, inProcessTable, renderResults, scalingTable, type BenchResults, type SizeResult } from './report';

/** The size every detailed table is about. */
const PRIMARY: SizePlan = { models: 1000, cliRuns: 10, warmRuns: 20, warmUp: 5, edits: 20 };
/** Other sizes, for the scaling table; the largest gets fewer runs so that the whole run stays within a few minutes. */
const SCALING: SizePlan[] = [
  { models: 100, cliRuns: 10, warmRuns: 20, warmUp: 5, edits: 20 },
  { models: 5000, cliRuns: 5, warmRuns: 5, warmUp: 2, edits: 10 },
];

const MEASURE_FLAG = '--measure-size';

/**
 * Other benchmarks (code, migrations, EXPLAIN) write their own sections of RESULTS.md after this
 * one, each between `<!-- name:start … -->` and `<!-- name:end -->`: they are kept as they are.
 */
function otherSections(previous: string): string {
  const start = previous.search(/^<!-- [\w-]+:start\b/m);
  return start < 0 ? '' : `\n${previous.slice(start).trimEnd()}\n`;
}

/** Measures one size in a child process (this same script, run with the same loader) and returns its results. */
function measureInChildProcess(plan: SizePlan): SizeResult {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, MEASURE_FLAG, JSON.stringify(plan)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`measuring ${plan.models} models failed (exit code ${child.status})`);
  return JSON.parse(child.stdout) as SizeResult;
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf(MEASURE_FLAG);
  if (flag >= 0) {
    const result = await measureSize(JSON.parse(process.argv[flag + 1]!) as SizePlan);
    process.stdout.write(JSON.stringify(result));
    return;
  }

  const started = performance.now();
  if (!existsSync(LENS_CLI)) throw new Error(`${LENS_CLI} is missing: run \`npm run bench\`, which builds first`);
  const machine = describeMachine();
  process.stderr.write(`Prisma Lens benchmarks on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}\n`);
  const primary = measureInChildProcess(PRIMARY);
  const scaling = [primary, ...SCALING.map(measureInChildProcess)].sort((a, b) => a.stats.models - b.stats.models);
  const results: BenchResults = { date: new Date(), machine, peerVersion: peerVersion(), primary, scaling, durationMs: performance.now() - started };
  const resultsPath = join(__dirname, 'RESULTS.md');
  const previous = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : '';
  writeFileSync(resultsPath, `${renderResults(results)}${otherSections(previous)}`);

  const models = `${primary.stats.models.toLocaleString('en-US')} models`;
  console.log(`\nCommand line, ${models}\n\n${cliTable(primary)}`);
  console.log(`\nIn-process analysis, ${models}\n\n${inProcessTable(primary)}`);
  console.log(`\nEdit → new diagnostics, ${models} (didOpen → first pull response: ${primary.edits.firstPullMs.toFixed(1)} ms)\n\n${editTable(primary)}`);
  console.log(`\nScaling\n\n${scalingTable(scaling)}`);
  console.log(`\nWrote bench/RESULTS.md; the benchmark took ${(results.durationMs / 1000).toFixed(1)} s after the build.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
