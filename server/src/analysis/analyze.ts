/** Runs the registered rules over a schema or a code file: the single entry point shared by the server and the CLI. */
import { createCodeContext, type CodeFile, type CodeRuleContext } from './code/context';
import type { QuerySite } from './code/query-sites';
import { rules as allRules } from './rules/index';
import { compareFindings, findingSeverity, isCodeRule, isMigrationRule, isSchemaRule, type Finding, type Rule, type TextEdit } from './rules/types';
import { buildSchema } from './schema/build';
import { createMigrationRuleContext, type MigrationContext, type MigrationTarget } from './migrations/context';
import { parseScript, type SqlParseError } from './migrations/sql';
import type { SchemaFacts } from './facts/workspace-facts';
import type { ModuleSummary, WorkspaceCalls } from './facts/workspace-calls';
import { summarizeModule } from './code/module-summary';
import type { CallTarget } from './code/module-calls';
import { perIterationAnalysis } from './code/per-iteration';
import type { ModelFindingsCache, PerModelRule } from './model-findings-cache';
import type { PrismaSchema, SchemaFile } from './schema/model';

export interface SchemaAnalysis {
  schema: PrismaSchema;
  findings: Finding[];
  /** Rules that threw; the others still report. */
  errors: string[];
}

export interface AnalysisOptions {
  /** The rules to run; by default every registered rule except those with `enabledByDefault: false`. */
  rules?: readonly Rule[];
  /** Facts the host supplies (which queries exist, Prisma's validation) for the schema rules that read them. */
  facts?: SchemaFacts;
  /** What the workspace's functions query per call, for code rules that follow calls into other files (`n-plus-one`). */
  workspaceCalls?: WorkspaceCalls;
  /** Checked between rules so that a stale request stops early. */
  isCancelled?: () => boolean;
  /**
   * Findings of per-model rules kept from the last run over the same schema: with it, only the
   * models an edit touched are checked again. One cache per schema.
   */
  modelFindings?: ModelFindingsCache;
}

export function analyzeSchema(files: readonly SchemaFile[], options: AnalysisOptions = {}): SchemaAnalysis {
  const schema = buildSchema(files);
  return { schema, ...runSchemaRules(schema, options) };
}

export function runSchemaRules(schema: PrismaSchema, options: AnalysisOptions = {}): Omit<SchemaAnalysis, 'schema'> {
  const findings: Finding[] = [];
  const errors: string[] = [];
  const cache = options.modelFindings;
  const perModel: PerModelRule[] = [];
  for (const rule of options.rules ?? defaultRules()) {
    if (options.isCancelled?.()) break;
    if (!isSchemaRule(rule)) continue;
    // With a cache, the per-model rules run together below, model by model.
    if (cache && rule.perModel) {
      perModel.push({ rule, check: rule.perModel });
      continue;
    }
    try {
      for (const finding of rule.check({ schema, facts: options.facts })) findings.push({ ...finding, ruleId: rule.id, severity: findingSeverity(finding, rule.severity) });
    } catch (error) {
      errors.push(`${rule.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  findings.sort(compareFindings);
  if (!cache || perModel.length === 0 || options.isCancelled?.()) return { findings: withQueries(findings, schema, options, errors), errors };
  const byModel: Finding[] = [];
  cache.run(perModel, schema, byModel, errors, options.isCancelled);
  // The cache gives the findings of one file in order already (model by model): checked, and merged
  // with the other rules' findings (a few) rather than sorted again.
  if (!isSorted(byModel)) byModel.sort(compareFindings);
  return { findings: withQueries(findings.length === 0 ? byModel : mergeSorted(findings, byModel), schema, options, errors), errors };
}

/** The findings as the rules that read the workspace's queries report them (`SchemaRule.withQueries`), when the host has the queries. */
function withQueries(findings: Finding[], schema: PrismaSchema, options: AnalysisOptions, errors: string[]): Finding[] {
  const queries = options.facts?.queries;
  if (!queries || findings.length === 0) return findings;
  let result = findings;
  for (const rule of options.rules ?? defaultRules()) {
    if (!isSchemaRule(rule) || !rule.withQueries) continue;
    const own = result.filter((finding) => finding.ruleId === rule.id);
    if (own.length === 0) continue;
    try {
      const refined = rule.withQueries(own, { schema, queries });
      const replaced = new Map(own.map((finding, index) => [finding, refined[index] ?? finding]));
      result = result.map((finding) => replaced.get(finding) ?? finding);
    } catch (error) {
      errors.push(`${rule.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  return result;
}

function isSorted(findings: readonly Finding[]): boolean {
  for (let i = 1; i < findings.length; i++) if (compareFindings(findings[i - 1]!, findings[i]!) > 0) return false;
  return true;
}

/**
 * Two lists in `compareFindings` order as one; on a tie, `a`'s finding comes first. `a` holds a few
 * findings, `b` (which is taken over) many: each of `a`'s is put in place by a binary search.
 */
function mergeSorted(a: readonly Finding[], b: Finding[]): Finding[] {
  let from = 0;
  for (const finding of a) {
    let low = from;
    let high = b.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compareFindings(b[mid]!, finding) < 0) low = mid + 1;
      else high = mid;
    }
    b.splice(low, 0, finding);
    from = low + 1;
  }
  return b;
}

export interface CodeAnalysis {
  findings: Finding[];
  /** Rules that threw (or a file that could not be read); the other rules still report. */
  errors: string[];
  /** Every Prisma Client call of the file, in source order. */
  querySites: QuerySite[];
}

/**
 * Runs the registered code rules over one TypeScript/JavaScript file: parsed once, query sites
 * resolved through `schema` (undefined when the file belongs to no schema). Never throws.
 */
export function analyzeCode(file: CodeFile, schema: PrismaSchema | undefined, options: AnalysisOptions = {}): CodeAnalysis {
  let context: CodeRuleContext;
  try {
    context = createCodeContext(file, schema, options.workspaceCalls);
  } catch (error) {
    return { findings: [], errors: [`${file.uri}: ${describeError(error)}`], querySites: [] };
  }
  return runCodeRules(context, options);
}

/**
 * `analyzeCode` without calls into other files, from the parse that also summarises the file for
 * the workspace (when `summarize`), and the calls whose findings depend on other files: a file that
 * has none needs no second analysis once the workspace is summarised. Never throws.
 */
export function analyzeCodeForWorkspace(
  file: CodeFile,
  schema: PrismaSchema | undefined,
  options: AnalysisOptions & { summarize: boolean },
): { analysis: CodeAnalysis; summary: ModuleSummary | undefined; remoteTargets: CallTarget[] } {
  let context: CodeRuleContext;
  try {
    context = createCodeContext(file, schema);
  } catch (error) {
    return { analysis: { findings: [], errors: [`${file.uri}: ${describeError(error)}`], querySites: [] }, summary: undefined, remoteTargets: [] };
  }
  const analysis = runCodeRules(context, options);
  try {
    return { analysis, summary: options.summarize ? summarizeModule(context) : undefined, remoteTargets: perIterationAnalysis(context).remoteTargets() };
  } catch {
    return { analysis, summary: undefined, remoteTargets: [] };
  }
}

function runCodeRules(context: CodeRuleContext, options: AnalysisOptions): CodeAnalysis {
  const findings: Finding[] = [];
  const errors: string[] = [];
  for (const rule of options.rules ?? defaultRules()) {
    if (options.isCancelled?.()) break;
    if (!isCodeRule(rule)) continue;
    try {
      for (const finding of rule.check(context)) findings.push({ ...finding, ruleId: rule.id, severity: findingSeverity(finding, rule.severity) });
    } catch (error) {
      errors.push(`${rule.id}: ${describeError(error)}`);
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return { findings, errors, querySites: [...context.querySites] };
}

/**
 * What a code file tells the workspace about its functions: the queries each runs per call and the
 * other files' functions it calls (`WorkspaceCalls` puts the files together). Never throws.
 */
export function summarizeCode(file: CodeFile, schema: PrismaSchema | undefined): ModuleSummary | undefined {
  try {
    return summarizeModule(createCodeContext(file, schema));
  } catch {
    return undefined;
  }
}

export interface MigrationAnalysis {
  /** Findings with what each is about (statement, table, column…), sorted by position. */
  findings: (Finding & { target: MigrationTarget })[];
  /** Statements that did not parse; the others are still checked. */
  parseErrors: SqlParseError[];
  /** Rules that threw; the others still report. */
  errors: string[];
}

/**
 * Runs the migration rules over one PostgreSQL migration script, parsed once. Needs
 * `loadSqlParser()` to have resolved (it reports a parse error otherwise). Never throws.
 */
export function analyzeMigration(text: string, context: MigrationContext = {}, options: AnalysisOptions = {}): MigrationAnalysis {
  const parsed = parseScript(text);
  const ruleContext = createMigrationRuleContext(text, parsed.statements, context);
  const findings: MigrationAnalysis['findings'] = [];
  const errors: string[] = [];
  for (const rule of options.rules ?? defaultRules()) {
    if (options.isCancelled?.()) break;
    if (!isMigrationRule(rule)) continue;
    try {
      for (const finding of rule.check(ruleContext)) findings.push({ ...finding, ruleId: rule.id, severity: findingSeverity(finding, rule.severity) });
    } catch (error) {
      errors.push(`${rule.id}: ${describeError(error)}`);
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end || (a.ruleId < b.ruleId ? -1 : 1));
  return { findings, parseErrors: parsed.errors, errors };
}

/** The registered rules that run when none are named: all but those off by default. */
export function defaultRules(): readonly Rule[] {
  return allRules.filter((rule) => rule.enabledByDefault !== false);
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * The edits of every safe fix for one file, merged so that several insertions at one point
 * (two indexes added to one model) keep a single blank-line separator, in finding order.
 */
export function safeFixEdits(findings: readonly Finding[], uri: string): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const finding of findings) {
    const fix = finding.fixes?.find((candidate) => candidate.applicability === 'safe');
    if (!fix || fix.edits.some((edit) => edit.uri !== uri)) continue;
    for (const edit of fix.edits) {
      const overlaps = edits.some((other) => edit.start < other.end && other.start < edit.end);
      if (overlaps) continue;
      const samePoint = edits.find((other) => other.start === edit.start && other.end === edit.start && edit.start === edit.end);
      if (samePoint) samePoint.text += edit.text.replace(/^\r?\n(?=[ \t]*\S)/, '');
      else edits.push({ ...edit });
    }
  }
  return edits;
}
