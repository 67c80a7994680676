/**
 * Rule configuration: which rules run and at what severity. Two sources, merged with the project
 * file winning: the editor's settings (`prismaLens.rules.<id>`, `prismaLens.codeRulesIn.<kind>`) and
 * `.prismalens.json`, which the CLI reads too. Parsing is lenient and explains every value it ignores.
 * What applies to one file (its overrides, and whether it is a test, seed or script) is decided by
 * `configForFile` in file-config.ts.
 */
import type { Rule, Severity } from '../rules/types';
import { describeRole, FILE_ROLES, type FileRole } from './file-role';
import { globProblem } from './glob';

export type RuleLevel = Severity | 'off';

export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'hint', 'info', 'warning', 'error'];

export interface LensConfig {
  /** Per-rule level; a rule not listed keeps its default. */
  rules: Record<string, RuleLevel>;
  /** PostgreSQL major version the migrations run on (migration rules). */
  postgresVersion?: number;
  /** ESLint-style levels for the files that match, in order: a later entry wins over an earlier one and over `rules`. */
  overrides?: RuleOverride[];
  /** The kinds of code files the code rules skip by default that they run on after all (`{ "tests": true }`). */
  codeRulesIn?: Partial<Record<FileRole, boolean>>;
}

export interface RuleOverride {
  /** Globs relative to the folder of the `.prismalens.json` that holds them (see glob.ts). */
  files: string[];
  rules: Record<string, RuleLevel>;
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
      const levels = parseRuleLevels(entry, 'rules', known, problems);
      if (levels) Object.assign(config.rules, levels);
    } else if (key === 'overrides') {
      config.overrides = parseOverrides(entry, known, problems);
    } else if (key === 'codeRulesIn') {
      config.codeRulesIn = parseCodeRulesIn(entry, problems);
    } else if (key === 'postgresVersion') {
      if (typeof entry === 'number' && Number.isInteger(entry) && entry >= 9 && entry <= 30) config.postgresVersion = entry;
      else problems.push({ path: key, message: '"postgresVersion" must be a PostgreSQL major version such as 15.' });
    } else {
      problems.push({ path: key, message: `Unknown setting "${key}"; it is ignored.` });
    }
  }
  return { config, problems };
}

function parseRuleLevels(entry: unknown, path: string, known: ReadonlySet<string>, problems: ConfigProblem[]): Record<string, RuleLevel> | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push({ path, message: `"${path}" must be an object mapping rule ids to "off", "hint", "info", "warning" or "error".` });
    return undefined;
  }
  const levels: Record<string, RuleLevel> = {};
  for (const [id, level] of Object.entries(entry as Record<string, unknown>)) {
    if (!known.has(id)) {
      problems.push({ path: `${path}.${id}`, message: `Unknown rule "${id}"${suggest(id, known)}; it is ignored.` });
    } else if (typeof level !== 'string' || !RULE_LEVELS.includes(level as RuleLevel)) {
      problems.push({ path: `${path}.${id}`, message: `"${String(level)}" is not a level; use one of ${RULE_LEVELS.map((l) => `"${l}"`).join(', ')}.` });
    } else {
      levels[id] = level as RuleLevel;
    }
  }
  return levels;
}

const OVERRIDE_EXAMPLE = '{ "files": ["tests/**"], "rules": { "missing-transaction": "warning" } }';

function parseOverrides(entry: unknown, known: ReadonlySet<string>, problems: ConfigProblem[]): RuleOverride[] {
  if (!Array.isArray(entry)) {
    problems.push({ path: 'overrides', message: `"overrides" must be a list of entries such as ${OVERRIDE_EXAMPLE}.` });
    return [];
  }
  const overrides: RuleOverride[] = [];
  entry.forEach((item: unknown, index) => {
    const path = `overrides[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ path, message: `Each override must be an object such as ${OVERRIDE_EXAMPLE}; it is ignored.` });
      return;
    }
    const record = item as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'files' && key !== 'rules') problems.push({ path: `${path}.${key}`, message: `Unknown setting "${key}" (an override has "files" and "rules"); it is ignored.` });
    }
    const listed = typeof record.files === 'string' ? [record.files] : Array.isArray(record.files) ? record.files : undefined;
    const files: string[] = [];
    for (const [position, pattern] of (listed ?? []).entries()) {
      const problem = typeof pattern === 'string' ? globProblem(pattern) : 'A pattern must be a string such as "tests/**".';
      if (problem) problems.push({ path: `${path}.files[${position}]`, message: `${problem} It is ignored.` });
      else files.push(pattern as string);
    }
    if (files.length === 0) {
      problems.push({ path: `${path}.files`, message: `An override needs "files", a list of globs such as ["tests/**", "**/*.spec.ts"]; this one applies nowhere.` });
      return;
    }
    const rules = record.rules === undefined ? {} : (parseRuleLevels(record.rules, `${path}.rules`, known, problems) ?? {});
    overrides.push({ files, rules });
  });
  return overrides;
}

function parseCodeRulesIn(entry: unknown, problems: ConfigProblem[]): Partial<Record<FileRole, boolean>> {
  const roles = FILE_ROLES.map((role) => `"${role}"`).join(', ');
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push({ path: 'codeRulesIn', message: `"codeRulesIn" must be an object such as { "tests": true } (keys ${roles}).` });
    return {};
  }
  const result: Partial<Record<FileRole, boolean>> = {};
  for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
    if (!(FILE_ROLES as readonly string[]).includes(key)) problems.push({ path: `codeRulesIn.${key}`, message: `Unknown kind of file "${key}"; use ${roles}.` });
    else if (typeof value !== 'boolean') problems.push({ path: `codeRulesIn.${key}`, message: `"codeRulesIn.${key}" must be true or false.` });
    else result[key as FileRole] = value;
  }
  return result;
}

/** Merges configurations; later ones win rule by rule and kind by kind (settings first, then the project file), and their overrides follow each other. */
export function mergeConfigs(...configs: readonly LensConfig[]): LensConfig {
  const merged = emptyConfig();
  for (const config of configs) {
    Object.assign(merged.rules, config.rules);
    if (config.postgresVersion !== undefined) merged.postgresVersion = config.postgresVersion;
    if (config.overrides?.length) merged.overrides = [...(merged.overrides ?? []), ...config.overrides];
    if (config.codeRulesIn) merged.codeRulesIn = { ...merged.codeRulesIn, ...config.codeRulesIn };
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
  const skipped = 'The code rules (those that check TypeScript and JavaScript) skip tests, seeds and one-off scripts unless "codeRulesIn" or an override that names the rule runs them there.';
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Prisma Lens configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: {
        type: 'object',
        description: `Level per rule: "off" turns a rule off; the file wins over editor settings. ${skipped}`,
        additionalProperties: false,
        properties: Object.fromEntries(
          rules.map((rule) => [rule.id, { ...level, description: `${rule.docs.summary} Default: ${defaultLevel(rule)}.`, markdownDescription: `${rule.docs.summary}\n\nDefault: \`${defaultLevel(rule)}\`.` }]),
        ),
      },
      overrides: {
        type: 'array',
        description:
          'Levels for some files, as in ESLint: each entry\'s "rules" apply to the files its "files" globs match, a later entry winning over an earlier one and over the top-level "rules". An entry that names a code rule runs it on the matching tests, seeds and scripts too.',
        markdownDescription:
          'Levels for some files, as in ESLint: each entry\'s `rules` apply to the files its `files` globs match, a later entry winning over an earlier one and over the top-level `rules`. An entry that names a code rule runs it on the matching tests, seeds and scripts too.\n\n```json\n"overrides": [\n  { "files": ["tests/**", "**/*.spec.ts"], "rules": { "missing-transaction": "warning" } },\n  { "files": ["prisma/migrations/2023*/**"], "rules": { "ban-drop-column": "off" } }\n]\n```',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['files'],
          properties: {
            files: {
              description:
                'Globs relative to the folder of this .prismalens.json: * and ? within a name, ** across folders, {a,b} alternatives, [abc] classes. A pattern without a slash matches at any depth ("*.spec.ts"), and one that matches a folder matches everything in it ("tests", "scripts/"). A multi-file schema is matched by its folder.',
              oneOf: [
                { type: 'string', minLength: 1 },
                { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              ],
            },
            rules: { $ref: '#/properties/rules' },
          },
        },
        default: [],
      },
      codeRulesIn: {
        type: 'object',
        description: `${skipped} Set a kind to true to run them there too (the editor setting prismaLens.codeRulesIn.<kind> does the same for you).`,
        additionalProperties: false,
        properties: {
          ...Object.fromEntries(FILE_ROLES.map((role) => [role, { type: 'boolean', default: false, description: describeRole(role) }])),
        },
      },
      postgresVersion: { type: 'integer', minimum: 9, maximum: 30, default: 15, description: 'PostgreSQL major version the migrations run on.' },
    },
  };
}

export function defaultLevel(rule: Rule): RuleLevel {
  return levelOf(rule, emptyConfig());
}

function suggest(id: string, known: ReadonlySet<string>): string {
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
