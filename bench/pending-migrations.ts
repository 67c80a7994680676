/**
 * Pending-change diagnostics on a 200-model schema with 100 migrations: the time from an edit to
 * its findings, in process (`PendingChanges.compute`, the schema engine in its worker thread) and
 * through the built language server over stdio (didChange → refresh → pull), plus the one-off cost
 * of replaying the history and the alternative of diffing from the migrations on every edit.
 * Writes its section of bench/RESULTS.md.
 *
 * Run: npm run build && npx tsx bench/pending-migrations.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { ddlFromEmpty, diff, disposeSchemaEngine, type MigrationScript } from '../server/src/engines/schema-engine';
import { SchemaEngineThread } from '../server/src/engines/schema-engine-thread';
import { PendingChanges } from '../server/src/workspace/pending-changes';
import { LspTestClient } from '../test/server/lspClient';
import { generateSchema } from './generate-schema';
import { describeMachine } from './machine';
import { count, ms, summarize, type Summary } from './stats';

const MODELS = 200;
const MIGRATIONS = 100;
const EDITS = 20;
const SERVER_EDITS = 10;
const SHADOW_RUNS = 3;
const RESULTS = join(__dirname, 'RESULTS.md');
const SECTION_START = '<!-- pending-migrations:start (written by bench/pending-migrations.ts) -->';
const SECTION_END = '<!-- pending-migrations:end -->';

/** Adds `line` as the first field of `model`. */
function withField(schema: string, model: string, line: string): string {
  const header = new RegExp(`^model ${model} \\{\\n`, 'm');
  if (!header.test(schema)) throw new Error(`model ${model} not found`);
  return schema.replace(header, (match) => `${match}  ${line}\n`);
}

/** A history in Prisma's generated style: the initial migration creates every table, the next 99 each add a column (every tenth an index too). */
async function buildHistory(models: string[], initial: string): Promise<{ migrations: MigrationScript[]; schema: string }> {
  const migrations: MigrationScript[] = [];
  const stamp = (index: number) => `2024${String(Math.floor(index / 28) + 1).padStart(2, '0')}${String((index % 28) + 1).padStart(2, '0')}120000`;
  migrations.push({ name: `${stamp(0)}_init`, sql: (await ddlFromEmpty([{ path: 'schema.prisma', text: initial }])).replace(/^-- CreateSchema\n.*\n\n/, '') });
  let schema = initial;
  for (let index = 1; index < MIGRATIONS; index++) {
    const model = models[index % models.length]!;
    let next = withField(schema, model, `note${index} String?`);
    if (index % 10 === 0) next = next.replace(new RegExp(`(^model ${model} \\{\\n(?:.*\\n)*?)\\}`, 'm'), `$1  @@index([note${index}])\n}`);
    const sql = await diff({ kind: 'schema', files: [{ path: 'schema.prisma', text: schema }] }, [{ path: 'schema.prisma', text: next }]);
    migrations.push({ name: `${stamp(index)}_note${index}`, sql });
    schema = next;
  }
  return { migrations, schema };
}

interface Results {
  date: string;
  migrationLines: number;
  schemaLines: number;
  coldBaseline: number;
  coldFirstEdit: number;
  warm: Summary;
  findingsPerEdit: number;
  shadow: Summary;
  server: Summary;
  serverFirst: number;
}

async function main(): Promise<void> {
  const generated = generateSchema(MODELS);
  const models = generated.models.map((model) => model.name);
  const started = performance.now();
  const { migrations, schema } = await buildHistory(models, generated.text);
  await disposeSchemaEngine();
  console.error(`history of ${migrations.length} migrations written in ${ms(performance.now() - started)}`);

  const root = mkdtempSync(join(tmpdir(), 'prisma-lens-bench-pending-'));
  try {
    for (const migration of migrations) {
      mkdirSync(join(root, 'prisma', 'migrations', migration.name), { recursive: true });
      writeFileSync(join(root, 'prisma', 'migrations', migration.name, 'migration.sql'), migration.sql);
    }
    writeFileSync(join(root, 'prisma', 'migrations', 'migration_lock.toml'), 'provider = "postgresql"\n');
    writeFileSync(join(root, 'prisma', 'schema.prisma'), schema);
    writeFileSync(join(root, 'package.json'), '{ "name": "bench-pending", "private": true }\n');
    const uri = pathToFileURL(join(root, 'prisma', 'schema.prisma')).toString();
    const project = { projectRoot: root, schemaPath: join(root, 'prisma', 'schema.prisma') };
    const edit = (index: number) => withField(schema, models[(index * 7) % models.length]!, `required${index} String`);

    // In process: the first computation replays the history (worker, PGlite, 100 migrations, introspection).
    const thread = new SchemaEngineThread();
    const pending = new PendingChanges(thread);
    let time = performance.now();
    const first = await pending.compute({ ...project, files: [{ uri, text: edit(0) }] });
    const coldFirstEdit = performance.now() - time;
    if (!first || first.findings.length === 0 || first.problem) throw new Error(`the first edit found nothing: ${first?.problem ?? first?.errors.join('; ')}`);
    // The replay alone, on a warm thread, from a history the cache has not seen (one byte differs).
    time = performance.now();
    await thread.schemaFromMigrations(migrations.map((migration, index) => (index === migrations.length - 1 ? { ...migration, sql: `${migration.sql}\n` } : migration)));
    const coldBaseline = performance.now() - time;
    const warmSamples: number[] = [];
    let findings = 0;
    for (let index = 1; index <= EDITS; index++) {
      time = performance.now();
      const report = await pending.compute({ ...project, files: [{ uri, text: edit(index) }] });
      warmSamples.push(performance.now() - time);
      if (!report?.findings.some((finding) => finding.ruleId === 'adding-required-field')) throw new Error(`edit ${index} found nothing`);
      findings += report.findings.length;
    }
    // The alternative: the engine replays the migrations into a fresh shadow database on every diff.
    const shadowSamples: number[] = [];
    for (let index = 1; index <= SHADOW_RUNS; index++) {
      time = performance.now();
      await thread.diff({ kind: 'migrations', migrations }, [{ path: 'schema.prisma', text: edit(index) }]);
      shadowSamples.push(performance.now() - time);
    }
    await thread.dispose();

    // Through the language server: from didChange to a pull that holds the new field's finding (400 ms debounce included).
    const client = new LspTestClient();
    let refreshes = 0;
    let waiters: (() => void)[] = [];
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      for (const resolve of waiters.splice(0)) resolve();
      return null;
    });
    await client.initialize(root, { pull: true });
    const untilFinding = async (field: string) => {
      for (;;) {
        const seen = refreshes;
        const items = (await client.pull(uri)).items as { code?: string; message: string }[];
        if (items.some((item) => item.code === 'adding-required-field' && item.message.includes(`\`${field}\``))) return;
        await new Promise<void>((resolve) => (refreshes > seen ? resolve() : waiters.push(resolve)));
      }
    };
    time = performance.now();
    await client.open(uri, edit(100));
    await untilFinding('required100');
    const serverFirst = performance.now() - time;
    const serverSamples: number[] = [];
    for (let index = 101; index < 101 + SERVER_EDITS; index++) {
      time = performance.now();
      await client.change(uri, index, edit(index));
      await untilFinding(`required${index}`);
      serverSamples.push(performance.now() - time);
    }
    await client.close();

    writeSection({
      date: new Date().toISOString(),
      migrationLines: migrations.reduce((sum, migration) => sum + migration.sql.split('\n').length, 0),
      schemaLines: schema.split('\n').length,
      coldBaseline,
      coldFirstEdit,
      warm: summarize(warmSamples),
      findingsPerEdit: findings / EDITS,
      shadow: summarize(shadowSamples),
      server: summarize(serverSamples),
      serverFirst,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function writeSection(results: Results): void {
  const machine = describeMachine();
  const row = (label: string, summary: Summary) => `| ${label} | ${ms(summary.median)} | ${ms(summary.min)} | ${ms(summary.p90)} | ${summary.runs} |`;
  const section = [
    SECTION_START,
    '## Pending migration changes while typing, 200 models, 100 migrations',
    '',
    `Written by \`bench/pending-migrations.ts\` on ${results.date} (${machine.cores} cores, ${machine.cpu}, Node.js ${machine.node}, load average ${machine.loadAverage} at the start). The schema is \`bench/generate-schema.ts\` at ${MODELS} models (${count(results.schemaLines)} lines); the history is ${MIGRATIONS} migrations that Prisma's schema engine wrote (${count(results.migrationLines)} lines of SQL): the first creates every table, each later one adds a column, every tenth an index too. Each edit adds a required field to a model, which the next migration would add as \`ADD COLUMN … NOT NULL\`: one \`adding-required-field\` finding at the new line (${results.findingsPerEdit.toFixed(1)} findings per edit on average).`,
    '',
    'How the "from" side is built: once per history, the migrations run in order in the schema engine\'s own PGlite (PostgreSQL in WebAssembly, in the worker thread), which the engine then introspects into a Prisma schema; each edit is a schema-to-schema diff from that cached baseline. The test suite checks that this gives the same SQL as Prisma\'s own diff from the migrations (a shadow database per diff), which is the last row, for comparison.',
    '',
    '| Edit → findings | Median | Min | p90 | Runs |',
    '| --- | ---: | ---: | ---: | ---: |',
    row('In process, warm: `PendingChanges.compute` (diff in the worker thread, SQL rules, mapping to the schema)', results.warm),
    row('Language server over stdio: `didChange` → refresh → pull with the finding (400 ms debounce included)', results.server),
    row('Alternative, not used: the engine diffs from the migrations, replaying them in a fresh shadow PGlite each time', results.shadow),
    '',
    '| One-off costs | Time |',
    '| --- | ---: |',
    `| First edit in a new process: worker thread, engine and PGlite start, replay of the ${MIGRATIONS} migrations, introspection, diff | ${ms(results.coldFirstEdit)} |`,
    `| Replay of a changed history on a running engine (migrations + introspection) | ${ms(results.coldBaseline)} |`,
    `| Language server: open → first findings (cold start of the engine included) | ${ms(results.serverFirst)} |`,
    '',
    'A keystroke never waits for any of this: the pull answers at once with the schema rules, and the pending findings follow with a diagnostics refresh when the background computation ends. Timings are recorded, never asserted.',
    SECTION_END,
  ].join('\n');
  const previous = readFileSync(RESULTS, 'utf8');
  const start = previous.indexOf(SECTION_START);
  const end = previous.indexOf(SECTION_END);
  const next = start >= 0 && end > start ? previous.slice(0, start) + section + previous.slice(end + SECTION_END.length) : `${previous.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
  console.error(section);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
