/**
 * The report of a real-world corpus run (bench/real-world.ts) in Markdown: the corpus, each rule's
 * findings and precision on the judged sample, the n-plus-one rule against the N+1 site labels, the
 * quiet loops it reports and the false positives of the judged sample, grouped by why they are wrong.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeMachine } from './machine';
import { matchJudged, scoreRules, scoreSites, type JudgedFinding, type RuleScore, type RunFinding, type SiteLabel, type SiteScore } from './real-world-score';

export interface CorpusEntry {
  repository: string;
  commit: string;
  framework: string;
  layout: string;
  provider: string;
  paths: string[];
}

/** What one application's check left in the cache. */
export interface RepositoryRun {
  repository: string;
  commit: string;
  cli: string;
  /** The commit of the checkout the CLI was built from, "+ changes" when its work tree differed from it. */
  cliCommit?: string;
  args: string[];
  exitCode: number | null;
  durationMs: number;
  error?: string;
  findings: RunFinding[];
}

/** How the judged sample was drawn, as judged-findings.json records it. */
export interface SampleInfo {
  seed: number;
  perRule: number;
  drawnFrom: string;
  /** Set on a later sample: drawn only from findings no earlier verdict covers. */
  excludesJudged?: boolean;
}

function describeSample(sample: SampleInfo): string {
  const from = sample.excludesJudged ? `the findings of ${sample.drawnFrom} that no earlier verdict covers` : `the findings of ${sample.drawnFrom}`;
  return `up to ${sample.perRule} per rule drawn at random (seed ${sample.seed}) from ${from}`;
}

export function folderName(repository: string): string {
  return repository.replace('/', '+');
}

export function lineReader(cache: string): (repository: string, path: string, line: number) => string | undefined {
  const files = new Map<string, string[] | undefined>();
  return (repository, path, line) => {
    const key = `${repository}/${path}`;
    if (!files.has(key)) {
      const file = join(cache, folderName(repository), path);
      files.set(key, existsSync(file) ? readFileSync(file, 'utf8').split('\n') : undefined);
    }
    return files.get(key)?.[line - 1];
  };
}

export interface CorpusSize {
  typeScriptFiles: number;
  migrations: number;
}

function measureCorpus(folder: string): CorpusSize {
  const size: CorpusSize = { typeScriptFiles: 0, migrations: 0 };
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) size.typeScriptFiles++;
      else if (name === 'migration.sql') size.migrations++;
    }
  };
  walk(folder);
  return size;
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${Math.round(value * 100)}%`;
}

function number(value: number): string {
  return value.toLocaleString('en-US');
}

export interface Scored {
  name: string;
  runs: RepositoryRun[];
  rules: RuleScore[];
  sites: SiteScore;
  appSites: SiteScore;
}

export function score(name: string, runs: RepositoryRun[], judged: JudgedFinding[], labels: SiteLabel[], cache: string): Scored {
  const findings = runs.flatMap((run) => run.findings);
  return {
    name,
    runs,
    rules: scoreRules(findings, judged, lineReader(cache)),
    sites: scoreSites(findings, labels),
    appSites: scoreSites(findings, labels, new Set(['app'])),
  };
}

function corpusTable(corpus: readonly CorpusEntry[], runs: readonly Scored[], cache: string): string[] {
  const lines = [
    `| Application | Commit | Framework | Layout | Provider | TS files | Migrations | ${runs.map((run) => `Findings (${run.name})`).join(' | ')} | Check time (${runs.at(-1)!.name}) |`,
    `|---|---|---|---|---|--:|--:|${runs.map(() => '--:').join('|')}|--:|`,
  ];
  const total = { ts: 0, migrations: 0 };
  for (const entry of corpus) {
    const size = measureCorpus(join(cache, folderName(entry.repository)));
    total.ts += size.typeScriptFiles;
    total.migrations += size.migrations;
    const counts = runs.map((run) => {
      const repo = run.runs.find((r) => r.repository === entry.repository)!;
      return repo.error ? `error: ${repo.error.slice(0, 60)}` : number(repo.findings.length);
    });
    const last = runs.at(-1)!.runs.find((r) => r.repository === entry.repository)!;
    lines.push(
      `| ${entry.repository} | \`${entry.commit.slice(0, 10)}\` | ${entry.framework} | ${entry.layout} | ${entry.provider} | ${number(size.typeScriptFiles)} | ${number(size.migrations)} | ${counts.join(' | ')} | ${(last.durationMs / 1000).toFixed(1)} s |`,
    );
  }
  const totals = runs.map((run) => number(run.runs.reduce((sum, r) => sum + r.findings.length, 0)));
  lines.push(`| **${corpus.length} applications** | | | | | **${number(total.ts)}** | **${number(total.migrations)}** | ${totals.map((t) => `**${t}**`).join(' | ')} | |`);
  return lines;
}

function rulesTable(runs: readonly Scored[]): string[] {
  const rules = [...new Set(runs.flatMap((run) => run.rules.map((rule) => rule.rule)))].sort();
  const header = runs.flatMap((run) => [`Findings (${run.name})`, `Judged (${run.name})`, `Precision (${run.name})`, `Actionable (${run.name})`]);
  const lines = [`| Rule | ${header.join(' | ')} |`, `|---|${header.map(() => '--:').join('|')}|`];
  for (const rule of rules) {
    const cells = runs.flatMap((run) => {
      const score = run.rules.find((r) => r.rule === rule);
      if (!score) return ['0', '–', '–', '–'];
      return [number(score.count), String(score.judged), percent(score.precision), percent(score.actionableShare)];
    });
    lines.push(`| ${rule} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Judged findings a later run reports at the same place with another message, whose verdicts may need a second look. */
function changedMessages(runs: readonly Scored[]): string[] {
  return runs.flatMap((run) => {
    const changed = run.rules.filter((rule) => rule.messageChanged > 0);
    if (changed.length === 0) return [];
    return ['', `${run.name}: judged findings reported with another message than when they were judged (verdict kept, worth a second look): ${changed.map((rule) => `${rule.rule} ${rule.messageChanged}`).join(', ')}.`];
  });
}

function sitesTable(runs: readonly Scored[]): string[] {
  const lines = [
    '| Run | Sites | Found | Quiet sites reported | Precision | Recall | Recall: query on the line / through a call | App code: precision / recall | Findings at no label |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const run of runs) {
    const { sites, appSites } = run;
    lines.push(
      `| ${run.name} | ${sites.sites} N+1, ${sites.quietSites} quiet | ${sites.found} | ${sites.quietReported} | ${percent(sites.precision)} | ${percent(sites.recall)} | ${percent(sites.recallQuery)} / ${percent(sites.recallCall)} | ${percent(appSites.precision)} / ${percent(appSites.recall)} | ${sites.unlabelledFindings} |`,
    );
  }
  return lines;
}

/** Why the judged findings a run still reports are wrong, grouped by the judge's reason, with one place where each happens. */
function falsePositiveTable(run: Scored, judged: readonly JudgedFinding[], cache: string): string[] {
  const matches = matchJudged(run.runs.flatMap((r) => r.findings), judged, lineReader(cache));
  const groups = new Map<string, JudgedFinding[]>();
  for (const entry of judged) {
    if (entry.verdict !== 'FP' || !matches.get(entry)) continue;
    const key = `${entry.rule}\u0000${entry.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const lines = ['| Rule | Judged FP | Why the claim is wrong | Example |', '|---|--:|---|---|'];
  const sorted = [...groups.values()].sort((a, b) => a[0]!.rule.localeCompare(b[0]!.rule) || b.length - a.length);
  for (const entries of sorted) {
    const first = entries[0]!;
    lines.push(`| ${first.rule} | ${entries.length} | ${first.reason} | ${first.repository} \`${first.path}:${first.line}\` |`);
  }
  return lines;
}

/** The quiet loops a run reports, grouped by why they must stay quiet (the part of the label's reason before its colon). */
function quietShapesTable(run: Scored): string[] {
  const groups = new Map<string, SiteLabel[]>();
  for (const site of run.sites.wronglyReported) {
    const shape = site.shape ?? site.reason;
    groups.set(shape, [...(groups.get(shape) ?? []), site]);
  }
  const lines = ['| Why the loop must stay quiet | Reported | Example |', '|---|--:|---|'];
  for (const [shape, sites] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(`| ${shape} | ${sites.length} | ${sites[0]!.repository} \`${sites[0]!.path}:${sites[0]!.line}\` |`);
  }
  return lines;
}

/** Each run's findings by severity, and how the last run's compare with the first's: all of them, and the warnings and errors a team is asked to act on. */
function severitySummary(runs: readonly Scored[]): string[] {
  const counts = runs.map((run) => {
    const findings = run.runs.flatMap((r) => r.findings);
    const of = (severity: string) => findings.filter((finding) => finding.severity === severity).length;
    return { name: run.name, all: findings.length, error: of('error'), warning: of('warning'), info: of('info') + of('hint') };
  });
  const plural = (count: number, noun: string) => `${number(count)} ${noun}${count === 1 ? '' : 's'}`;
  const parts = counts.map((c) => `${c.name}: ${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${number(c.info)} info (${number(c.all)})`);
  const lines = [`Findings by severity: ${parts.join('; ')}.`];
  if (counts.length > 1) {
    const [first, last] = [counts[0]!, counts.at(-1)!];
    const change = (from: number, to: number) => (from === 0 ? '–' : `${to <= from ? '−' : '+'}${(Math.abs(1 - to / from) * 100).toFixed(1)} %`);
    lines.push(`${last.name} against ${first.name}: all findings ${change(first.all, last.all)}; warnings and errors ${change(first.error + first.warning, last.error + last.warning)} (against all of ${first.name}'s findings: ${change(first.all, last.error + last.warning)}).`);
  }
  return lines;
}

/** The judged TP-actionable findings the last run no longer reports, or reports only as info. */
function actionableKept(runs: readonly Scored[], judged: readonly JudgedFinding[], cache: string): string[] {
  const last = runs.at(-1)!;
  const actionable = judged.filter((entry) => entry.verdict === 'TP-actionable');
  const matches = matchJudged(last.runs.flatMap((r) => r.findings), actionable, lineReader(cache));
  const lost = actionable.filter((entry) => !matches.get(entry));
  const quiet = actionable.filter((entry) => matches.get(entry)?.severity === 'info');
  const lines = [`Judged TP-actionable findings: ${actionable.length}; ${last.name} reports ${actionable.length - lost.length} of them, ${quiet.length} as info.`];
  if (lost.length) {
    lines.push('', `Not reported by ${last.name}:`, '');
    for (const entry of lost) lines.push(`- ${entry.rule}, ${entry.repository} \`${entry.path}:${entry.line}\`: ${entry.reason}`);
  }
  return lines;
}

export function report(corpus: readonly CorpusEntry[], runs: readonly Scored[], judged: readonly JudgedFinding[], labels: readonly SiteLabel[], cache: string, samples: readonly SampleInfo[]): string {
  const machine = describeMachine();
  const positives = labels.filter((site) => site.kind === 'n-plus-one').length;
  const last = runs.at(-1)!;
  const errors = runs.flatMap((run) => run.runs.filter((r) => r.error).map((r) => `${r.repository} (${run.name}: ${r.error!.split('\n')[0]!.slice(0, 140)})`));
  return [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memory}, Node.js ${machine.node}, ${machine.os}; date ${new Date().toISOString().slice(0, 10)}.`,
    '',
    `Corpus: test/corpus/real-world/corpus.json, each application at its pinned commit, checked with \`prisma-lens check <root> --format json\` (default rules and severities), one process per application. Runs: ${runs.map((run) => `${run.name} = the CLI built at commit ${run.runs[0]?.cliCommit ?? 'unknown'}${run.runs[0]?.args.includes('--all-migrations') ? ', with --all-migrations' : ''}`).join('; ')}. A run with --all-migrations, or by a CLI older than the default-branch rule, reviews every migration of each history; a run without it is on git repositories of the exported trees with one commit on main (\`--default-branch\`), as on a fresh clone of the default branch, where the CLI takes committed migrations as history.`,
    '',
    ...corpusTable(corpus, runs, cache),
    '',
    ...severitySummary(runs),
    '',
    ...actionableKept(runs, judged, cache),
    '',
    `### Findings per rule and precision on a judged sample`,
    '',
    `${judged.length} findings judged by reading the code, the schema and the migration history: ${samples.map(describeSample).join('; then ')}. Each is TP-actionable (a team would fix it), TP-low-value (true, but nobody would act) or FP (the claim is wrong). Precision = (TP-actionable + TP-low-value) / judged; actionable = TP-actionable / judged. A later run is scored on the judged findings it still reports (matched by file, rule and line, or by the hash of the line's text within ten lines of it); the findings it adds are unjudged.`,
    '',
    ...rulesTable(runs),
    ...changedMessages(runs),
    '',
    `### n-plus-one against N+1 sites found by reading`,
    '',
    `${positives} N+1 sites and ${labels.length - positives} queries in loops that must stay quiet (test/corpus/real-world/n-plus-one-sites.json), labelled before looking at what Prisma Lens reports. A finding meets the nearest labelled site of its file at most a line before or three after it; precision = N+1 sites found / (found + quiet sites reported); recall = N+1 sites found / N+1 sites. "App code" leaves out scripts, seeds and tests.`,
    '',
    ...sitesTable(runs),
    '',
    `Quiet loops the n-plus-one rule reports (${last.name}):`,
    '',
    ...quietShapesTable(last),
    '',
    `### False positives on the judged sample (${last.name})`,
    '',
    ...falsePositiveTable(last, judged, cache),
    ...(errors.length ? ['', `Checks that failed, whose applications count with no findings: ${errors.join('; ')}.`] : []),
  ].join('\n');
}
