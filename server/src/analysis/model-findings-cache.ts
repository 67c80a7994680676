/**
 * Keeps the findings of per-model rules (`defineModelRule`) model by model, so that after an edit
 * only the models it touched are checked again. A model is looked up by its revision (new each time
 * its block is read) and checked against the revisions of the models it is related to; findings of
 * a model that the edit merely moved are moved with it.
 */
import { lineBreakOf, type Span } from './text';
import { compareFindings, findingSeverity, type Finding, type Fix, type ModelRuleCheck, type Rule, type TextEdit } from './rules/types';
import { relationGraphOf, relationsOf, type RelationGraph } from './schema/build';
import type { Model, PrismaSchema } from './schema/model';

/** A rule to run per model, with its place among the rules of the run. */
export interface PerModelRule {
  rule: Rule;
  check: ModelRuleCheck;
}

interface Entry {
  /**
   * When the findings were made: the file's line break (0 or 1), the revisions of the models the
   * model's relations target, `-1`, and the revisions of the models whose relations target it.
   */
  context: number[];
  /** Per rule (by its slot's index): the findings as the rule made them (tagged with its id and severity), and `model.span.start` then. */
  made: (Finding[] | undefined)[];
  madeAt: number[];
  /** Per rule (by its slot's index): the generation of the rule's environment the findings were made under. */
  generations: number[];
  /**
   * The model's findings of all the rules of a run, in order, where they are now (with the model at
   * `start`), and the run's rules key they hold for: the next run with the same rules takes them as
   * they are, or, finding the model moved, moves them all by the same distance in one step.
   * Undefined when a rule threw or reported outside the model.
   */
  merged: Finding[] | undefined;
  mergedKey: string;
  start: number;
  /** The run that last saw the model. */
  seen: number;
}

interface Slot {
  /** Where the rule's findings are in each entry: fixed for the rule, whichever rules a run has. */
  index: number;
  /** Severity, datasource and (for rules that read them) the names of all models and enums. */
  environment: string;
  /** Bumped whenever `environment` changes: findings of older generations are stale. */
  generation: number;
}

export class ModelFindingsCache {
  private readonly entries = new Map<number, Entry>();
  private readonly slots = new Map<string, Slot>();
  private runs = 0;
  /** Every model name and every enum with its values, as last seen, and a version bumped whenever they change. */
  private names: { models: string[]; enums: { name: string; values: string[] }[] } | undefined;
  private namesGeneration = 0;
  /** (Model, rule) pairs checked again by the last run: for tests and benchmarks. */
  lastChecked = 0;
  /** (Model, rule) pairs whose findings the last run reused. */
  lastReused = 0;

  private namesVersion(schema: PrismaSchema): number {
    if (!this.names || !sameNames(this.names, schema)) {
      this.names = { models: schema.models.map((model) => model.name), enums: schema.enums.map((block) => ({ name: block.name, values: [...block.values] })) };
      this.namesGeneration++;
    }
    return this.namesGeneration;
  }

  /**
   * The findings of `rules` over every model of `schema`, pushed onto `into` model by model; a rule
   * that throws on a model is reported once in `errors`, and the other rules and models go on.
   */
  run(rules: readonly PerModelRule[], schema: PrismaSchema, into: Finding[], errors: string[], isCancelled?: () => boolean): void {
    this.lastChecked = 0;
    this.lastReused = 0;
    const run = ++this.runs;
    const inputs = modelRunInputs(schema);
    const models = schema.models;
    const slots = rules.map(({ rule, check }) => {
      const environment = `${rule.severity}\u0000${inputs.datasource}\u0000${check.readsNames ? this.namesVersion(schema) : ''}`;
      let slot = this.slots.get(rule.id);
      if (!slot) this.slots.set(rule.id, (slot = { index: this.slots.size, environment, generation: 0 }));
      else if (slot.environment !== environment) {
        slot.environment = environment;
        slot.generation++;
      }
      return slot;
    });
    // The rules of this run and their environments: a model's merged findings hold for runs with the same key.
    const rulesKey = slots.map((slot) => `${slot.index}.${slot.generation}`).join(',');
    const failed = new Set<string>();
    for (let index = 0; index < schema.models.length; index++) {
      if (index % 256 === 255 && isCancelled?.()) return;
      const model = models[index]!;
      const eol = inputs.eols.get(model.uri)!;
      const start = model.span.start;
      let entry = this.entries.get(model.revision);
      if (!entry || entry.seen === run || !sameContext(entry.context, eol, models, inputs, index)) {
        entry = { context: contextOf(eol, models, inputs, index), made: [], madeAt: [], generations: [], merged: undefined, mergedKey: '', start, seen: run };
        this.entries.set(model.revision, entry);
      }
      entry.seen = run;
      if (entry.merged && entry.mergedKey === rulesKey) {
        // Every rule's findings hold: taken as they are, or moved in one step (which keeps their order).
        if (entry.start !== start) {
          const delta = start - entry.start;
          entry.merged = entry.merged.map((finding) => moveFinding(finding, delta));
          entry.start = start;
        }
        this.lastReused += rules.length;
        for (const finding of entry.merged) into.push(finding);
        continue;
      }
      const merged: Finding[] = [];
      let complete = true;
      for (let position = 0; position < rules.length; position++) {
        const { index: slot, generation } = slots[position]!;
        const made = entry.made[slot];
        if (made && entry.generations[slot] === generation) {
          this.lastReused++;
          const delta = start - entry.madeAt[slot]!;
          for (const finding of made) merged.push(delta === 0 ? finding : moveFinding(finding, delta));
          continue;
        }
        this.lastChecked++;
        const { rule, check } = rules[position]!;
        let findings: Finding[];
        try {
          findings = check.checkModel({ schema, model, text: inputs.texts.get(model.uri) ?? '', relations: relationsOf(schema, model) }).map((finding): Finding => ({ ...finding, ruleId: rule.id, severity: findingSeverity(finding, rule.severity) }));
        } catch (error) {
          if (!failed.has(rule.id)) errors.push(`${rule.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          failed.add(rule.id);
          entry.made[slot] = undefined;
          complete = false;
          continue;
        }
        // Findings outside the model's block could depend on more than the key says: never kept.
        const kept = findings.every((finding) => withinModel(finding, model));
        entry.made[slot] = kept ? findings : undefined;
        entry.madeAt[slot] = start;
        entry.generations[slot] = generation;
        if (!kept) complete = false;
        for (const finding of findings) merged.push(finding);
      }
      // Models do not overlap: one model's findings, in order, join the others in order.
      if (merged.length > 1) merged.sort(compareFindings);
      for (const finding of merged) into.push(finding);
      entry.merged = complete ? merged : undefined;
      entry.mergedKey = rulesKey;
      entry.start = start;
    }
    // Models deleted or read again since the last run drop out.
    if (this.entries.size > models.length) {
      this.entries.forEach((entry, revision) => {
        if (entry.seen !== run) this.entries.delete(revision);
      });
    }
  }
}

/**
 * The version of the names `readsNames` rules may look at (every model name, every enum and its
 * values): compared name by name with the last run's, which an edit almost never changes.
 */
function sameNames(last: { models: string[]; enums: { name: string; values: string[] }[] }, schema: PrismaSchema): boolean {
  const { models, enums } = schema;
  if (last.models.length !== models.length || last.enums.length !== enums.length) return false;
  for (let i = 0; i < models.length; i++) if (last.models[i] !== models[i]!.name) return false;
  for (let i = 0; i < enums.length; i++) {
    const before = last.enums[i]!;
    const now = enums[i]!;
    if (before.name !== now.name || before.values.length !== now.values.length || before.values.some((value, k) => value !== now.values[k])) return false;
  }
  return true;
}

interface ModelRunInputs {
  /** Per file: its line break, 1 for `\r\n`. */
  eols: Map<string, number>;
  texts: Map<string, string>;
  datasource: string;
  /** The targets of each model's relations, and (the same, the other way) the models whose relations target each model. */
  targets: RelationGraph;
  holders: RelationGraph;
}

/** What every per-model rule of one run shares. Relations are resolved only for the models checked again. */
function modelRunInputs(schema: PrismaSchema): ModelRunInputs {
  const texts = new Map<string, string>();
  const eols = new Map<string, number>();
  for (const file of schema.files) {
    texts.set(file.uri, file.text);
    eols.set(file.uri, lineBreakOf(file.text) === '\r\n' ? 1 : 0);
  }
  const targets = relationGraphOf(schema);
  const source = schema.datasource;
  const datasource = source ? `${source.name}\u0000${source.provider ?? ''}\u0000${source.relationMode}` : '';
  return { eols, texts, datasource, targets, holders: reversed(targets, schema.models.length) };
}

/** The graph with its edges turned round: for each model, the models whose relations target it, in order. */
function reversed(graph: RelationGraph, count: number): RelationGraph {
  const start = new Int32Array(count + 1);
  for (let edge = 0; edge < graph.targets.length; edge++) start[graph.targets[edge]! + 1]!++;
  for (let index = 0; index < count; index++) start[index + 1]! += start[index]!;
  const filled = start.slice(0, count);
  const targets = new Int32Array(graph.targets.length);
  for (let holder = 0; holder < count; holder++) {
    for (let edge = graph.start[holder]!; edge < graph.start[holder + 1]!; edge++) targets[filled[graph.targets[edge]!]!++] = holder;
  }
  return { start, targets };
}

/**
 * Hands `visit` a model's context value by value, in `Entry.context`'s order, and stops where it
 * returns false; true when it never did.
 */
function everyContextValue(eol: number, models: readonly Model[], inputs: ModelRunInputs, index: number, visit: (value: number) => boolean): boolean {
  const { targets, holders } = inputs;
  if (!visit(eol)) return false;
  for (let edge = targets.start[index]!; edge < targets.start[index + 1]!; edge++) if (!visit(models[targets.targets[edge]!]!.revision)) return false;
  if (!visit(-1)) return false;
  for (let edge = holders.start[index]!; edge < holders.start[index + 1]!; edge++) if (!visit(models[holders.targets[edge]!]!.revision)) return false;
  return true;
}

/** Whether a model's findings were made in the context it has now (`Entry.context`), compared number by number. */
function sameContext(context: readonly number[], eol: number, models: readonly Model[], inputs: ModelRunInputs, index: number): boolean {
  const { targets, holders } = inputs;
  if (context.length !== targets.start[index + 1]! - targets.start[index]! + holders.start[index + 1]! - holders.start[index]! + 2) return false;
  let at = 0;
  return everyContextValue(eol, models, inputs, index, (value) => context[at++] === value);
}

function contextOf(eol: number, models: readonly Model[], inputs: ModelRunInputs, index: number): number[] {
  const context: number[] = [];
  everyContextValue(eol, models, inputs, index, (value) => context.push(value) > 0);
  return context;
}

function withinModel(finding: Finding, model: Model): boolean {
  const inside = (uri: string, span: Span) => uri === model.uri && span.start >= model.span.start && span.end <= model.span.end;
  return inside(finding.uri, finding.span) && (finding.fixes ?? []).every((fix) => fix.edits.every((edit) => inside(edit.uri, edit)));
}

/**
 * `finding` (as its rule made it) moved by `delta`, fixes included: plain objects, built field by
 * field (several times faster than an object with a lazy getter for the fixes).
 */
function moveFinding(finding: Finding, delta: number): Finding {
  const { uri, message, help, ruleId, severity } = finding;
  const span = { start: finding.span.start + delta, end: finding.span.end + delta };
  if (!finding.fixes) return { uri, span, message, help, ruleId, severity };
  const fixes = finding.fixes.map((fix): Fix => ({ title: fix.title, applicability: fix.applicability, edits: fix.edits.map((edit) => moveEdit(edit, delta)) }));
  // The fields in the order the rules' findings have them.
  return { uri, span, message, help, fixes, ruleId, severity };
}

function moveEdit(edit: TextEdit, delta: number): TextEdit {
  return { uri: edit.uri, start: edit.start + delta, end: edit.end + delta, text: edit.text };
}
