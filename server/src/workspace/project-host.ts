/**
 * The one place findings are put together, for the editor and the CLI alike: which rules run on a
 * file (the policy), the facts the rules get (Prisma's validation, the workspace's queries, what
 * the workspace's functions query per call), and what is done to their findings afterwards
 * (suppression comments, the rules in force for the hazards of the next migration). The language
 * server only converts and caches what it answers; the CLI only plans the run and formats it.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeCode, analyzeMigration, runSchemaRules, type CodeAnalysis, type MigrationAnalysis, type SchemaAnalysis } from '../analysis/analyze';
import type { CodeFile } from '../analysis/code/context';
import type { WorkspaceCalls } from '../analysis/facts/workspace-calls';
import type { SchemaFacts } from '../analysis/facts/workspace-facts';
import { mayChangeColumnType } from '../analysis/migrations/column-types';
import type { MigrationContext } from '../analysis/migrations/context';
import type { ModelFindingsCache } from '../analysis/model-findings-cache';
import { applySuppressions } from '../analysis/policy/suppressions';
import { findingSeverity, isMigrationRule, type Finding, type Language, type Rule } from '../analysis/rules/types';
import type { PrismaSchema } from '../analysis/schema/model';
import type { LineIndex } from '../analysis/text';
import { nPlusOneOf, WorkspaceCodePass, type CodePassOptions } from './code-pass';
import { callsPrismaOperation } from './code-index-core';
import { earlierMigrationScripts } from './migration-history';
import type { MigrationFolder } from './migrations';
import { RulePolicy, type PolicyProblem, type RulesInForce } from './policy';

/** A file as the host reads it: its text, and its line index when the caller keeps one. */
export interface HostFile {
  uri: string;
  text: string;
  lines?: LineIndex;
}

/** The rules that may read a schema's facts: asked for only when one of them runs. */
export const FACT_RULES = { queries: ['unused-index', 'missing-fk-index'], validation: ['schema-error'] } as const;

/** The rule that cannot judge without the workspace's queries (the others only report less without them). */
const NEEDS_QUERIES = 'unused-index';

export class ProjectHost {
  readonly policy: RulePolicy;

  constructor(options: { report: (problem: PolicyProblem) => void; candidates?: readonly Rule[] }) {
    this.policy = new RulePolicy(options);
  }

  /** The rules in force for a file or folder (path or URI); a code file is given with its text (its imports can make it a test). */
  rulesFor(pathOrUri: string, file: { language?: Language; text?: string } = {}): Promise<RulesInForce> {
    return this.policy.forFile(pathOrUri, file);
  }

  /** True when a rule reading that fact runs: the caller computes the fact only then. */
  wants(ran: RulesInForce, fact: keyof typeof FACT_RULES): boolean {
    const readers: readonly string[] = FACT_RULES[fact];
    return ran.rules.some((rule) => readers.includes(rule.id));
  }

  /**
   * A schema's findings under the rules in force for it, with the facts given, each file's
   * suppression comments applied (`files`: the schema's files, with their line indexes when kept).
   * Undefined when cancelled.
   */
  schemaFindings(
    schema: PrismaSchema,
    files: readonly HostFile[],
    ran: RulesInForce,
    options: { facts?: SchemaFacts; modelFindings?: ModelFindingsCache; isCancelled?: () => boolean } = {},
  ): Omit<SchemaAnalysis, 'schema'> | undefined {
    // Without the workspace's queries, the rule that reads them cannot judge: it neither runs nor makes its suppressions stale.
    const inForce = options.facts?.queries ? ran : { ...ran, rules: ran.rules.filter((rule) => rule.id !== NEEDS_QUERIES) };
    const analysis = runSchemaRules(schema, { rules: inForce.rules, facts: options.facts, modelFindings: options.modelFindings, isCancelled: options.isCancelled });
    if (options.isCancelled?.()) return undefined;
    const byFile = new Map<string, Finding[]>();
    for (const finding of analysis.findings) (byFile.get(finding.uri) ?? byFile.set(finding.uri, []).get(finding.uri)!).push(finding);
    const given = new Set(files.map((file) => file.uri));
    // A schema file without a suppression comment costs a substring search.
    const findings = files.flatMap((file) => this.policy.finish(byFile.get(file.uri) ?? [], { uri: file.uri, text: file.text, language: 'prisma', lines: file.lines }, inForce));
    for (const finding of analysis.findings) if (!given.has(finding.uri)) findings.push(finding);
    return { findings, errors: analysis.errors };
  }

  /**
   * The hazards of the next migration at a schema file's lines: only the rules in force there, at
   * their configured level, and the file's suppression comments apply to them (staleness is judged
   * on the schema rules only).
   */
  pendingFindings(findings: readonly Finding[], file: HostFile & { ran: RulesInForce }): Finding[] {
    const inForce = new Map(file.ran.rules.map((rule) => [rule.id, rule]));
    const configured = findings.flatMap((finding) => {
      const rule = inForce.get(finding.ruleId);
      return rule ? [{ ...finding, severity: findingSeverity(finding, rule.severity) }] : [];
    });
    return applySuppressions(configured, file.text, 'prisma', file.lines).kept;
  }

  /**
   * A migration script's findings under the rules in force, its suppression comments applied;
   * undefined when no migration rule runs there. `folder`: the migrations folder it is in, whose
   * earlier migrations declare the old type of a column the script changes.
   */
  migrationFindings(file: HostFile, context: Omit<MigrationContext, 'uri' | 'earlierMigrations'> & { folder?: MigrationFolder }, ran: RulesInForce): MigrationAnalysis | undefined {
    if (!ran.rules.some(isMigrationRule)) return undefined;
    const { folder, ...rest } = context;
    // Read only for a script that may change a column's type.
    const earlierMigrations = folder && file.uri.startsWith('file:') && mayChangeColumnType(file.text) ? earlierMigrationScripts(folder, path.basename(path.dirname(fileURLToPath(file.uri)))) : undefined;
    const analysis = analyzeMigration(file.text, { ...rest, earlierMigrations, uri: file.uri }, { rules: ran.rules });
    const findings = this.policy.finish(analysis.findings, { uri: file.uri, text: file.text, language: 'sql', lines: file.lines }, ran);
    return { ...analysis, findings: findings as MigrationAnalysis['findings'] };
  }

  /** One code file's findings (the editor: an open document), with what the workspace's functions query per call. */
  codeFindings(file: CodeFile & { lines?: LineIndex }, schema: PrismaSchema | undefined, ran: RulesInForce, options: { workspaceCalls?: WorkspaceCalls; isCancelled?: () => boolean } = {}): CodeAnalysis | undefined {
    const analysis = analyzeCode(file, schema, { rules: ran.rules, workspaceCalls: options.workspaceCalls, isCancelled: options.isCancelled });
    if (options.isCancelled?.()) return undefined;
    return { ...analysis, findings: this.policy.finish(analysis.findings, { uri: file.uri, text: file.text, language: 'typescript', lines: file.lines }, ran) };
  }

  /**
   * Many code files at once (the CLI), in one pass that follows calls across them (`n-plus-one`
   * through another file's function): the same findings `codeFindings` gives each file with the
   * workspace's calls, at about one parse per file. The files are given first by their texts, in
   * order, then added one by one in that order with their schemas and rules, so that a `thread`
   * starts on the first ones while the caller finds the others' schemas (see `WorkspaceCodePass`).
   * With `queries`, each file's queries against its schema go to it in the pass's order; the
   * analyses returned hold no query sites (nor syntax trees).
   */
  workspaceCodePass<F extends HostCodeFile>(texts: readonly { uri: string; text: string }[], options: CodePassOptions<F & { rules: readonly Rule[] }> = {}): { add(file: F): void; finish(): Promise<Map<string, CodeAnalysis>> } {
    const pass = new WorkspaceCodePass<F & { rules: readonly Rule[] }>(texts, options);
    const files: F[] = [];
    return {
      add: (file) => {
        pass.add({ ...file, rules: file.ran.rules });
        files.push(file);
      },
      finish: async () => {
        const analyses = await pass.finish();
        const finished = new Map<string, CodeAnalysis>();
        for (const file of files) {
          const analysis = analyses.get(file.uri);
          if (!analysis) continue;
          // A file that calls no operation ran n-plus-one alone: it can only call, in a loop, another file's function that queries.
          const rules = callsPrismaOperation(file.text) ? file.ran.rules : nPlusOneOf(file.ran.rules);
          finished.set(file.uri, { ...analysis, findings: this.policy.finish(analysis.findings, { uri: file.uri, text: file.text, language: 'typescript' }, { ...file.ran, rules }) });
        }
        return finished;
      },
    };
  }
}

/** A code file of the CLI's pass, as the host gets it. */
interface HostCodeFile {
  uri: string;
  text: string;
  schema: PrismaSchema | undefined;
  ran: RulesInForce;
}

export type { PolicyProblem, RulesInForce } from './policy';
