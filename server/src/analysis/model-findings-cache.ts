/**
 * Keeps the findings of per-model rules (`defineModelRule`) model by model, so that after an edit
 * only the models it touched are checked again. A model is looked up by its revision (new each time
 * its block is read) and the revisions of the models it is related to; findings of a model that the
 * edit merely moved are moved with it.
 */
import { lineBreakOf, type Span } from './text';
import type { Finding, Fix, ModelRuleCheck, Rule } from './rules/types';
import { relationsByModel } from './rules/types';
import type { Model, PrismaSchema, Relation } from './schema/model';

interface Entry {
  /** `model.span.start` when the findings were made or last moved. */
  start: number;
  findings: Finding[];
}

interface RuleEntries {
  /** Severity, datasource and (for rules that read them) the names of all models and enums. */
  environment: string;
  byModel: Map<string, Entry>;
}

/** What every per-model rule of one run shares: computed once per run, on first use. */
export interface ModelRunInputs {
  relations: Map<Model, Relation[]>;
  /** Per model: its revision, its file's line break and its related models' revisions. */
  keys: Map<Model, string>;
  texts: Map<string, string>;
  datasource: string;
  /** Every model name, and every enum with its values: what `readsNames` rules may look at. */
  names: () => string;
}

export class ModelFindingsCache {
  private readonly rules = new Map<string, RuleEntries>();
  /** Models checked again by the last run (summed over rules): for tests and benchmarks. */
  lastChecked = 0;
  /** Models whose findings the last run reused (summed over rules). */
  lastReused = 0;

  /** Starts a run over `schema`: resets the counters. */
  begin(): void {
    this.lastChecked = 0;
    this.lastReused = 0;
  }

  /** The findings of `rule` (already tagged with its id and severity), reusing those of untouched models. */
  run(rule: Rule, check: ModelRuleCheck, schema: PrismaSchema, inputs: ModelRunInputs): Finding[] {
    const environment = `${rule.severity}\u0000${inputs.datasource}\u0000${check.readsNames ? inputs.names() : ''}`;
    const previous = this.rules.get(rule.id);
    const old = previous?.environment === environment ? previous.byModel : undefined;
    const byModel = new Map<string, Entry>();
    const findings: Finding[] = [];
    for (const model of schema.models) {
      const key = inputs.keys.get(model)!;
      let entry = old?.get(key);
      if (entry) {
        this.lastReused++;
        if (entry.start !== model.span.start) entry = { start: model.span.start, findings: entry.findings.map((finding) => moveFinding(finding, model.span.start - entry!.start)) };
      } else {
        this.lastChecked++;
        const made = check.checkModel({ schema, model, text: inputs.texts.get(model.uri) ?? '', relations: inputs.relations.get(model) ?? [] });
        const tagged = made.map((finding): Finding => ({ ...finding, ruleId: rule.id, severity: rule.severity }));
        // Findings outside the model's block could depend on more than the key says: never kept.
        if (!tagged.every((finding) => withinModel(finding, model))) {
          findings.push(...tagged);
          continue;
        }
        entry = { start: model.span.start, findings: tagged };
      }
      byModel.set(key, entry);
      for (const finding of entry.findings) findings.push(finding);
    }
    // Only the models of this run are kept: a model deleted or read again drops out.
    this.rules.set(rule.id, { environment, byModel });
    return findings;
  }
}

/** Works out, once per run, what the per-model rules share. */
export function modelRunInputs(schema: PrismaSchema): ModelRunInputs {
  const relations = relationsByModel(schema);
  const related = new Map<Model, number[]>();
  const add = (model: Model, other: Model) => {
    const list = related.get(model);
    if (list) list.push(other.revision);
    else related.set(model, [other.revision]);
  };
  for (const relation of schema.relations) {
    add(relation.model, relation.target);
    add(relation.target, relation.model);
  }
  const texts = new Map(schema.files.map((file) => [file.uri, file.text]));
  const eols = new Map(schema.files.map((file) => [file.uri, lineBreakOf(file.text) === '\r\n' ? 'r' : 'n']));
  const keys = new Map<Model, string>();
  for (const model of schema.models) {
    const others = related.get(model);
    keys.set(model, `${model.revision}${eols.get(model.uri) ?? 'n'}${others ? others.join(',') : ''}`);
  }
  const source = schema.datasource;
  const datasource = source ? `${source.name}\u0000${source.provider ?? ''}\u0000${source.relationMode}` : '';
  let names: string | undefined;
  return { relations, keys, texts, datasource, names: () => (names ??= namesKey(schema)) };
}

function namesKey(schema: PrismaSchema): string {
  const parts: string[] = [];
  for (const model of schema.models) parts.push(model.name);
  parts.push('');
  for (const block of schema.enums) parts.push(`${block.name}=${block.values.join(',')}`);
  return parts.join('\u0000');
}

function withinModel(finding: Finding, model: Model): boolean {
  const inside = (uri: string, span: Span) => uri === model.uri && span.start >= model.span.start && span.end <= model.span.end;
  return inside(finding.uri, finding.span) && (finding.fixes ?? []).every((fix) => fix.edits.every((edit) => inside(edit.uri, edit)));
}

function moveFinding(finding: Finding, delta: number): Finding {
  const moved: Finding = { ...finding, span: { start: finding.span.start + delta, end: finding.span.end + delta } };
  if (finding.fixes) moved.fixes = finding.fixes.map((fix): Fix => ({ ...fix, edits: fix.edits.map((edit) => ({ ...edit, start: edit.start + delta, end: edit.end + delta })) }));
  return moved;
}
