/**
 * Prisma Lens's migration rules beside Squawk (squawk-cli) on the labelled Prisma migration
 * history in test/corpus/migrations/saas: findings side by side, accuracy against the labels, and
 * time for both on the same files in the same run. Writes its section of bench/RESULTS.md.
 *
 * Run: npm run build && npx tsx bench/migrations-squawk.ts
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeMigration } from '../server/src/analysis/analyze';
import { loadSqlParser } from '../server/src/analysis/migrations/sql';
import { rules } from '../server/src/analysis/rules/index';
import { isMigrationRule } from '../server/src/analysis/rules/types';
import { describeMachine } from './machine';

const ROOT = join(__dirname, '..');
const CORPUS = join(ROOT, 'test', 'corpus', 'migrations', 'saas');
const MIGRATIONS = join(CORPUS, 'prisma', 'migrations');
const SQUAWK_VERSION = '2.66.0';
const SQUAWK = installSquawk();

/**
 * Squawk is installed on demand into .cache/squawk, not as a dev dependency: its npm package has
 * one optional binary package per platform, and a lock file listing all of them cannot be
 * installed where the registry serves only some.
 */
function installSquawk(): string {
  const prefix = join(ROOT, '.cache', 'squawk');
  const bin = join(prefix, 'node_modules', '.bin', 'squawk');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', `squawk-cli@${SQUAWK_VERSION}`], { stdio: 'inherit' });
  }
  return bin;
}
/** A copy of the built CLI (with the WebAssembly files beside it), so that a rebuild during the run changes nothing. */
const DIST_COPY = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-dist-'));
cpSync(join(ROOT, 'dist'), DIST_COPY, { recursive: true });
const CLI = join(DIST_COPY, 'cli.js');
const RESULTS = join(__dirname, 'RESULTS.md');
export const SECTION_START = '<!-- migration-benchmarks:start (written by bench/migrations-squawk.ts) -->';
export const SECTION_END = '<!-- migration-benchmarks:end -->';
const RUNS = 10;

/** The hazards both tools name alike: the accuracy columns count only these. */
const SHARED = new Set(rules.filter(isMigrationRule).map((rule) => rule.id));

interface Hit {
  migration: string;
  line: number;
  rule: string;
}

function migrationFiles(): { name: string; file: string }[] {
  return readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, file: join(MIGRATIONS, entry.name, 'migration.sql') }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function squawkHits(files: string[], extra: string[] = []): { hits: Hit[]; ms: number } {
  const started = performance.now();
  const run = spawnSync(SQUAWK, ['--reporter', 'json', '--pg-version', '15', ...extra, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - started;
  const parsed = JSON.parse(run.stdout || '[]') as { file: string; line: number; rule_name: string }[];
  return { ms, hits: parsed.map((hit) => ({ migration: relative(MIGRATIONS, hit.file).split('/')[0]!, line: hit.line + 1, rule: hit.rule_name })) };
}

function lensCliHits(): { hits: Hit[]; ms: number } {
  const started = performance.now();
  // Every migration of the corpus counts as deployed, whatever git says about the checkout.
  const env = { ...process.env, PRISMA_LENS_MIGRATIONS_BASE: 'none' };
  const run = spawnSync(process.execPath, [CLI, 'check', CORPUS, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  const ms = performance.now() - started;
  if (run.status !== 1) throw new Error(`prisma-lens check exited with ${run.status}: ${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { findings: { rule: string; file: string; line: number }[] };
  return { ms, hits: parsed.findings.map((finding) => ({ migration: finding.file.split('/').at(-2)!, line: finding.line, rule: finding.rule })) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Matches hits to labels by (migration, rule): a finding counts once per label, whatever its line. */
function score(hits: Hit[], expected: Hit[]): { tp: number; fp: Hit[]; fn: Hit[]; duplicates: Hit[] } {
  const remaining = [...expected];
  const unmatched: Hit[] = [];
  let tp = 0;
  for (const hit of hits.filter((candidate) => SHARED.has(candidate.rule))) {
    const index = remaining.findIndex((label) => label.migration === hit.migration && label.rule === hit.rule);
    if (index >= 0) {
      remaining.splice(index, 1);
      tp++;
    } else unmatched.push(hit);
  }
  // A second rule id on a statement that carries a labelled hazard reports that hazard again: not a false alarm.
  const duplicates = unmatched.filter((hit) => expected.some((label) => label.migration === hit.migration && label.line === hit.line));
  return { tp, fp: unmatched.filter((hit) => !duplicates.includes(hit)), fn: remaining, duplicates };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const date = new Date();
  const migrations = migrationFiles();
  const files = migrations.map((migration) => migration.file);
  const texts = files.map((file) => readFileSync(file, 'utf8'));
  const labels = JSON.parse(readFileSync(join(CORPUS, 'expected.json'), 'utf8')) as Record<string, { line: number; rule: string }[]>;
  const expected: Hit[] = Object.entries(labels).flatMap(([migration, list]) => list.map((label) => ({ migration, ...label })));
  const statements = texts.reduce((sum, text) => sum + text.split(';').filter((part) => part.replace(/--.*$/gm, '').replace(/\/\*[\s\S]*?\*\//g, '').trim()).length, 0);
  const squawkVersion = execFileSync(SQUAWK, ['--version'], { encoding: 'utf8' }).trim();

  // Unmeasured runs first fill the file-system cache; then the two alternate.
  squawkHits(files);
  lensCliHits();
  const squawkTimes: number[] = [];
  const lensTimes: number[] = [];
  let squawk = squawkHits(files);
  let lens = lensCliHits();
  for (let run = 0; run < RUNS; run++) {
    squawk = squawkHits(files);
    squawkTimes.push(squawk.ms);
    lens = lensCliHits();
    lensTimes.push(lens.ms);
  }

  const startup: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    spawnSync(process.execPath, [CLI, '--version']);
    startup.push(performance.now() - started);
  }

  // In process: the parser loaded once, all files linted, as the editor and the engine preview do.
  const loadStarted = performance.now();
  await loadSqlParser();
  const loadMs = performance.now() - loadStarted;
  const lintAll = () => texts.forEach((text, index) => analyzeMigration(text, { uri: `file://${files[index]}` }));
  for (let warm = 0; warm < 5; warm++) lintAll();
  const inProcess: number[] = [];
  for (let run = 0; run < 20; run++) {
    const started = performance.now();
    lintAll();
    inProcess.push(performance.now() - started);
  }

  const lensScore = score(lens.hits, expected);
  const squawkScore = score(squawk.hits, expected);
  // Prisma runs each file as one transaction when it holds several statements; Squawk can assume so.
  const squawkInTransactionHits = squawkHits(files, ['--assume-in-transaction']).hits;
  const squawkInTransaction = score(squawkInTransactionHits, expected);
  const otherSquawk = new Map<string, number>();
  for (const hit of squawk.hits) if (!SHARED.has(hit.rule)) otherSquawk.set(hit.rule, (otherSquawk.get(hit.rule) ?? 0) + 1);

  const byMigration = (hits: Hit[], name: string) =>
    hits
      .filter((hit) => hit.migration === name && SHARED.has(hit.rule))
      .map((hit) => `${hit.rule}:${hit.line}`)
      .sort();
  const rows = migrations.map(({ name }) => {
    const want = (labels[name] ?? []).map((label) => label.rule).sort();
    const ours = byMigration(lens.hits, name);
    const theirs = byMigration(squawk.hits, name);
    return { name, want, ours, theirs };
  });

  const pct = (part: number, whole: number) => (whole === 0 ? '–' : `${((part / whole) * 100).toFixed(0)}%`);
  const precision = (s: { tp: number; fp: Hit[] }) => pct(s.tp, s.tp + s.fp.length);
  const recall = (s: { tp: number; fn: Hit[] }) => pct(s.tp, s.tp + s.fn.length);
  const cell = (list: string[]) => (list.length ? list.map((item) => `\`${item}\``).join('<br>') : '–');
  const lines: string[] = [
    SECTION_START,
    '## Migration SQL rules beside Squawk',
    '',
    `Run ${date.toISOString().replace(/\.\d+Z$/, 'Z')} on ${machine.cpu} (${machine.cores} cores, ${machine.memory}), Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverage} at the start. Written by \`bench/migrations-squawk.ts\`.`,
    '',
    `The corpus (\`test/corpus/migrations/saas\`) is a ${migrations.length}-migration history of a SaaS application in the style \`prisma migrate dev\` generates (initial migrations creating many tables with their indexes and foreign keys; Prisma's warning blocks; a few hand-edited migrations: backfills, CONCURRENTLY, NOT VALID, renames): ${statements} statements. \`expected.json\` labels each hazard a production database with data would meet, by migration and rule; every migration counts as deployed before the next. ${squawkVersion} runs with \`--pg-version 15\`, its defaults otherwise; Prisma Lens with its defaults (PostgreSQL 15).`,
    '',
    '### Accuracy on the shared hazards',
    '',
    `Only the ${SHARED.size} rule ids both tools have are scored; a finding matches a label of the same rule in the same migration.`,
    '',
    '| | Prisma Lens | Squawk | Squawk `--assume-in-transaction` |',
    '| --- | ---: | ---: | ---: |',
    `| labelled hazards found (of ${expected.length}) | ${lensScore.tp} | ${squawkScore.tp} | ${squawkInTransaction.tp} |`,
    `| findings on safe statements | ${lensScore.fp.length} | ${squawkScore.fp.length} | ${squawkInTransaction.fp.length} |`,
    `| a labelled hazard reported again under a second rule id | ${lensScore.duplicates.length} | ${squawkScore.duplicates.length} | ${squawkInTransaction.duplicates.length} |`,
    `| precision | ${precision(lensScore)} | ${precision(squawkScore)} | ${precision(squawkInTransaction)} |`,
    `| recall | ${recall(lensScore)} | ${recall(squawkScore)} | ${recall(squawkInTransaction)} |`,
    `| findings of other rules | 0 | ${[...otherSquawk.values()].reduce((a, b) => a + b, 0)} | |`,
    '',
    `Squawk's other rules (style and robustness checks Prisma Lens does not have, most of them on every Prisma migration): ${[...otherSquawk.entries()].sort((a, b) => b[1] - a[1]).map(([rule, count]) => `\`${rule}\` ${count}`).join(', ')}.`,
    '',
    'The labels were written together with Prisma Lens\'s rules, so its 100%-style scores mean "it does what it was designed to do on this history", not an independent measurement; the disagreements below are the informative part.',
    '',
    '### Where they differ, and why',
    '',
    '- Statements on tables created earlier in the same migration (every `CREATE INDEX` and `ADD CONSTRAINT … FOREIGN KEY` of an initial migration, `ADD COLUMN … NOT NULL` or `SET NOT NULL` on a table created a few lines above): the table is empty, nothing waits and nothing fails. Prisma Lens tracks the tables each migration creates. Squawk flags them by default; told `--assume-in-transaction` (which is how Prisma runs a file of several statements) it tracks them too, and most of the difference goes away.',
    '- Squawk\'s `constraint-missing-not-valid` covers every added constraint, so a foreign key or unique constraint on an existing table is reported twice (with `adding-foreign-key-constraint` or `disallowed-unique-constraint`); Prisma Lens reports CHECK constraints under it, and a VALIDATE in the migration that added the constraint.',
    '- `SERIAL NOT NULL` added to an existing table (Prisma\'s `@default(autoincrement())` on a new field): Squawk reports `adding-required-field` (it would fail), but a serial column has a default; the real cost is a rewrite of the table, `adding-field-with-default`.',
    '- `CREATE INDEX CONCURRENTLY` next to another statement: Prisma sends the file as one script, which PostgreSQL runs as one transaction, so the migration fails. Squawk does not know how the file is run unless told `--assume-in-transaction`; Prisma Lens counts the statements, and stays quiet for a CONCURRENTLY statement alone in its file, which works.',
    '',
    `With \`--assume-in-transaction\`, Squawk's remaining findings on safe statements: ${squawkInTransaction.fp.map((hit) => `\`${hit.rule}\` in \`${hit.migration}\``).join(', ') || 'none'}; labelled hazards it misses: ${squawkInTransaction.fn.map((hit) => `\`${hit.rule}\` in \`${hit.migration}\``).join(', ') || 'none'}. Prisma Lens's misses: ${lensScore.fn.map((hit) => `\`${hit.rule}\` in \`${hit.migration}\``).join(', ') || 'none'}; its findings on safe statements: ${lensScore.fp.map((hit) => `\`${hit.rule}\` in \`${hit.migration}\``).join(', ') || 'none'}.`,
    '',
    'Per rule and migration (Squawk with its defaults):',
    '',
    ...explainDifferences(rows),
    '',
    '### Time, same files, same run',
    '',
    `Both tools read the ${migrations.length} files; wall time of the spawned process, median and min of ${RUNS} alternating runs after one unmeasured run of each. Prisma Lens's CLI also discovers the project, starts Node.js with its bundle (which holds every rule, TypeScript's parser included) and loads the parser's WebAssembly module: most of its time is that start, shown on its own below. Squawk is one native binary. The load average above says how busy the 2-core machine was; both tools ran under the same load.`,
    '',
    '| | Prisma Lens | Squawk | Ratio (Lens / Squawk) |',
    '| --- | ---: | ---: | ---: |',
    `| \`check <project> --format json\` / \`squawk --reporter json <files>\`, median | ${median(lensTimes).toFixed(0)} ms | ${median(squawkTimes).toFixed(0)} ms | ${(median(lensTimes) / median(squawkTimes)).toFixed(2)}× |`,
    `| same, min | ${Math.min(...lensTimes).toFixed(0)} ms | ${Math.min(...squawkTimes).toFixed(0)} ms | ${(Math.min(...lensTimes) / Math.min(...squawkTimes)).toFixed(2)}× |`,
    `| of which starting the CLI (\`prisma-lens --version\`), median | ${median(startup).toFixed(0)} ms | | |`,
    `| in process (server, engine preview): all ${migrations.length} files, median of 20 | ${median(inProcess).toFixed(1)} ms | | |`,
    `| in process: loading the parser (once per process) | ${loadMs.toFixed(0)} ms | | |`,
    '',
    '### Side by side',
    '',
    '`rule:line` per migration, shared rules only. ✓ both agree with the labels.',
    '',
    '| Migration | Labelled | Prisma Lens | Squawk |',
    '| --- | --- | --- | --- |',
    ...rows
      .filter((row) => row.want.length || row.ours.length || row.theirs.length)
      .map((row) => `| \`${row.name}\` | ${row.want.join('<br>') || '–'} | ${cell(row.ours)} | ${cell(row.theirs)} |`),
    '',
    `${rows.filter((row) => !row.want.length && !row.ours.length && !row.theirs.length).length} other migrations: no labelled hazard and no finding from either tool.`,
    SECTION_END,
  ];
  const section = lines.join('\n');
  const previous = readFileSync(RESULTS, 'utf8');
  const start = previous.indexOf(SECTION_START);
  const end = previous.indexOf(SECTION_END);
  const next = start >= 0 && end > start ? previous.slice(0, start) + section + previous.slice(end + SECTION_END.length) : `${previous.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
  rmSync(DIST_COPY, { recursive: true, force: true });
  console.log(section);
}

/** One line per kind of disagreement, with the migrations it concerns. */
function explainDifferences(rows: { name: string; want: string[]; ours: string[]; theirs: string[] }[]): string[] {
  const rulesOf = (list: string[]) => list.map((item) => item.split(':')[0]!);
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    const want = row.want;
    const ours = rulesOf(row.ours);
    const theirs = rulesOf(row.theirs);
    for (const rule of new Set([...want, ...ours, ...theirs])) {
      const count = (list: string[]) => list.filter((item) => item === rule).length;
      const [w, o, t] = [count(want), count(ours), count(theirs)];
      if (o === t) continue;
      const key = `${rule}: labelled ${w > 0 ? 'hazard' : 'safe'}, Prisma Lens ${o > w ? 'flags more' : o < w ? 'misses' : 'matches'}, Squawk ${t > w ? 'flags more' : t < w ? 'misses' : 'matches'}`;
      groups.set(key, [...(groups.get(key) ?? []), `\`${row.name}\` (${o} vs ${t})`]);
    }
  }
  return [...groups.entries()].map(([key, names]) => `- ${key} — ${names.length} migration(s): ${names.join(', ')}`);
}

void main();
