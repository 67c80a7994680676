/**
 * The CLI's pass over the code files, in the rounds of `summarizeWorkspace`: each file that names an
 * operation is parsed once, analysed and (when another file imports it) summarised; then, a few
 * rounds, the files that name what the summaries export; last, the files with calls in loops that
 * lead into another file's query are analysed again by `n-plus-one`, with the summaries. The files
 * of a round are independent of each other, so a worker thread (`code-pass-thread.ts`) can analyse
 * them; what a file's analysis leaves is plain data, the same whichever thread made it.
 */
import { analyzeCode, analyzeCodeForWorkspace, type CodeAnalysis } from '../analysis/analyze';
import type { CallTarget } from '../analysis/code/module-calls';
import { WorkspaceCalls, type ModuleSummary } from '../analysis/facts/workspace-calls';
import { workspaceQueries, type WorkspaceQuery } from '../analysis/facts/workspace-facts';
import type { Finding, Rule } from '../analysis/rules/types';
import type { PrismaSchema } from '../analysis/schema/model';
import { importedStems, mentioningAny, queryingNames, ROUNDS, stemOf, type CallSourceFile } from './code-calls';
import { callsPrismaOperation } from './code-index-core';

export interface WorkspaceCodeFile extends CallSourceFile {
  /** The rules the file runs under (its policy). */
  rules: readonly Rule[];
}

/** One file of one round: what its analysis depends on, and nothing else. */
export interface RoundTask {
  uri: string;
  text: string;
  schema: PrismaSchema | undefined;
  /** All the file's rules in the first round; `n-plus-one` alone after it. */
  rules: readonly Rule[];
  /** Whether another file imports it, so that its summary can matter. */
  summarize: boolean;
}

/** What a round keeps of a file's analysis, without its syntax tree: plain data any thread can make. */
export interface RoundOutcome {
  findings: Finding[];
  errors: string[];
  /** The file's queries against its schema, when the pass collects them and the file has a schema. */
  queries: WorkspaceQuery[] | undefined;
  summary: ModuleSummary | undefined;
  /** Calls whose findings depend on other files (see `analyzeCodeForWorkspace`). */
  remoteTargets: CallTarget[];
}

/** Analyses one file of a round, in whichever thread runs it. */
export function analyzeRoundTask(task: RoundTask, withQueries: boolean): RoundOutcome {
  const { analysis, summary, remoteTargets } = analyzeCodeForWorkspace(task, task.schema, { rules: task.rules, summarize: task.summarize });
  // The sites hold the file's syntax tree: made plain now and not kept, a large workspace's trees
  // are not all alive at once (3,900 files: 755 MB of peak memory with them).
  const queries = withQueries && task.schema ? workspaceQueries(analysis.querySites, task.schema) : undefined;
  return { findings: analysis.findings, errors: analysis.errors, queries, summary, remoteTargets };
}

/** Another thread that analyses each round's files. */
export interface RoundThread {
  /** Starts a round, whose files the other thread starts on as they are offered. */
  startRound(round: number, withQueries: boolean): SharedRound;
}

export interface SharedRound {
  /** Hands the round's file at `index` to the other thread (each index once, in any order). */
  offer(index: number, task: RoundTask): void;
  /** The outcomes of `tasks`, in their order: the other thread's, and `here`'s (the main thread's) for the files it could not analyse. */
  finish(tasks: readonly RoundTask[], here: (task: RoundTask) => RoundOutcome): Promise<RoundOutcome[]>;
}

export interface CodePassOptions<F> {
  /** Collects each file's queries against its schema, in the order the pass analyses the files (whichever thread analysed them). */
  queries?: (file: F, queries: WorkspaceQuery[]) => void;
  /** Analyses each round's files on another thread. */
  thread?: RoundThread;
}

/**
 * The pass over the files whose texts `texts` lists, in order. The files are then added one by
 * one, in the same order, each with its schema and rules: with a `thread`, the first round's files
 * go to it as they are added, while the caller is still finding the others' schemas. `finish`
 * returns the analysis of each file analysed (the files that name no operation and nothing the
 * summaries export are not); the analyses hold no query sites.
 */
export class WorkspaceCodePass<F extends WorkspaceCodeFile> {
  private readonly order: readonly string[];
  /** The last part of every path the files import (`stemOf`): only a file one of them names is summarised. */
  private readonly imported: Set<string>;
  private readonly firstFiles: F[] = [];
  private readonly firstTasks: RoundTask[] = [];
  /** The files that name no operation, for the later rounds. */
  private readonly others: F[] = [];
  private readonly firstRound: SharedRound | undefined;
  private added = 0;

  constructor(
    texts: readonly { uri: string; text: string }[],
    private readonly options: CodePassOptions<F> = {},
  ) {
    this.order = texts.map((file) => file.uri);
    this.imported = importedStems(texts);
    const firstCount = texts.filter((file) => callsPrismaOperation(file.text)).length;
    this.firstRound = firstCount > 0 ? options.thread?.startRound(0, options.queries !== undefined) : undefined;
  }

  add(file: F): void {
    if (this.order[this.added] !== file.uri) throw new Error(`code pass: ${file.uri} added out of order`);
    this.added++;
    if (!callsPrismaOperation(file.text)) {
      this.others.push(file);
      return;
    }
    const task = this.task(file, 0);
    this.firstRound?.offer(this.firstTasks.length, task);
    this.firstFiles.push(file);
    this.firstTasks.push(task);
  }

  async finish(): Promise<Map<string, CodeAnalysis>> {
    if (this.added !== this.order.length) throw new Error(`code pass: ${this.order.length - this.added} files were not added`);
    const analyses = new Map<string, CodeAnalysis>();
    const summaries: ModuleSummary[] = [];
    const followed: { file: F; rules: readonly Rule[]; targets: CallTarget[] }[] = [];
    /** Files with a plaintext-secret finding: checked again once other files' calls are known. */
    const secrets: F[] = [];
    let pending: F[] = this.firstFiles;
    let rest: F[] = this.others;
    const used = new Set<string>();
    for (let round = 0; round <= ROUNDS && pending.length > 0; round++) {
      const tasks = round === 0 ? this.firstTasks : pending.map((file) => this.task(file, round));
      const outcomes = await this.runRound(round, tasks);
      for (let index = 0; index < pending.length; index++) {
        const file = pending[index]!;
        const { rules } = tasks[index]!;
        const { findings, errors, queries, summary, remoteTargets } = outcomes[index]!;
        if (queries) this.options.queries?.(file, queries);
        analyses.set(file.uri, { findings, errors, querySites: [] });
        if (remoteTargets.length > 0 && nPlusOneOf(rules).length > 0) followed.push({ file, rules, targets: remoteTargets });
        if (findings.some((finding) => finding.ruleId === 'plaintext-secret')) secrets.push(file);
        if (summary) summaries.push(summary);
      }
      const names = queryingNames(summaries, used);
      if (names.size === 0 || round === ROUNDS) break;
      ({ mentioning: pending, others: rest } = mentioningAny(rest, names));
      // A file where n-plus-one does not run (a test, a seed) and that no other file imports has nothing to give.
      pending = pending.filter((file) => this.isImported(file) || nPlusOneOf(file.rules).length > 0);
    }
    const calls = new WorkspaceCalls(summaries);
    // The rules each file runs again, now that other files' summaries are known.
    const again = new Map<F, Rule[]>();
    for (const { file, rules, targets } of followed) {
      // Again when a call in a loop queries in another file, or calls outside the database there
      // (which makes a loop's own queries idle: only worth it when the file has such a finding).
      const loopFindings = analyses.get(file.uri)!.findings.some((finding) => finding.ruleId === 'n-plus-one' && !finding.idle);
      if (targets.some((target) => calls.chain(file.uri, target) || (loopFindings && calls.outsideCall(file.uri, target) !== undefined))) again.set(file, [...nPlusOneOf(rules)]);
    }
    // A value a function writes may be hashed by every other file that calls it (a service in front of a repository).
    for (const file of secrets) again.set(file, [...(again.get(file) ?? []), ...file.rules.filter((rule) => rule.id === 'plaintext-secret')]);
    for (const [file, rules] of again) {
      const ids = new Set(rules.map((rule) => rule.id));
      const analysis = analyzeCode(file, file.schema, { rules, workspaceCalls: calls });
      const before = analyses.get(file.uri)!;
      const findings = [...before.findings.filter((finding) => !ids.has(finding.ruleId)), ...analysis.findings];
      findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
      analyses.set(file.uri, { ...before, findings, errors: [...before.errors, ...analysis.errors] });
    }
    return analyses;
  }

  private task(file: F, round: number): RoundTask {
    const rules = round === 0 ? file.rules : nPlusOneOf(file.rules);
    return { uri: file.uri, text: file.text, schema: file.schema, rules, summarize: this.isImported(file) };
  }

  /** Whether another file imports it, so that its summary can matter. */
  private isImported(file: F): boolean {
    return this.imported.has(stemOf(file.uri));
  }

  private runRound(round: number, tasks: readonly RoundTask[]): Promise<RoundOutcome[]> {
    const withQueries = this.options.queries !== undefined;
    const here = (task: RoundTask): RoundOutcome => analyzeRoundTask(task, withQueries);
    const thread = this.options.thread;
    if (!thread) return Promise.resolve(tasks.map(here));
    let shared = round === 0 ? this.firstRound : undefined;
    if (!shared) {
      shared = thread.startRound(round, withQueries);
      tasks.forEach((task, index) => shared!.offer(index, task));
    }
    return shared.finish(tasks, here);
  }
}

/** The rules that run after the first round: `n-plus-one` alone, following calls into other files. */
export function nPlusOneOf(rules: readonly Rule[]): readonly Rule[] {
  return rules.filter((rule) => rule.id === 'n-plus-one');
}

/** The pass over `files` at once (see `WorkspaceCodePass`). */
export function analyzeWorkspaceCode<F extends WorkspaceCodeFile>(files: readonly F[], options: CodePassOptions<F> = {}): Promise<Map<string, CodeAnalysis>> {
  const pass = new WorkspaceCodePass<F>(files, options);
  for (const file of files) pass.add(file);
  return pass.finish();
}
