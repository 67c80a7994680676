/** What a rule is and what it returns: plain data, independent of how an editor shows it. */
import type { PrismaSchema } from '../schema/model';
import type { Span } from '../text';

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

/** What a rule reports; the runner adds the rule id and severity. */
export interface RuleFinding {
  uri: string;
  span: Span;
  message: string;
  help: string;
  fixes?: Fix[];
}

export interface Finding extends RuleFinding {
  ruleId: string;
  severity: Severity;
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
}

export interface Rule {
  /** Kebab-case, names the pattern, stable forever. */
  id: string;
  appliesTo: Language[];
  severity: Severity;
  docs: RuleDocs;
  check(context: SchemaRuleContext): RuleFinding[];
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
