/** What a rule is and what it returns: plain data, independent of how an editor shows it. */
import type { CodeRuleContext } from '../code/context';
import type { MigrationRuleContext, MigrationRuleFinding } from '../migrations/context';
import { relationsOf } from '../schema/build';
import type { Model, PrismaSchema, Relation } from '../schema/model';
import type { Span } from '../text';
import type { SchemaFacts, WorkspaceQuery } from '../facts/workspace-facts';

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type Language = 'prisma' | 'typescript' | 'sql';

/** A text replacement in one file, by UTF-16 offsets into the text the rule saw. */
export interface TextEdit {
  uri: string;
  start: number;
  end: number;
  text: string;
}

/**
 * A fix, Ruff-style: `safe` keeps meaning exactly and may be applied in bulk ("fix all");
 * `unsafe` changes runtime behaviour and is only ever applied one at a time by the user.
 */
export interface Fix {
  title: string;
  applicability: 'safe' | 'unsafe';
  edits: TextEdit[];
}

/** Another place that explains a finding (the steps of a call chain in other files), by line and character. */
export interface RelatedPlace {
  uri: string;
  line: number;
  character: number;
  endCharacter: number;
  message: string;
  /** Another place of the same problem (a second query of the same loop), not a step that explains it. */
  sameProblem?: boolean;
}

/**
 * Findings of one rule in one file that are one problem to fix (the queries of one loop): after the
 * suppression comments apply, the first one left is reported, and the others become its related
 * places. `one` and `many` end its message (`{n}` is the count of the others).
 */
export interface FindingGroup {
  key: string;
  one: string;
  many: string;
}

/** What a rule reports; the runner adds the rule id and severity. */
export interface RuleFinding {
  uri: string;
  span: Span;
  message: string;
  help: string;
  fixes?: Fix[];
  related?: RelatedPlace[];
  group?: FindingGroup;
  /**
   * True but idle (the loop's outside call per element costs more than its query): reported as
   * info, below the rule's level, so it stays one setting away without asking to be acted on.
   */
  idle?: boolean;
}

/** The severity a finding gets under its rule's level: an idle finding is at most info. */
export function findingSeverity(finding: Pick<RuleFinding, 'idle'>, level: Severity): Severity {
  return finding.idle && (level === 'error' || level === 'warning') ? 'info' : level;
}

export interface Finding extends RuleFinding {
  ruleId: string;
  severity: Severity;
}

/** The order of findings: file, then position, then rule; the same however they were gathered. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  return a.span.start - b.span.start || a.span.end - b.span.end || (a.ruleId === b.ruleId ? 0 : a.ruleId < b.ruleId ? -1 : 1);
}

export interface RuleDocs {
  summary: string;
  why: string;
  bad: string;
  good: string;
  fixSafety: string;
}

export interface SchemaRuleContext {
  schema: PrismaSchema;
  /** What the workspace's code does with the schema, and what Prisma's validation says of it; undefined when the host supplies neither. */
  facts?: SchemaFacts;
}

interface RuleBase {
  /** Kebab-case, names the pattern, stable forever. */
  id: string;
  severity: Severity;
  /**
   * False for rules that only run when asked (by name, or later by configuration): their findings
   * are right for some projects and noise for others. Undefined means enabled.
   */
  enabledByDefault?: boolean;
  docs: RuleDocs;
}

/** A rule over the whole schema (all files of a multi-file schema at once). */
export interface SchemaRule extends RuleBase {
  appliesTo: ['prisma'];
  check(context: SchemaRuleContext): RuleFinding[];
  /** Set by `defineModelRule`: the rule looks at one model at a time, so its findings can be kept per model. */
  perModel?: ModelRuleCheck;
  /**
   * For a rule whose findings the workspace's queries can show idle: its findings (however they
   * were gathered, per model or not), returned in the same order, each as reported (an idle one at
   * most info). Called only when the host has the queries of the schema's code.
   */
  withQueries?(findings: readonly Finding[], context: { schema: PrismaSchema; queries: readonly WorkspaceQuery[] }): Finding[];
}

/** What a per-model rule sees of one model. */
export interface ModelRuleContext {
  schema: PrismaSchema;
  model: Model;
  /** The text of the model's file. */
  text: string;
  /** The relations whose foreign key this model holds, in field order. */
  relations: readonly Relation[];
}

/**
 * How a per-model rule checks one model. Its findings about a model may depend only on: the model's
 * block (its text, fields and indexes), the blocks of the models it is related to (either side),
 * the datasource, the rule's severity and, when `readsNames` is set, the names of every model and
 * enum and the enums' values. They must lie in the model's block. The runner then keeps them per
 * model and reuses them, moved, while an edit touches none of those.
 */
export interface ModelRuleCheck {
  checkModel(context: ModelRuleContext): RuleFinding[];
  readsNames?: boolean;
}

/** A schema rule written per model (see `ModelRuleCheck`); its `check` runs `checkModel` over every model. */
export function defineModelRule(rule: RuleBase & { appliesTo: ['prisma'] } & ModelRuleCheck & Pick<SchemaRule, 'withQueries'>): SchemaRule {
  const { checkModel, readsNames, ...base } = rule;
  return {
    ...base,
    perModel: { checkModel, readsNames },
    check({ schema }) {
      const texts = new Map(schema.files.map((file) => [file.uri, file.text]));
      const findings: RuleFinding[] = [];
      for (const model of schema.models) {
        findings.push(...checkModel({ schema, model, text: texts.get(model.uri) ?? '', relations: relationsOf(schema, model) }));
      }
      return findings;
    },
  };
}

/** A rule over one TypeScript/JavaScript file, with the schema its queries run against. */
export interface CodeRule extends RuleBase {
  appliesTo: ['typescript'];
  check(context: CodeRuleContext): RuleFinding[];
}

/** A rule over one migration script (PostgreSQL), parsed once for all rules. */
export interface MigrationRule extends RuleBase {
  appliesTo: ['sql'];
  check(context: MigrationRuleContext): MigrationRuleFinding[];
}

/**
 * A rule about the suppression comments themselves, in every language. The runner applies it after
 * the other rules (it needs their findings), so it has no check of its own.
 */
export interface SuppressionRule extends RuleBase {
  appliesTo: ['prisma', 'typescript', 'sql'];
}

export type Rule = SchemaRule | CodeRule | MigrationRule | SuppressionRule;

export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}

export function isSchemaRule(rule: Rule): rule is SchemaRule {
  return rule.appliesTo.length === 1 && rule.appliesTo[0] === 'prisma';
}

export function isCodeRule(rule: Rule): rule is CodeRule {
  return rule.appliesTo.length === 1 && rule.appliesTo[0] === 'typescript';
}

export function isMigrationRule(rule: Rule): rule is MigrationRule {
  return rule.appliesTo.length === 1 && rule.appliesTo[0] === 'sql';
}

export function isSuppressionRule(rule: Rule): rule is SuppressionRule {
  return rule.appliesTo.length > 1;
}

/** True when the rule's findings land in files of `language` (and so honour its suppression comments). */
export function ruleRunsOn(rule: Rule, language: Language): boolean {
  return language === 'prisma' ? isSchemaRule(rule) : language === 'sql' ? isMigrationRule(rule) : isCodeRule(rule);
}
