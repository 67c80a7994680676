/**
 * The CLI as whole processes, beside its peers in the same run: `--version` beside `node -e 0`;
 * migration linting beside Squawk, one process per migrations folder for each tool on the same
 * files; a 1,000-model schema beside prisma-lint and beside a Node process running the official
 * engine's `lint`. With `--before <cli.js>` an older build runs in the same rounds, so that a change
 * is measured under the same load as what it is compared with. Writes its section of RESULTS.md
 * with `--write`.
 *
 *   npm run build && npx tsx bench/cli-startup.ts [--cli <dist/cli.js>] [--before <dist/cli.js>] [--runs <n>] [--corpus <folder>] [--write]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateSchema } from './generate-schema';
import { describeMachine } from './machine';
import { count, ms, ratio, summarize } from './stats';

const ROOT = join(__dirname, '..');
const RESULTS = join(__dirname, 'RESULTS.md');
const SECTION_START = '<!-- cli-startup:start (written by bench/cli-startup.ts) -->';
const SECTION_END = '<!-- cli-startup:end -->';
const SQUAWK_VERSION = '2.66.0';
const PRISMA_LINT_VERSION = '0.13.1';
const TIME = '/usr/bin/time';

interface Options {
  cli: string;
  runs: number;
  before?: string;
  corpus: string;
  write: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  return {
    cli: resolve(value('--cli') ?? join(ROOT, 'dist', 'cli.js')),
    runs: Number(value('--runs') ?? 7),
    before: value('--before') && resolve(value('--before')!),
    corpus: resolve(value('--corpus') ?? '/tmp/prisma-lens-real-world'),
    write: args.includes('--write'),
  };
}

/** Squawk and prisma-lint are installed on demand into .cache/<folder>, Squawk where bench/migrations-squawk.ts installs it. */
function installed(folder: string, name: string, version: string, bin: string): string {
  const prefix = join(ROOT, '.cache', folder);
  const path = join(prefix, 'node_modules', '.bin', bin);
  if (!existsSync(path)) {
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `${name}@${version}`], { stdio: 'inherit' });
  }
  return path;
}

/** A copy of a build's dist/ (and the rule docs its reports link to), so that a rebuild during the run changes nothing. */
function copyOfBuild(cli: string, label: string): string {
  const folder = mkdtempSync(join(tmpdir(), `prisma-lens-bench-${label}-`));
  cpSync(join(cli, '..'), join(folder, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') && !source.endsWith('.vsix') });
  return join(folder, 'dist', 'cli.js');
}

interface Command {
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Exit codes that mean the tool did its work (1 is "found something" for every tool here). */
  ok: readonly number[];
}

interface Sample {
  wallMs: number;
  /** User + system time of the process and its threads, from /usr/bin/time; undefined where it is missing. */
  cpuMs?: number;
}

const hasTime = existsSync(TIME);
const timeFile = join(mkdtempSync(join(tmpdir(), 'prisma-lens-bench-time-')), 'time');

function run(command: Command): Sample {
  const [file, args] = hasTime ? [TIME, ['-f', '%U %S', '-o', timeFile, command.file, ...command.args]] : [command.file, command.args];
  const started = performance.now();
  const child = spawnSync(file, args, { cwd: command.cwd ?? ROOT, env: command.env ?? process.env, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (child.error) throw child.error;
  if (!command.ok.includes(child.status ?? -1)) throw new Error(`${basename(command.file)} ${command.args.join(' ')} exited with ${child.status}: ${child.stderr.slice(0, 2000)}`);
  if (!hasTime) return { wallMs };
  const [user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallMs, cpuMs: (user! + system!) * 1000 };
}

/** Runs each tool of a round once per round, in turn, after one unmeasured round (file-system cache). */
function rounds<T extends string>(tools: Record<T, () => Sample>, runs: number): Record<T, Sample[]> {
  const names = Object.keys(tools) as T[];
  for (const name of names) tools[name]();
  const samples = Object.fromEntries(names.map((name) => [name, [] as Sample[]])) as Record<T, Sample[]>;
  for (let round = 0; round < runs; round++) for (const name of names) samples[name].push(tools[name]());
  return samples;
}

interface Measured {
  label: string;
  wall: number;
  cpu?: number;
}

function measured(label: string, samples: readonly Sample[]): Measured {
  const cpu = samples.every((sample) => sample.cpuMs !== undefined) ? summarize(samples.map((sample) => sample.cpuMs!)).median : undefined;
  return { label, wall: summarize(samples.map((sample) => sample.wallMs)).median, cpu };
}

/** One table: each row a case, Prisma Lens (and its older build) beside the peers, wall and CPU medians, ratios to each peer. */
function table(title: string, rows: { name: string; lens: Measured; before?: Measured; peers: Measured[] }[]): string {
  const first = rows[0]!;
  const columns = [...(first.before ? [`Prisma Lens before`] : []), 'Prisma Lens', ...first.peers.map((peer) => peer.label), ...first.peers.map((peer) => `Lens / ${peer.label}`)];
  const cell = (value: Measured | undefined): string => (value ? `${ms(value.wall)} (${value.cpu === undefined ? 'n/a' : ms(value.cpu)})` : '');
  const lines = [`| ${title} | ${columns.join(' | ')} |`, `| --- |${columns.map(() => ' ---: |').join('')}`];
  for (const row of rows) {
    const ratios = row.peers.map((peer) => `${ratio(row.lens.wall, peer.wall)} (${row.lens.cpu !== undefined && peer.cpu !== undefined ? ratio(row.lens.cpu, peer.cpu) : 'n/a'})`);
    lines.push(`| ${row.name} | ${[...(row.before ? [cell(row.before)] : []), cell(row.lens), ...row.peers.map(cell), ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** PostgreSQL migrations folders (migration_lock.toml) under the corpus, with their migration files. */
function migrationFolders(corpus: string): { folder: string; files: string[] }[] {
  const found: { folder: string; files: string[] }[] = [];
  const walk = (folder: string, depth: number): void => {
    if (depth > 8) return;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.name === 'migration_lock.toml') && /provider\s*=\s*"postgresql"/.test(readFileSync(join(folder, 'migration_lock.toml'), 'utf8'))) {
      const files = entries.filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, 'migration.sql'))).map((entry) => join(folder, entry.name, 'migration.sql'));
      if (files.length > 0) found.push({ folder, files: files.sort() });
      return;
    }
    for (const entry of entries) if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'findings' && !entry.name.startsWith('.')) walk(join(folder, entry.name), depth + 1);
  };
  if (existsSync(corpus)) walk(corpus, 0);
  return found.sort((a, b) => (a.folder < b.folder ? -1 : 1));
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const machine = describeMachine();
  const started = new Date();
  const squawk = installed('squawk', 'squawk-cli', SQUAWK_VERSION, 'squawk');
  const prismaLint = installed('prisma-lint', 'prisma-lint', PRISMA_LINT_VERSION, 'prisma-lint');
  const cli = copyOfBuild(options.cli, 'now');
  const before = options.before && copyOfBuild(options.before, 'before');
  const node = process.execPath;
  // The CLI keeps V8's code for its bundles in the cache folder: a folder of the run's own, filled by
  // the unmeasured first round, as a second run on a developer's machine or a CI job with a cached
  // folder finds it.
  const cacheFolder = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-cache-'));
  const lensEnv = { ...process.env, PRISMA_LENS_CACHE_DIR: cacheFolder };
  const lensCommands = (args: string[], extra: Partial<Command> = {}): { lens: Command; before?: Command } => ({
    lens: { file: node, args: [cli, ...args], ok: [0, 1], env: lensEnv, ...extra },
    before: before ? { file: node, args: [before, ...args], ok: [0, 1], env: lensEnv, ...extra } : undefined,
  });
  const lensRounds = (commands: { lens: Command; before?: Command }, peers: Record<string, Command>, runs: number) => {
    const tools: Record<string, () => Sample> = { lens: () => run(commands.lens) };
    if (commands.before) tools.before = () => run(commands.before!);
    for (const [label, command] of Object.entries(peers)) tools[label] = () => run(command);
    return rounds(tools, runs);
  };
  const sections: string[] = [];
  process.stderr.write(`CLI processes on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, load ${machine.loadAverage}\n`);

  // 1. Start-up: what a run costs before it does anything.
  const version = lensRounds(lensCommands(['--version']), { 'node -e 0': { file: node, args: ['-e', '0'], ok: [0] } }, options.runs * 2);
  const versionRow = { name: '`prisma-lens --version`', lens: measured('Prisma Lens', version.lens!), before: version.before && measured('before', version.before), peers: [measured('`node -e 0`', version['node -e 0']!)] };
  sections.push(table('Start-up, median wall (CPU)', [versionRow]));

  // 2. Migrations beside Squawk: one process per folder for each tool, the same files.
  const squawkCommand = (files: string[]): Command => ({ file: squawk, args: ['--reporter', 'json', '--pg-version', '15', ...files], ok: [0, 1] });
  const lensMigrations = (folder: string) => lensCommands(['check', folder, '--all-migrations', '--format', 'json']);
  const saasFolder = join(ROOT, 'test', 'corpus', 'migrations', 'saas', 'prisma', 'migrations');
  const saas = migrationFolders(join(ROOT, 'test', 'corpus', 'migrations', 'saas'))[0]!;
  const corpusFolders = migrationFolders(options.corpus);
  const migrationRows = [];
  const single = (name: string, folder: { folder: string; files: string[] }) => {
    const samples = lensRounds(lensMigrations(folder.folder), { Squawk: squawkCommand(folder.files) }, options.runs);
    return { name, lens: measured('Prisma Lens', samples.lens!), before: samples.before && measured('before', samples.before), peers: [measured('Squawk', samples.Squawk!)] };
  };
  migrationRows.push(single(`one folder of ${count(saas.files.length)} files (\`${relative(ROOT, saasFolder)}\`)`, saas));
  const largest = [...corpusFolders].sort((a, b) => b.files.length - a.files.length)[0];
  if (largest) migrationRows.push(single(`one folder of ${count(largest.files.length)} files (${relative(options.corpus, largest.folder)})`, largest));
  let allFolders = '';
  if (corpusFolders.length > 1) {
    // Every folder in turn, per tool; a round's time is the sum over the folders.
    const sweep = (command: (folder: { folder: string; files: string[] }) => Command) => (): Sample => {
      const samples = corpusFolders.map((folder) => run(command(folder)));
      return { wallMs: samples.reduce((sum, sample) => sum + sample.wallMs, 0), cpuMs: samples.every((sample) => sample.cpuMs !== undefined) ? samples.reduce((sum, sample) => sum + sample.cpuMs!, 0) : undefined };
    };
    const tools: Record<string, () => Sample> = { lens: sweep((folder) => lensMigrations(folder.folder).lens) };
    if (before) tools.before = sweep((folder) => lensMigrations(folder.folder).before!);
    tools.Squawk = sweep((folder) => squawkCommand(folder.files));
    const samples = rounds(tools, Math.max(3, Math.ceil(options.runs / 2)));
    const files = corpusFolders.reduce((sum, folder) => sum + folder.files.length, 0);
    migrationRows.push({ name: `${corpusFolders.length} folders, ${count(files)} files, one process per folder (sum)`, lens: measured('Prisma Lens', samples.lens!), before: samples.before && measured('before', samples.before), peers: [measured('Squawk', samples.Squawk!)] });
    allFolders = ` The ${corpusFolders.length} folders are every PostgreSQL migrations folder of the real-world corpus (\`${options.corpus}\`, exported by \`npm run bench:real-world\`): ${corpusFolders.map((folder) => `${relative(options.corpus, folder.folder)} (${folder.files.length})`).join(', ')}.`;
  }
  sections.push(table('Migration linting, median wall (CPU)', migrationRows));

  // 3. A 1,000-model schema beside prisma-lint and the official engine's lint.
  const project = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-schema-'));
  mkdirSync(join(project, 'prisma'));
  const schemaPath = join(project, 'prisma', 'schema.prisma');
  writeFileSync(schemaPath, generateSchema(1000).text);
  // prisma-lint runs only the rules its configuration names: its index rule (Prisma Lens's missing-fk-index) and its naming rules.
  writeFileSync(join(project, '.prismalintrc.json'), JSON.stringify({ rules: { 'require-field-index': ['error', { forAllRelations: true }], 'model-name-pascal-case': ['error'], 'field-name-camel-case': ['error'], 'enum-name-pascal-case': ['error'], 'forbid-required-ignored-field': ['error'] } }));
  const schema = lensRounds(lensCommands(['check', project, '--format', 'json']), {
    'prisma-lint': { file: prismaLint, args: ['-o', 'json', 'prisma/schema.prisma'], cwd: project, ok: [0, 1] },
    'official `lint`': { file: node, args: [join(__dirname, 'peer-lint.cjs'), schemaPath], ok: [0, 1] },
  }, options.runs);
  sections.push(table('1,000-model schema, median wall (CPU)', [{ name: '`check <project> --format json`', lens: measured('Prisma Lens', schema.lens!), before: schema.before && measured('before', schema.before), peers: [measured('prisma-lint', schema['prisma-lint']!), measured('official `lint`', schema['official `lint`']!)] }]));
  rmSync(project, { recursive: true, force: true });
  rmSync(cacheFolder, { recursive: true, force: true });

  const loadAtEnd = describeMachine().loadAverage;
  const text = [
    SECTION_START,
    '## The CLI as whole processes',
    '',
    `Run ${started.toISOString()} on ${machine.cpu} (${machine.cores} cores, ${machine.memory}), Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverage} at the start, ${loadAtEnd} at the end. Written by \`bench/cli-startup.ts\`.`,
    '',
    `Each cell is the median wall time of the spawned process, from spawn to exit, and in parentheses the median CPU time (user + system, all threads, from \`/usr/bin/time\`), which moves less than the wall time when other work shares the 2 cores. The tools of a row run in turn, round after round (${options.runs} rounds, ${options.runs * 2} for start-up, ${Math.max(3, Math.ceil(options.runs / 2))} for the sum over folders), after one unmeasured round. Ratios are Prisma Lens / peer, wall (CPU).${before ? ` "Before" is the build of \`${options.before}\`, run in the same rounds.` : ''}`,
    '',
    `Migrations: Prisma Lens runs \`check <migrations folder> --all-migrations --format json\` (a folder with no schema is linted as Squawk lints files); Squawk ${SQUAWK_VERSION} runs \`--reporter json --pg-version 15\` on the same folder's \`migration.sql\` files.${allFolders} Schema: prisma-lint ${PRISMA_LINT_VERSION} with its index rule (\`require-field-index\`, \`forAllRelations\`) and four naming rules; the official \`lint\` is \`bench/peer-lint.cjs\` (Node, \`@prisma/prisma-schema-wasm\`).`,
    '',
    ...sections.flatMap((section) => [section, '']),
    SECTION_END,
  ].join('\n');
  console.log(text);
  if (options.write) {
    const previous = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '';
    const start = previous.indexOf(SECTION_START);
    const end = previous.indexOf(SECTION_END);
    const next = start >= 0 && end > start ? `${previous.slice(0, start)}${text}${previous.slice(end + SECTION_END.length)}` : `${previous.trimEnd()}\n\n${text}\n`;
    writeFileSync(RESULTS, next);
  }
}

main();
