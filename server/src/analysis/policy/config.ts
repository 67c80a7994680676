/**
 * Rule configuration: which rules run and at what severity. Two sources, merged with the project
 * file winning: the editor's settings (`prismaLens.rules.<id>`) and `.prismalens.json`, which the
 * CLI reads too. Parsing is lenient and explains every value it ignores.
 */
import type { Rule, Severity } from '../rules/types';

export type RuleLevel = Severity | 'off';

export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface LensConfig {
  /** Per-rule level; a rule not listed keeps its default. */
  rules: Record<string, RuleLevel>;
  /** PostgreSQL major version the migrations run on (migration rules). */
  postgresVersion?: number;
}

export interface ConfigProblem {
  /** A JSON path such as `rules.n-plus-one`. */
  path: string;
  message: string;
}

export const CONFIG_FILE_NAME = '.prismalens.json';

export function emptyConfig(): LensConfig {
  return { rules: {} };
}

/** Reads a parsed `.prismalens.json` (or the editor's settings object); unknown rules and bad values are reported and ignored. */
export function parseConfig(value: unknown, knownRules: readonly Rule[]): { config: LensConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  const problems: ConfigProblem[] = [];
  if (value === undefined || value === null) return { config, problems };
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ path: '', message: 'The configuration must be a JSON object such as { "rules": { "n-plus-one": "error" } }.' });
    return { config, problems };
  }
  const known = new Set(knownRules.map((rule) => rule.id));
  const record = value as Record<string, unknown>;
  for (const [key, entry] of Object.entries(record)) {
    if (key === '$schema') continue;
    if (key === 'rules') {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        problems.push({ path: 'rules', message: '"rules" must be an object mapping rule ids to "off", "hint", "info", "warning" or "error".' });
        continue;
      }
      for (const [id, level] of Object.entries(entry as Record<string, unknown>)) {
        if (!known.has(id)) {
          problems.push({ path: `rules.${id}`, message: `Unknown rule "${id}"${suggest(id, known)}; it is ignored.` });
        } else if (typeof level !== 'string' || !RULE_LEVELS.includes(level as RuleLevel)) {
          problems.push({ path: `rules.${id}`, message: `"${String(level)}" is not a level; use one of ${RULE_LEVELS.map((l) => `"${l}"`).join(', ')}.` });
        } else {
          config.rules[id] = level as RuleLevel;
        }
      }
    } else if (key === 'postgresVersion') {
      if (typeof entry === 'number' && Number.isInteger(entry) && entry >= 9 && entry <= 30) config.postgresVersion = entry;
      else problems.push({ path: key, message: '"postgresVersion" must be a PostgreSQL major version such as 15.' });
    } else {
      problems.push({ path: key, message: `Unknown setting "${key}"; it is ignored.` });
    }
  }
  return { config, problems };
}

/** Merges configurations; later ones win rule by rule (settings first, then the project file). */
export function mergeConfigs(...configs: readonly LensConfig[]): LensConfig {
  const merged = emptyConfig();
  for (const config of configs) {
    Object.assign(merged.rules, config.rules);
    if (config.postgresVersion !== undefined) merged.postgresVersion = config.postgresVersion;
  }
  return merged;
}

/** The level a rule runs at: configured, else its default (`off` for rules that are off by default). */
export function levelOf(rule: Rule, config: LensConfig): RuleLevel {
  const configured = config.rules[rule.id];
  if (configured) return configured;
  return (rule as { enabledByDefault?: boolean }).enabledByDefault === false ? 'off' : rule.severity;
}

/** The rules to run under a configuration, each with its effective severity. */
export function configuredRules<R extends Rule>(rules: readonly R[], config: LensConfig): R[] {
  const result: R[] = [];
  for (const rule of rules) {
    const level = levelOf(rule, config);
    if (level === 'off') continue;
    result.push(level === rule.severity ? rule : { ...rule, severity: level });
  }
  return result;
}

/** JSON Schema for `.prismalens.json`, generated from the registry so completion always knows every rule. */
export function configJsonSchema(rules: readonly Rule[]): object {
  const level = { type: 'string', enum: RULE_LEVELS };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Prisma Lens configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'object',
        description: 'Level per rule: "off" turns a rule off; the file wins over editor settings.',
        additionalProperties: false,
        properties: Object.fromEntries(
          rules.map((rule) => [rule.id, { ...level, description: `${rule.docs.summary} Default: ${defaultLevel(rule)}.`, markdownDescription: `${rule.docs.summary}\n\nDefault: \`${defaultLevel(rule)}\`.` }]),
        ),
      },
      postgresVersion: { type: 'integer', minimum: 9, maximum: 30, default: 15, description: 'PostgreSQL major version the migrations run on.' },
    },
  };
}

export function defaultLevel(rule: Rule): RuleLevel {
  return levelOf(rule, emptyConfig());
}

function suggest(id: string, known: Set<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(id, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
