/** Renders the code benchmarks as their own section of bench/RESULTS.md, between markers that later runs replace. */
import type { CodeCliTimes } from './code-cli';
import type { CorpusAccuracy, Score } from './code-corpus-accuracy';
import type { WorkspaceStats } from './code-generate-workspace';
import type { EslintPass, LensPass } from './code-in-process';
import type { ProfileSummary } from './code-profile';
import type { ColdRun, ServerOutcome } from './code-server';
import type { Machine } from './machine';
import { count, ms, ratio, type Summary } from './stats';

export interface CodeResults {
  date: Date;
  machine: Machine;
  eslintVersion: string;
  /** How ESLint read the generated workspace (the corpus section says how it read the corpus). */
  eslintMode: string;
  /** Time to write the JavaScript copy ESLint lints, when it needs one. */
  transpileMs: number | undefined;
  stats: WorkspaceStats;
  editedFile: string;
  edits: number;
  server: ServerOutcome;
  /** Cold indexing by each server start of the run (the first is the one in `server`; none when it failed). */
  coldRuns: ColdRun[];
  /** When cold indexing missed its target: a second, profiled indexing run of the server. */
  serverProfile: { coldIndexMs: number; summary: ProfileSummary } | undefined;
  lensEdit: Summary;
  eslintEdit: Summary;
  lensEditCpu: Summary;
  eslintEditCpu: Summary;
  lensAnalyze: LensPass;
  lensIndex: LensPass;
  eslintApi: EslintPass;
  profile: ProfileSummary | undefined;
  cli: CodeCliTimes | { failed: string };
  corpus: CorpusAccuracy;
  durationMs: number;
  /** The load average when the run ended (the machine description holds the one at its start). */
  loadAverageEnd: string;
}

export const SECTION_START = '<!-- code-benchmarks:start (written by bench/code-workspace.ts) -->';
export const SECTION_END = '<!-- code-benchmarks:end -->';

/** Puts `section` between the markers of `document`, or at its end when it has none. */
export function replaceCodeSection(document: string, section: string): string {
  const block = `${SECTION_START}\n${section.trim()}\n${SECTION_END}\n`;
  const start = document.indexOf(SECTION_START);
  const end = document.indexOf(SECTION_END);
  if (start >= 0 && end > start) return `${document.slice(0, start)}${block}${document.slice(end + SECTION_END.length).replace(/^\n/, '')}`;
  return `${document.trimEnd()}${document.trim() ? '\n\n' : ''}${block}`;
}

function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| --- | ${header.slice(1).map(() => '---:').join(' | ')} |`, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

const mb = (value: number) => `${Math.round(value)} MB`;
const fixed3 = (value: number) => value.toFixed(3);
const met = (value: number, target: number) => (value <= target ? 'met' : '**missed**');
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
};

function scoreRow(name: string, score: Score): string[] {
  return [
    name,
    count(score.truePositives),
    count(score.falsePositives - score.unlabelledReports),
    count(score.unlabelledReports),
    count(score.falseNegatives),
    count(score.trueNegatives),
    `**${fixed3(score.precision)}**`,
    `**${fixed3(score.recall)}**`,
    fixed3(score.precisionOnLabels),
  ];
}

function corpusSection(corpus: CorpusAccuracy): string {
  return [
    `### Accuracy on the labelled corpus`,
    '',
    `${corpus.files} files of test/corpus/n-plus-one (Next.js, tRPC, NestJS, GraphQL, Express, Remix, SvelteKit, jobs, scripts), ${corpus.positives} N+1 sites and ${corpus.negatives} sites that must stay silent.`,
    '',
    table(
      ['Tool', 'True positives', 'False positives at silent labels', 'Reports at no label', 'False negatives', 'True negatives', 'Precision', 'Recall', 'Precision, labels only'],
      [scoreRow('Prisma Lens `n-plus-one`', corpus.lens), scoreRow(`ESLint ${'`no-await-in-loop`'}`, corpus.eslint)],
    ),
    '',
    'Prisma Lens is scored by the corpus\'s own scorer (test/corpus/n-plus-one/score.ts): a finding on a `^^^` label is a true positive, on a `~~~` label or at no label a false positive. ' +
      `ESLint (${corpus.eslintMode}) reports an \`await\` expression or a \`for await\` loop; a report covers every label whose first character lies inside that expression as written ` +
      '(the query call on its line, or every query inside `await Promise.all(…)`), and is scored the same way: covering a `^^^` label is a true positive, a `~~~` label a false positive, and a report that covers no label at all ' +
      '(an `await fetch(…)` or `await sleep(…)` in a loop) a false positive too. "Precision, labels only" leaves out reports at no label. Labels that a `FIXME` comment marks as a known Prisma Lens mistake count by their truth for ESLint.',
    '',
    corpus.lensMistakes.length ? `Prisma Lens's mistakes: ${corpus.lensMistakes.map((mistake) => `\`${mistake.replace(/\s+/g, ' ')}\``).join('; ')}.` : 'Prisma Lens makes no mistake on the corpus.',
    '',
    `ESLint misses every N+1 in \`Promise.all(items.map(async …))\`, \`forEach\`, \`reduce\` and other callbacks (the \`await\` is in a function, not in the loop), and reports pagination, retry, chunk and polling loops, which are one query per iteration by design.`,
  ].join('\n');
}

function serverSection(results: CodeResults): string {
  const { server } = results;
  if (!server.available) {
    return [`### Language server`, '', `Not measured in this run: ${server.reason}. The in-process numbers below are what the server's work costs without LSP.`].join('\n');
  }
  const { times } = server;
  const { coldRuns } = results;
  const coldIndexMs = median(coldRuns.map((run) => run.coldIndexMs));
  return [
    `### Language server (\`dist/server.js --stdio\`)`,
    '',
    table(
      ['Measured', 'Result', 'Target', ''],
      [
        [
          `cold indexing of the workspace (\`initialize\` → indexing \`$/progress\` end), wall time, median of ${coldRuns.length} server start${coldRuns.length === 1 ? '' : 's'}`,
          ms(coldIndexMs),
          '≤ 5,000 ms',
          met(coldIndexMs, 5000),
        ],
        ['… each start, in order', coldRuns.map((run) => ms(run.coldIndexMs)).join(' / '), '', ''],
        ['… CPU time of the server process (all threads) from its start to the end of indexing, median', ms(median(coldRuns.map((run) => run.coldIndexCpuMs))), '', ''],
        [`edit → new diagnostics, median of ${times.edits.runs}, wall time`, ms(times.edits.median), '≤ 20 ms', met(times.edits.median, 20)],
        ['edit → new diagnostics, p90 / max', `${ms(times.edits.p90)} / ${ms(times.edits.max)}`, '', ''],
        ['… CPU time of the server per edit (mean)', ms(times.editCpuMeanMs), '', ''],
        ['peak memory of the server process (VmHWM)', mb(times.peakRssMb), '≤ 400 MB', met(times.peakRssMb, 400)],
        ['resident memory right after indexing (VmRSS)', mb(times.rssAfterIndexMb), '', ''],
        ['didOpen → first pull response (after indexing)', ms(times.firstPullMs), '', ''],
        ['diagnostics of the edited file before / after the edits', `${times.diagnosticsBefore} / ${times.diagnosticsAfter}`, '', ''],
      ],
    ),
    '',
    times.serverLog ? `The server's log: "${times.serverLog}" (${times.progressReports} progress reports).` : `${times.progressReports} progress reports.`,
  ].join('\n');
}

function editSection(results: CodeResults): string {
  const server = results.server.available ? results.server.times.edits : undefined;
  return [
    `### Per edit, beside ESLint on the same file`,
    '',
    `The ${results.edits} edits of \`${results.editedFile}\`: a character typed into a doc comment and deleted again, a function with an N+1 loop pasted at the end and deleted again. ` +
      'Each edit is a full-text `textDocument/didChange`, timed until the `textDocument/diagnostic` response holds as many diagnostics as `analyzeCode` finds in that text; edits are 50 ms apart. ' +
      'Beside it, in the benchmark\'s process after 5 warm-up calls: `analyzeCode` (every code rule) and ESLint\'s `lintText` with only `no-await-in-loop` on the same texts.',
    '',
    table(
      ['Per edit', 'Median', 'p90', 'Max', 'CPU time, median'],
      [
        ...(server ? [['Prisma Lens server, didChange → pull response', ms(server.median), ms(server.p90), ms(server.max), '']] : []),
        ['Prisma Lens `analyzeCode`, in-process', ms(results.lensEdit.median), ms(results.lensEdit.p90), ms(results.lensEdit.max), ms(results.lensEditCpu.median)],
        ['ESLint `lintText`, in-process', ms(results.eslintEdit.median), ms(results.eslintEdit.p90), ms(results.eslintEdit.max), ms(results.eslintEditCpu.median)],
        ['Ratio (Lens in-process / ESLint)', ratio(results.lensEdit.median, results.eslintEdit.median), '', '', ratio(results.lensEditCpu.median, results.eslintEditCpu.median)],
      ],
    ),
  ].join('\n');
}

function inProcessSection(results: CodeResults): string {
  const { lensAnalyze, lensIndex, eslintApi } = results;
  const warm = (pass: { warmMs: number[] }) => (pass.warmMs.length ? ms(median(pass.warmMs)) : 'not run');
  const cpu = (pass: { cpuMs: number[] }) => ms(pass.cpuMs[0]!);
  const rows = [
    ['Prisma Lens `analyzeCode`, every code rule', ms(lensAnalyze.coldMs), cpu(lensAnalyze), warm(lensAnalyze), mb(lensAnalyze.peakRssMb), `${count(lensAnalyze.findings)} findings (${count(lensAnalyze.nPlusOneFindings)} n-plus-one)`],
    ['Prisma Lens index pass only (`indexText`: pruned parse, query sites)', ms(lensIndex.coldMs), cpu(lensIndex), warm(lensIndex), mb(lensIndex.peakRssMb), `${count(lensIndex.querySites)} query sites`],
    [`ESLint \`lintFiles\`, only \`no-await-in-loop\` (${eslintApi.target})`, ms(eslintApi.coldMs), cpu(eslintApi), warm(eslintApi), mb(eslintApi.peakRssMb), `${count(eslintApi.reports)} reports`],
    ['Ratio (Lens `analyzeCode` / ESLint)', ratio(lensAnalyze.coldMs, eslintApi.coldMs), ratio(lensAnalyze.cpuMs[0]!, eslintApi.cpuMs[0]!), '', '', ''],
  ];
  const checks = [
    `Prisma Lens reported ${count(lensAnalyze.nPlusOneFindings)} of the ${count(results.stats.nPlusOneSites)} N+1 sites the generator wrote` +
      (lensAnalyze.missed.length ? `, missed ${lensAnalyze.missed.length} (${lensAnalyze.missed.slice(0, 3).join('; ')})` : ', missed none') +
      (lensAnalyze.unexpected.length ? `, and reported ${lensAnalyze.unexpected.length} elsewhere (${lensAnalyze.unexpected.slice(0, 3).join('; ')})` : ', and reported no other') +
      `; the other findings are \`transaction-per-row-writes\` hints on the generated \`$transaction(ids.map(…))\` batches. Rule errors: ${lensAnalyze.errors}. ESLint parse errors: ${eslintApi.fatal}.`,
  ];
  return [
    `### Whole workspace in-process`,
    '',
    `Each row runs in a fresh Node process: "cold" is the first pass over all ${count(lensAnalyze.files)} files (reading them from disk, building the schema, V8 compiling on the way), "warm" the median of the later passes in the same process (ESLint's second pass would repeat the same minutes of work: it has no cache across \`lintFiles\` calls).`,
    '',
    table(['All files, one process', 'Cold, wall', 'Cold, CPU', 'Warm, wall', 'Peak RSS', 'Found'], rows),
    '',
    ...checks,
  ].join('\n');
}

function profileTables(profile: ProfileSummary): string {
  const share = (entry: { name: string; ms: number; share: number }) => [`\`${entry.name}\``, ms(entry.ms), `${(entry.share * 100).toFixed(1)} %`];
  return [table(['By place', 'Self time', 'Share'], profile.byFile.map(share)), '', table(['By function', 'Self time', 'Share'], profile.byFunction.map(share))].join('\n');
}

function profileSection(results: CodeResults): string {
  const parts: string[] = [];
  if (results.serverProfile) {
    const { coldIndexMs, summary } = results.serverProfile;
    parts.push(
      `### Where the server's cold indexing spends its time`,
      '',
      `Cold indexing missed its target, so the run indexed the workspace once more with the server under \`node --cpu-prof\` (${ms(coldIndexMs)} with the profiler on). ` +
        `Self time of the server process from start to exit, ${ms(summary.totalMs)} of samples added up over its ${summary.threads} thread${summary.threads === 1 ? '' : 's'}, bundle frames mapped to their source files through the bundles' source maps; a native function is named with the function that called it.`,
      '',
      profileTables(summary),
      '',
    );
  }
  if (results.profile) {
    parts.push(
      `### Where the in-process index pass spends its time`,
      '',
      `Self time in the CPU profile of the index-pass process above (\`indexText\` on every file), ${ms(results.profile.totalMs)} of samples over its cold and warm passes, module loading included.`,
      '',
      profileTables(results.profile),
    );
  }
  return parts.join('\n');
}

function cliSection(results: CodeResults): string {
  const { cli } = results;
  if ('failed' in cli) return [`### Command line`, '', `Not measured in this run: ${cli.failed}.`].join('\n');
  const byRule = Object.entries(cli.lensFindingsByRule)
    .map(([rule, value]) => `${count(value)} \`${rule}\``)
    .join(', ');
  const lensCode = (cli.lensFindingsByRule['n-plus-one'] ?? 0) > 0;
  return [
    `### Command line`,
    '',
    `\`node dist/cli.js check <workspace> --format json\` beside \`eslint --config <only no-await-in-loop> --format json src\` (${results.eslintMode}), spawned processes timed from spawn to exit, ${cli.lens.runs} runs of each, alternating (the passes above have already read every file, so the file-system cache is warm).`,
    '',
    table(
      ['Spawned process, wall time', 'Prisma Lens `check`', 'ESLint CLI', 'Ratio (Lens / ESLint)'],
      [
        [`median of ${cli.lens.runs}`, ms(cli.lens.median), ms(cli.eslint.median), ratio(cli.lens.median, cli.eslint.median)],
        [`min of ${cli.lens.runs}`, ms(cli.lens.min), ms(cli.eslint.min), ratio(cli.lens.min, cli.eslint.min)],
        ['CPU time (user + system), median', ms(cli.lensCpu.median), ms(cli.eslintCpu.median), ratio(cli.lensCpu.median, cli.eslintCpu.median)],
        ['exit code', String(cli.lensExitCode), String(cli.eslintExitCode), ''],
        ['reported', byRule || 'nothing', `${count(cli.eslintReports)} \`no-await-in-loop\``, ''],
      ],
    ),
    '',
    lensCode ? '' : '**The CLI did not analyse the code files in this run** (no `n-plus-one` finding): its time is the schema review only, so the ratio does not compare like with like.',
  ].join('\n');
}

export function renderCodeSection(results: CodeResults): string {
  const { machine, stats } = results;
  return [
    `## N+1 detection: generated ${count(stats.files)}-file TypeScript workspace and the labelled corpus`,
    '',
    `Run ${results.date.toISOString().replace(/\.\d+Z$/, 'Z')} on ${machine.cpu} (${machine.cores} cores, ${machine.memory}), Node.js ${machine.node}, ${machine.os}; load average ${machine.loadAverage} at the start and ${results.loadAverageEnd} at the end. ` +
      `ESLint ${results.eslintVersion}, reading the workspace with ${results.eslintMode}${results.transpileMs === undefined ? '' : ` (writing that copy took ${ms(results.transpileMs)}, not counted in ESLint's times)`}. ` +
      `Written by \`npx tsx bench/code-workspace.ts\` in ${(results.durationMs / 1000).toFixed(0)} s; see bench/README.md for how each number is measured. ` +
      `Wall times grow with the load average (above ${machine.cores}, processes wait for a core); CPU times, shown beside them, depend much less on it.`,
    '',
    `The workspace (\`bench/code-generate-workspace.ts\`, deterministic): ${count(stats.files)} files, ${count(stats.lines)} lines (${(stats.bytes / 1024 / 1024).toFixed(1)} MB) of Next.js route handlers, NestJS services and background jobs, ` +
      `${count(stats.queryCalls)} Prisma Client calls, ${count(stats.loops)} loops and array callbacks, ${count(stats.nPlusOneSites)} N+1 sites in ${count(stats.filesWithNPlusOne)} files.`,
    '',
    corpusSection(results.corpus),
    '',
    serverSection(results),
    '',
    editSection(results),
    '',
    inProcessSection(results),
    '',
    profileSection(results),
    '',
    cliSection(results),
  ]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}
