/**
 * Does Prisma Lens read schemas as Prisma reads them? Compares the schema reader with
 * `@prisma/prisma-schema-wasm` (test/support/dmmf-compare.ts) on every schema set in a folder of
 * real projects' schemas and on the generated bench schemas, prints the agreement per project and
 * every disagreement, and with `--write` records the run in its section of bench/RESULTS.md.
 *
 *   npm run bench:schema-conformance -- [cache folder] [--write] [--note "what this run is"]
 *
 * The folder (default /tmp/prisma-lens-schemas) holds one folder per project, `<owner>+<name>`,
 * with the project's `.prisma` files at their paths in the repository; test/corpus/real-world/
 * schemas.json lists the repositories, commits and files of the corpus it was built from.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { compareWithPrisma, describeDisagreement, type Comparison, type SchemaSetFile } from '../test/support/dmmf-compare';
import { generateSchema } from './generate-schema';
import { describeMachine } from './machine';

const ROOT = join(__dirname, '..');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const CORPUS = join(ROOT, 'test', 'corpus', 'real-world', 'schemas.json');
const SECTION_START = '<!-- schema-conformance:start (written by bench/schema-conformance.ts) -->';
const SECTION_END = '<!-- schema-conformance:end -->';
const RUNS_HEADING = '### Runs';
/** 5,000 models would be read too: Prisma's DMMF of them is a JSON text longer than V8 can hold in a string. */
const GENERATED_SIZES = [100, 1000];

interface SchemaSet {
  project: string;
  /** The set's folder (multi-file schema) or file, relative to the project. */
  name: string;
  files: SchemaSetFile[];
}

interface SetResult {
  set: SchemaSet;
  comparison: Comparison;
}

function main(): void {
  const args = process.argv.slice(2);
  const write = args.includes('--write');
  const noteAt = args.indexOf('--note');
  const note = noteAt >= 0 ? args[noteAt + 1] : undefined;
  const cache = args.find((arg, index) => !arg.startsWith('--') && index !== noteAt + 1) ?? '/tmp/prisma-lens-schemas';
  const sets = existsSync(cache) ? discoverSets(cache) : [];
  if (sets.length === 0) console.error(`No schemas under ${cache}: only the generated schemas are compared.`);
  for (const size of GENERATED_SIZES) {
    sets.push({ project: 'generated', name: `bench/generate-schema.ts ${size}`, files: [{ path: `generated-${size}.prisma`, text: generateSchema(size).text }] });
  }
  const results: SetResult[] = sets.map((set) => ({ set, comparison: compareWithPrisma(set.files) }));
  const report = describeResults(results);
  console.log(report.details);
  console.log(report.table);
  console.log(report.summary);
  if (write) writeSection(report, note);
}

/**
 * The schema sets of every project folder, as Prisma finds them: a file with a `datasource` block
 * is read with the `.prisma` files of its folder and of the folders below it that have no
 * datasource of their own (a multi-file schema); several datasource files in one folder are read
 * one by one; a file that no datasource folder holds is read alone.
 */
function discoverSets(cache: string): SchemaSet[] {
  const sets: SchemaSet[] = [];
  for (const project of readdirSync(cache).sort()) {
    const root = join(cache, project);
    if (!statSync(root).isDirectory()) continue;
    const files = prismaFiles(root).map((path) => ({ path: relative(root, path).split(sep).join('/'), text: readFileSync(path, 'utf8') }));
    const roots = files.filter((file) => /^\s*datasource\s+\w+\s*\{/m.test(file.text));
    const rootsByFolder = new Map<string, SchemaSetFile[]>();
    for (const file of roots) rootsByFolder.set(folderOf(file.path), [...(rootsByFolder.get(folderOf(file.path)) ?? []), file]);
    const members = new Map<SchemaSetFile, SchemaSetFile[]>(roots.map((file) => [file, [file]]));
    for (const file of files) {
      if (members.has(file)) continue;
      let folder = folderOf(file.path);
      let owner: SchemaSetFile | undefined;
      for (;;) {
        const here = rootsByFolder.get(folder);
        if (here?.length === 1) owner = here[0];
        if (here || folder === '') break;
        folder = folderOf(folder);
      }
      if (owner) members.get(owner)!.push(file);
      else sets.push({ project, name: file.path, files: [file] });
    }
    for (const [file, group] of members) sets.push({ project, name: group.length > 1 ? folderOf(file.path) || '.' : file.path, files: group });
  }
  return sets.sort((a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name));
}

function folderOf(path: string): string {
  const folder = dirname(path);
  return folder === '.' ? '' : folder;
}

function prismaFiles(folder: string): string[] {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : prismaFiles(path);
      return name.endsWith('.prisma') ? [path] : [];
    });
}

interface Report {
  details: string;
  table: string;
  summary: string;
  totals: { sets: number; rejected: number; models: number; facts: number; disagreements: number };
  /** Disagreeing facts by aspect (`index`, `opposite`, …). */
  byAspect: Map<string, number>;
  /** The sets Prisma rejects, with its reason. */
  rejected: string[];
}

function describeResults(results: SetResult[]): Report {
  const details: string[] = [];
  const byProject = new Map<string, SetResult[]>();
  for (const result of results) byProject.set(result.set.project, [...(byProject.get(result.set.project) ?? []), result]);
  const rows: string[] = ['| Project | Schema sets read by Prisma | Models | Facts compared | Disagreements | Agreement |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  const totals = { sets: 0, rejected: 0, models: 0, facts: 0, disagreements: 0 };
  const byAspect = new Map<string, number>();
  const rejected: string[] = [];
  for (const [project, projectResults] of byProject) {
    let sets = 0;
    let models = 0;
    let facts = 0;
    let disagreements = 0;
    for (const { set, comparison } of projectResults) {
      const label = `${project}/${set.name}`;
      if (comparison.prismaError) {
        totals.rejected++;
        rejected.push(`\`${label}\`: ${comparison.prismaError}`);
        details.push(`${label}: Prisma rejects it, not compared (${comparison.prismaError})`);
        continue;
      }
      sets++;
      models += comparison.models;
      facts += comparison.facts;
      let count = 0;
      for (const disagreement of comparison.disagreements) {
        const facts = disagreement.prismaOnly.length + disagreement.lensOnly.length;
        byAspect.set(disagreement.aspect, (byAspect.get(disagreement.aspect) ?? 0) + facts);
        count += facts;
      }
      disagreements += count;
      if (count > 0) details.push(`${label}: ${count} disagreement(s)\n${comparison.disagreements.map(describeDisagreement).join('\n')}`);
    }
    totals.sets += sets;
    totals.models += models;
    totals.facts += facts;
    totals.disagreements += disagreements;
    rows.push(`| ${project} | ${sets} | ${models} | ${facts} | ${disagreements} | ${agreement(facts, disagreements)} |`);
  }
  rows.push(`| **all** | ${totals.sets} | ${totals.models} | ${totals.facts} | ${totals.disagreements} | ${agreement(totals.facts, totals.disagreements)} |`);
  const summary = `${totals.sets} schema sets (${totals.rejected} more rejected by Prisma), ${totals.models} models, ${totals.facts} facts, ${totals.disagreements} disagreements.`;
  return { details: details.join('\n'), table: rows.join('\n'), summary, totals, byAspect, rejected };
}

/** Facts on which both agree, out of Prisma's facts; a fact only Prisma Lens reads counts against it too. */
function agreement(facts: number, disagreements: number): string {
  return facts === 0 ? '-' : `${(Math.max(0, facts - disagreements) / facts * 100).toFixed(2)}%`;
}

/** Rewrites this benchmark's section of RESULTS.md: the latest table, and one line per run kept from earlier runs. */
function writeSection(report: Report, note: string | undefined): void {
  const machine = describeMachine();
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const corpus = existsSync(CORPUS) ? (JSON.parse(readFileSync(CORPUS, 'utf8')) as { repositories: unknown[] }).repositories.length : 0;
  const previous = readFileSync(RESULTS, 'utf8');
  const start = previous.indexOf(SECTION_START);
  const end = previous.indexOf(SECTION_END);
  const old = start >= 0 && end > start ? previous.slice(start, end) : '';
  const runsAt = old.indexOf(RUNS_HEADING);
  const earlierRuns = runsAt >= 0 ? old.slice(runsAt + RUNS_HEADING.length).split('\n').filter((line) => line.startsWith('- ')) : [];
  const { totals } = report;
  const aspects = [...report.byAspect].sort((a, b) => b[1] - a[1]).map(([aspect, count]) => `${aspect} ${count}`).join(', ');
  const run = `- ${date}${note ? ` (${note})` : ''}: ${totals.sets} schema sets, ${totals.models} models, ${totals.facts} facts, **${totals.disagreements} disagreements**${aspects ? ` (${aspects})` : ''}; ${machine.cores} cores, ${machine.cpu}, Node.js ${machine.node}.`;
  const section = [
    SECTION_START,
    '## Schema reader against Prisma\'s own reading',
    '',
    `Run ${date} on ${machine.cpu} (${machine.cores} cores, ${machine.memory}), Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverage}. Written by \`bench/schema-conformance.ts --write\`.`,
    '',
    `Every schema set of ${corpus} public projects (test/corpus/real-world/schemas.json: repositories, commits and files; the schemas themselves are not in this repository) and the generated bench schemas at ${GENERATED_SIZES.join(', ')} models is read by Prisma Lens's schema reader and by \`@prisma/prisma-schema-wasm\` (\`get_dmmf\`, \`get_config\`, and \`lint\` on a probe for the relation mode), after \`toEngineSchema\` blanks the connection URLs Prisma 7 refuses. Compared per model: ids, uniques, indexes (fields, order, sort, length, type, name, map), relations (fields, references, onDelete, onUpdate, back-relation field), table and column names, \`@@schema\`, fields (name, type, optional, list); enum values; the datasource\'s provider and relation mode. A fact is one line of that (one index, one column name); a disagreement is a fact only one side reads.`,
    '',
    'Left out on both sides because the DMMF leaves them out of the client it describes: models with `@@ignore`, fields with `@ignore` or of an `Unsupported(…)` type (the reader keeps them: they are tables and columns all the same). Preview features Prisma 7 no longer knows (`metrics`) are dropped before Prisma reads the schema.',
    '',
    report.table,
    '',
    report.summary,
    ...(report.rejected.length > 0 ? ['', 'Not compared, because Prisma 7\'s engine rejects them:', '', ...report.rejected.map((line) => `- ${line.replace(/\|/g, '\\|')}`)] : []),
    '',
    RUNS_HEADING,
    '',
    ...[...earlierRuns, run].slice(-12),
    SECTION_END,
  ].join('\n');
  const next = old ? previous.slice(0, start) + section + previous.slice(end + SECTION_END.length) : `${previous.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS, next);
  console.error(`Wrote ${RESULTS}`);
}

main();
