/**
 * The code benchmarks: Prisma Lens's N+1 detection on a generated 5,000-file TypeScript workspace
 * (cold indexing and edit → diagnostics through the built language server, peak memory, whole
 * workspace in-process, CLI) beside ESLint's `no-await-in-loop` on the same files, and both tools'
 * precision and recall on the labelled corpus. Writes its section of bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeCode } from '../server/src/analysis/analyze';
import { buildSchema } from '../server/src/analysis/schema/build';
import { LENS_CLI } from './cli';
import { measureCodeCli } from './code-cli';
import { ownCpuMs } from './code-cpu';
import { measureCorpusAccuracy } from './code-corpus-accuracy';
import { planCodeEdits } from './code-edits';
import { createLinter, describeMode, describeWorkspaceMode, lintSource, stripTypes, typeScriptMode } from './code-eslint';
import { generateWorkspace, writeWorkspace, type GeneratedSite } from './code-generate-workspace';
import { measureEslintApi, measureLensAnalysis, type EslintPass, type LensPass } from './code-in-process';
import { summarizeProfile } from './code-profile';
import { renderCodeSection, replaceCodeSection, type CodeResults } from './code-report';
import { measureColdIndexing, measureServerOnCode, profileServerIndexing, type ColdRun } from './code-server';
import { describeMachine } from './machine';
import { summarize } from './stats';

/** The target of the issue for cold indexing; a run that misses it also profiles the server. */
const COLD_INDEX_TARGET_MS = 5000;
/**
 * Server starts that index the workspace cold (the first one then times the edits): this machine's
 * speed changes by tens of percent within minutes, so one start is a poor sample.
 */
const COLD_RUNS = 3;
const FILES = Number(process.env.PRISMA_LENS_BENCH_FILES ?? 5000);
const EDITS = 24;
const CLI_RUNS = 2;
const LENS_PASSES = 3;
/** One pass: ESLint has no cache across `lintFiles` calls, so a second pass repeats the same work and costs minutes. */
const ESLINT_PASSES = 1;
const WORK_DIR = join(tmpdir(), 'prisma-lens-bench');
const WORKSPACE_DIR = join(WORK_DIR, 'code-workspace');
const MIRROR_DIR = join(WORK_DIR, 'code-workspace-js');
const SITES_FILE = join(WORK_DIR, 'code-workspace-sites.json');
const RESULTS = join(__dirname, 'RESULTS.md');
const DIST = join(__dirname, '..', 'dist');

const MEASURE_FLAG = '--measure';
type Measurement = 'lens-analyze' | 'lens-index' | 'eslint-api';

/** Runs one in-process measurement in a fresh Node process (this script, same loader), optionally under `--cpu-prof`. */
function measureInChild<T>(measurement: Measurement, profileDir?: string): T {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawnSync(process.execPath, [...profile, ...process.execArgv, __filename, MEASURE_FLAG, measurement], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  if (child.status !== 0) throw new Error(`${measurement} failed (exit code ${child.status})`);
  return JSON.parse(child.stdout) as T;
}

async function measureChild(measurement: Measurement): Promise<unknown> {
  const sites = JSON.parse(readFileSync(SITES_FILE, 'utf8')) as GeneratedSite[];
  if (measurement === 'lens-analyze') return measureLensAnalysis(WORKSPACE_DIR, sites, LENS_PASSES, false);
  if (measurement === 'lens-index') return measureLensAnalysis(WORKSPACE_DIR, sites, LENS_PASSES, true);
  return measureEslintApi(typeScriptMode().kind === 'typescript-eslint' ? WORKSPACE_DIR : MIRROR_DIR, ESLINT_PASSES);
}

const log = (message: string) => process.stderr.write(`${message}\n`);

async function main(): Promise<void> {
  const flag = process.argv.indexOf(MEASURE_FLAG);
  if (flag >= 0) {
    process.stdout.write(JSON.stringify(await measureChild(process.argv[flag + 1] as Measurement)));
    return;
  }
  const started = performance.now();
  if (!existsSync(LENS_CLI)) throw new Error(`${LENS_CLI} is missing: run \`npm run build\` first`);
  const machine = describeMachine();
  const mode = typeScriptMode();
  log(`Prisma Lens code benchmarks on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}; ESLint reads the workspace with ${describeWorkspaceMode(mode)} and the corpus with ${describeMode(mode)}`);

  log(`Generating ${FILES.toLocaleString('en-US')} files in ${WORKSPACE_DIR} …`);
  const workspace = generateWorkspace(FILES);
  writeWorkspace(WORKSPACE_DIR, workspace);
  mkdirSync(WORK_DIR, { recursive: true });
  writeFileSync(SITES_FILE, JSON.stringify(workspace.files.flatMap((file) => file.nPlusOne)));
  let transpileMs: number | undefined;
  if (mode.kind === 'transpiled') {
    // ESLint's parser reads JavaScript only: it lints the same files with their types removed.
    rmSync(MIRROR_DIR, { recursive: true, force: true });
    const start = performance.now();
    for (const file of workspace.files) {
      const output = stripTypes(file.path, file.text);
      const target = join(MIRROR_DIR, output.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output.code);
    }
    transpileMs = performance.now() - start;
  }

  const schema = buildSchema([{ uri: pathToFileURL(join(WORKSPACE_DIR, workspace.schemaPath)).href, text: workspace.schema }]);
  const edited = workspace.files.find((file) => file.kind === 'route' && file.nPlusOne.length > 0)!;
  const editedUri = pathToFileURL(join(WORKSPACE_DIR, edited.path)).href;
  const expected = (text: string) => analyzeCode({ uri: editedUri, text }, schema).findings.length;
  const edits = planCodeEdits(edited.text, EDITS);

  log('Language server: cold indexing, then edits …');
  const server = await measureServerOnCode(WORKSPACE_DIR, edited, edits, expected).catch((error: unknown) => ({
    available: false as const,
    reason: `the run failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`,
  }));
  if (!server.available) log(`  not measured: ${server.reason}`);
  const coldRuns: ColdRun[] = [];
  if (server.available) {
    coldRuns.push({ coldIndexMs: server.times.coldIndexMs, coldIndexCpuMs: server.times.coldIndexCpuMs });
    for (let run = 1; run < COLD_RUNS; run++) {
      log(`  cold indexing, server start ${run + 1} of ${COLD_RUNS} …`);
      const cold = await measureColdIndexing(WORKSPACE_DIR).catch((error: unknown) => ({ failed: String(error) }));
      if ('failed' in cold) log(`  not measured: ${cold.failed}`);
      else coldRuns.push(cold);
    }
  }
  let serverProfile: CodeResults['serverProfile'];
  if (coldRuns.length > 0 && summarize(coldRuns.map((run) => run.coldIndexMs)).median > COLD_INDEX_TARGET_MS) {
    log('  cold indexing missed its target: indexing once more under the CPU profiler …');
    const serverProfileDir = join(WORK_DIR, 'server-profile');
    rmSync(serverProfileDir, { recursive: true, force: true });
    // A copy of the built server, so that a rebuild of dist/ during the run cannot pull its source map from under the profile.
    const snapshot = join(WORK_DIR, 'server-snapshot');
    rmSync(snapshot, { recursive: true, force: true });
    mkdirSync(snapshot, { recursive: true });
    for (const name of readdirSync(DIST)) if (/\.(?:js|map|wasm)$/.test(name)) copyFileSync(join(DIST, name), join(snapshot, name));
    const profiled = await profileServerIndexing(WORKSPACE_DIR, serverProfileDir, join(snapshot, 'server.js')).catch((error: unknown) => ({ failed: String(error) }));
    const summary = summarizeProfile(serverProfileDir, join(__dirname, '..'), DIST);
    if ('failed' in profiled || !summary) log(`  no profile: ${'failed' in profiled ? profiled.failed : 'the server wrote none'}`);
    else serverProfile = { coldIndexMs: profiled.coldIndexMs, summary };
  }

  // The same edited texts in this process: Prisma Lens's analysis, and ESLint on the one file, after warm-up calls.
  const eslint = createLinter(mode, WORKSPACE_DIR);
  const editedPath = join(WORKSPACE_DIR, edited.path);
  for (let warm = 0; warm < 5; warm++) {
    expected(edited.text);
    await lintSource(eslint, mode, editedPath, edited.text);
  }
  const lensEdit: number[] = [];
  const eslintEdit: number[] = [];
  const lensEditCpu: number[] = [];
  const eslintEditCpu: number[] = [];
  for (const edit of edits) {
    let start = performance.now();
    let startCpu = ownCpuMs();
    analyzeCode({ uri: editedUri, text: edit.text }, schema);
    lensEdit.push(performance.now() - start);
    lensEditCpu.push(ownCpuMs() - startCpu);
    start = performance.now();
    startCpu = ownCpuMs();
    await lintSource(eslint, mode, editedPath, edit.text);
    eslintEdit.push(performance.now() - start);
    eslintEditCpu.push(ownCpuMs() - startCpu);
  }

  log('In-process passes over the whole workspace …');
  const lensAnalyze = measureInChild<LensPass>('lens-analyze');
  const profileDir = join(WORK_DIR, 'profile');
  rmSync(profileDir, { recursive: true, force: true });
  const lensIndex = measureInChild<LensPass>('lens-index', profileDir);
  const eslintApi = measureInChild<EslintPass>('eslint-api');
  const profile = summarizeProfile(profileDir, join(__dirname, '..'));

  log('Command lines …');
  let cli: CodeResults['cli'];
  try {
    cli = measureCodeCli(WORKSPACE_DIR, mode.kind === 'typescript-eslint' ? WORKSPACE_DIR : MIRROR_DIR, CLI_RUNS);
  } catch (error) {
    // Recorded rather than thrown: the other sections still hold, and the record says what went wrong.
    cli = { failed: error instanceof Error ? error.message : String(error) };
    log(`  not measured: ${cli.failed}`);
  }

  log('Labelled corpus …');
  const corpus = await measureCorpusAccuracy();

  const results: CodeResults = {
    date: new Date(),
    machine,
    eslintVersion: (require('eslint/package.json') as { version: string }).version,
    eslintMode: describeWorkspaceMode(mode),
    transpileMs,
    stats: workspace.stats,
    editedFile: edited.path,
    edits: edits.length,
    server,
    coldRuns,
    serverProfile,
    lensEdit: summarize(lensEdit),
    eslintEdit: summarize(eslintEdit),
    lensEditCpu: summarize(lensEditCpu),
    eslintEditCpu: summarize(eslintEditCpu),
    lensAnalyze,
    lensIndex,
    eslintApi,
    profile,
    cli,
    corpus,
    durationMs: performance.now() - started,
    loadAverageEnd: loadavg()[0]!.toFixed(2),
  };
  const section = renderCodeSection(results);
  const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
  writeFileSync(RESULTS, replaceCodeSection(previous, section));
  console.log(section);
  log(`Wrote the code section of bench/RESULTS.md; the code benchmarks took ${(results.durationMs / 1000).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
