/**
 * Runs the Prisma Lens CLI on a corpus of public Prisma applications (test/corpus/real-world/corpus.json)
 * and scores what it reports against what people found by reading their code: per rule the number
 * of findings, the precision and actionable share on a judged random sample
 * (judged-findings.json), and for n-plus-one the precision and recall against labelled N+1 sites
 * and loops that must stay quiet (n-plus-one-sites.json).
 *
 *   npm run bench:real-world -- [--cli <dist/cli.js>] [--run <name>] [--compare <run>] [--only <owner/name,…>]
 *                               [--cache <folder>] [--mirror <folder>] [--timeout <seconds>] [--no-check]
 *                               [--draw <seed>] [--default-branch] [--write]
 *
 * Each application's pinned commit is exported (its source files: .prisma, .sql, .ts/.tsx/.js/…,
 * .json, .toml; blobs missing from a partial clone are skipped) from a bare clone
 * (<mirror>/<owner>+<name>/repo; the mirror folder is --mirror, else $PRISMA_LENS_CORPUS_MIRROR)
 * into <cache>/<owner>+<name> unless already there; the CLI
 * runs once per application, and its findings go to <cache>/findings/<run>/<owner>+<name>.json.
 * --cli runs another checkout's build (the "before" numbers come from an older commit built in a
 * git worktree); --no-check scores the findings a previous run left in the cache; --compare shows a
 * cached run beside this one; --draw writes a reproducible sample of this run's findings to judge;
 * --default-branch makes each export a git repository with one commit on main and runs the CLI with
 * its defaults, as on a fresh clone of the default branch (its migrations are history); without it,
 * every migration is reviewed (--all-migrations), as the older CLIs do;
 * --write records the report in its section of bench/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { folderName, lineReader, report, score, type CorpusEntry, type RepositoryRun, type SampleInfo } from './real-world-report';
import { drawSample, hashLine, matchJudged, type JudgedFinding, type RunFinding, type SiteLabel } from './real-world-score';

const ROOT = join(__dirname, '..');
const CORPUS_DIR = join(ROOT, 'test', 'corpus', 'real-world');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
/** The files of an application the CLI reads, or that tell what it is (package and tool configuration). */
const SOURCE_SUFFIXES = ['.prisma', '.sql', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.mts', '.cts', '.json', '.toml', '.env.example'];
const SECTION_START = '<!-- real-world:start (written by bench/real-world.ts) -->';
const SECTION_END = '<!-- real-world:end -->';
const PER_RULE = 20;
/** The judged samples, oldest first. */
const JUDGED_FILES = ['judged-findings.json', 'judged-findings-2.json', 'judged-findings-3.json', 'judged-findings-4.json'];

interface Options {
  cli: string;
  run: string;
  compare?: string;
  only?: Set<string>;
  cache: string;
  mirror: string;
  timeoutMs: number;
  check: boolean;
  draw?: number;
  write: boolean;
  /** Run as on a fresh clone of the default branch: each export a git repository with one commit on main, the CLI with its defaults. */
  defaultBranch: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const cli = resolve(value('--cli') ?? join(ROOT, 'dist', 'cli.js'));
  const ownBuild = cli === resolve(ROOT, 'dist', 'cli.js');
  return {
    cli,
    run: value('--run') ?? (ownBuild ? 'now' : basename(dirname(dirname(cli)))),
    compare: value('--compare'),
    only: value('--only') ? new Set(value('--only')!.split(',')) : undefined,
    cache: resolve(value('--cache') ?? '/tmp/prisma-lens-real-world'),
    mirror: resolve(value('--mirror') ?? process.env.PRISMA_LENS_CORPUS_MIRROR ?? join(ROOT, '.cache', 'corpus-mirror')),
    timeoutMs: Number(value('--timeout') ?? 900) * 1000,
    check: !args.includes('--no-check'),
    draw: value('--draw') === undefined ? undefined : Number(value('--draw')),
    write: args.includes('--write'),
    defaultBranch: args.includes('--default-branch'),
  };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * Makes the exported tree a git repository with every file committed on `main`, once: the CLI then
 * sees what it sees on a fresh clone of an application's default branch (its migrations are history).
 */
function ensureCommitted(folder: string): void {
  if (existsSync(join(folder, '.git'))) return;
  const git = (...args: string[]) => {
    const result = spawnSync('git', ['-C', folder, '-c', 'user.name=corpus', '-c', 'user.email=corpus@localhost', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (result.status !== 0) throw new Error(`git ${args[0]} in ${folder}: ${result.stderr.trim()}`);
  };
  git('init', '-q', '-b', 'main');
  // -f: a file the application's .gitignore names is committed too, as it was in the pinned commit.
  git('add', '-A', '-f');
  git('commit', '-q', '--no-verify', '-m', 'export of the pinned commit');
}

/** Exports the pinned commit into the cache unless the cache already holds it. */
function ensureExported(entry: CorpusEntry, options: Options): string {
  const folder = join(options.cache, folderName(entry.repository));
  const marker = `${folder}.commit`;
  if (existsSync(folder) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === entry.commit) return folder;
  const gitDir = join(options.mirror, folderName(entry.repository), 'repo');
  if (!existsSync(gitDir)) throw new Error(`No clone of ${entry.repository} at ${gitDir}: git clone --bare https://github.com/${entry.repository} ${gitDir}`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(options.cache, { recursive: true });
  exportSourceFiles(gitDir, entry.commit, folder);
  writeFileSync(marker, `${entry.commit}\n`);
  return folder;
}

/** Writes the source files of one commit of a bare clone into a folder, skipping blobs the clone lacks and symbolic links. */
function exportSourceFiles(gitDir: string, commit: string, folder: string): void {
  const git = (args: string[], input?: string) => spawnSync('git', [`--git-dir=${gitDir}`, ...args], { input, maxBuffer: 1 << 30 });
  const listed = git(['ls-tree', '-r', '-z', commit]);
  if (listed.status !== 0) throw new Error(`Listing ${commit} in ${gitDir} failed: ${listed.stderr.toString()}`);
  const wanted: { sha: string; path: string }[] = [];
  for (const record of listed.stdout.toString('utf8').split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, kind, sha] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (kind === 'blob' && mode !== '120000' && SOURCE_SUFFIXES.some((suffix) => path.endsWith(suffix)) && !`/${path}`.includes('/node_modules/')) wanted.push({ sha: sha!, path });
  }
  const batch = git(['cat-file', '--batch'], wanted.map((entry) => `${entry.sha}\n`).join(''));
  const out = batch.stdout;
  let offset = 0;
  for (const entry of wanted) {
    const newline = out.indexOf(10, offset);
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    offset = newline + 1;
    if (header[1] === 'missing' || header.length < 3) continue;
    const size = Number(header[2]);
    const destination = join(folder, entry.path);
    mkdirSync(dirname(destination), { recursive: true });
    writeFileSync(destination, out.subarray(offset, offset + size));
    offset += size + 1;
  }
}

/** The deepest folder that holds every path, as the CLI computes the base of the paths it reports. */
function commonFolder(paths: readonly string[]): string {
  const parts = paths.map((path) => resolve(path).split(sep));
  const common: string[] = [];
  for (let index = 0; parts.every((segments) => index < segments.length && segments[index] === parts[0]![index]); index++) common.push(parts[0]![index]!);
  return common.join(sep) || sep;
}

/** The commit the CLI's checkout is at, so that a recorded run says which code it measured. */
function describeCheckout(cli: string): string | undefined {
  const checkout = dirname(dirname(cli));
  const commit = spawnSync('git', ['-C', checkout, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  if (!commit) return undefined;
  const changed = spawnSync('git', ['-C', checkout, 'status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim();
  return changed ? `${commit} + changes` : commit;
}

function checkRepository(entry: CorpusEntry, folder: string, options: Options, extraFlags: readonly string[], cliCommit: string | undefined): RepositoryRun {
  const targets = entry.paths.map((path) => join(folder, path));
  const args = [options.cli, 'check', ...targets, '--format', 'json', ...extraFlags];
  const started = Date.now();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: options.timeoutMs });
  const durationMs = Date.now() - started;
  const run: RepositoryRun = { repository: entry.repository, commit: entry.commit, cli: options.cli, cliCommit, args: args.slice(1), exitCode: result.status, durationMs, findings: [] };
  if (result.error || (result.status !== 0 && result.status !== 1)) {
    run.error = result.error?.message ?? result.stderr.trim().split('\n').slice(-3).join(' ');
    return run;
  }
  const base = commonFolder(targets);
  const report = JSON.parse(result.stdout) as { findings: Omit<RunFinding, 'repository'>[] };
  run.findings = report.findings.map((finding) => ({
    repository: entry.repository,
    rule: finding.rule,
    severity: finding.severity,
    file: relative(folder, join(base, finding.file)).split(sep).join('/'),
    line: finding.line,
    column: finding.column,
    message: finding.message,
    // Other places of the same problem (the other queries of one loop) are reported with it.
    ...(finding.related?.some((place) => place.sameProblem)
      ? { also: finding.related.filter((place) => place.sameProblem).map((place) => ({ file: relative(folder, join(base, place.file)).split(sep).join('/'), line: place.line })) }
      : {}),
  }));
  return run;
}

function runsFolder(options: Options, run: string): string {
  return join(options.cache, 'findings', run);
}

function loadRun(options: Options, run: string, corpus: readonly CorpusEntry[]): RepositoryRun[] {
  const folder = runsFolder(options, run);
  return corpus.map((entry) => {
    const path = join(folder, `${folderName(entry.repository)}.json`);
    if (!existsSync(path)) throw new Error(`Run "${run}" has no findings for ${entry.repository} (${path}).`);
    return readJson<RepositoryRun>(path);
  });
}

function writeSection(text: string): void {
  const previous = readFileSync(RESULTS, 'utf8');
  const section = [SECTION_START, '## Real-world corpus', '', text, SECTION_END].join('\n');
  const start = previous.indexOf(SECTION_START);
  const end = previous.indexOf(SECTION_END);
  const next = start >= 0 && end > start ? previous.slice(0, start) + section + previous.slice(end + SECTION_END.length) : `${previous.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
}

/**
 * Draws a sample of the run's findings to judge. Findings that an earlier sample's verdict already
 * covers (matched as a later run is scored) are left out, so that a second drawing adds new verdicts.
 */
function writeSample(runs: readonly RepositoryRun[], seed: number, judged: readonly JudgedFinding[], options: Options): string {
  const read = lineReader(options.cache);
  const findings = runs.flatMap((run) => run.findings);
  const covered = new Set([...matchJudged(findings, judged, read).values()]);
  const sample = drawSample(findings.filter((finding) => !covered.has(finding)), seed, PER_RULE);
  const entries = [...sample.values()].flat().map((finding) => ({
    repository: finding.repository,
    rule: finding.rule,
    path: finding.file,
    line: finding.line,
    lineHash: hashLine(read(finding.repository, finding.file, finding.line) ?? ''),
    message: finding.message,
    verdict: null,
    reason: '',
  }));
  const path = join(runsFolder(options, options.run), `sample-${seed}.json`);
  writeFileSync(path, `${JSON.stringify({ seed, perRule: PER_RULE, run: options.run, entries }, null, 2)}\n`);
  return path;
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const corpus = readJson<{ repositories: CorpusEntry[] }>(join(CORPUS_DIR, 'corpus.json')).repositories.filter(
    (entry) => !options.only || options.only.has(entry.repository),
  );
  // The first sample, then later ones drawn from findings no earlier verdict covers.
  const samples = JUDGED_FILES.map((name) => readJson<SampleInfo & { findings: JudgedFinding[] }>(join(CORPUS_DIR, name)));
  const judged = samples.flatMap((sample) => sample.findings);
  const labels = readJson<{ sites: SiteLabel[] }>(join(CORPUS_DIR, 'n-plus-one-sites.json')).sites;
  const scopedLabels = labels.filter((site) => corpus.some((entry) => entry.repository === site.repository));
  const scopedJudged = judged.filter((entry) => corpus.some((c) => c.repository === entry.repository));

  if (options.check) {
    const help = spawnSync(process.execPath, [options.cli, '--help'], { encoding: 'utf8' }).stdout;
    // Every migration of each history is checked, as the older CLIs do; a CLI that can limit itself to some is told not to.
    // With --default-branch the CLI runs with its defaults on a git repository of the export, as on a clone of the default branch.
    const extraFlags = help.includes('--all-migrations') && !options.defaultBranch ? ['--all-migrations'] : [];
    const cliCommit = describeCheckout(options.cli);
    mkdirSync(runsFolder(options, options.run), { recursive: true });
    for (const entry of corpus) {
      const folder = ensureExported(entry, options);
      if (options.defaultBranch) ensureCommitted(folder);
      const run = checkRepository(entry, folder, options, extraFlags, cliCommit);
      writeFileSync(join(runsFolder(options, options.run), `${folderName(entry.repository)}.json`), `${JSON.stringify(run)}\n`);
      console.error(`${entry.repository}: ${run.error ? `error (${run.error})` : `${run.findings.length} findings`} in ${(run.durationMs / 1000).toFixed(1)} s`);
    }
  }

  const current = score(options.run, loadRun(options, options.run, corpus), scopedJudged, scopedLabels, options.cache);
  const runs = options.compare ? [score(options.compare, loadRun(options, options.compare, corpus), scopedJudged, scopedLabels, options.cache), current] : [current];
  const text = report(corpus, runs, scopedJudged, scopedLabels, options.cache, samples);
  console.log(text);
  // The N+1 sites the last run misses, for whoever works on the rule (the report only counts them).
  console.log(`\nn-plus-one (${current.name}): N+1 sites not reported`);
  for (const site of current.sites.missed) console.log(`  ${site.context} ${site.via ?? ''} ${site.repository} ${site.path}:${site.line} (${site.reason})`);
  if (options.draw !== undefined) console.error(`Sample written to ${writeSample(current.runs, options.draw, scopedJudged, options)}`);
  if (options.write) writeSection(text);
}

main();
