/**
 * The configuration one file runs under: the merged configuration with the overrides whose globs
 * match the file applied in order, and the code rules off in tests, seeds and one-off scripts
 * unless `codeRulesIn` or a matching override that names the rule says otherwise. The editor and
 * the CLI both call it for every file, so a file gets the same rules in both.
 */
import { isCodeRule, type Language, type Rule } from '../rules/types';
import type { LensConfig, RuleLevel, RuleOverride } from './config';
import { fileRole, type FileRoleMatch } from './file-role';
import { compileGlobs, type PathMatcher } from './glob';

export interface ConfiguredFile {
  /** `typescript` for a code file, which may be a test, seed or script. */
  language?: Language;
  /**
   * The file's path relative to the folder of the `.prismalens.json` its overrides come from, with
   * `/` separators (a multi-file schema: its folder); undefined when no such file applies.
   */
  configPath?: string;
  /** The file's path relative to its project folder, or only its name when none is known (see `ClassifiedFile`). */
  projectPath: string;
  /** The file's text: a code file's imports can make it a test. */
  text?: string;
}

export interface FileConfig {
  /** Levels for this file alone: overrides and file roles applied (and `overrides` emptied). */
  config: LensConfig;
  /** The file's role when it is a code file the code rules skip by default. */
  role?: FileRoleMatch;
}

/** Applies `config`'s overrides and the test/seed/script conventions to one file. */
export function configForFile(config: LensConfig, rules: readonly Rule[], file: ConfiguredFile): FileConfig {
  const levels: Record<string, RuleLevel> = { ...config.rules };
  const role = file.language === 'typescript' ? fileRole({ path: file.projectPath, text: file.text }) : undefined;
  if (role && config.codeRulesIn?.[role.role] !== true) {
    for (const rule of rules) if (isCodeRule(rule)) levels[rule.id] = 'off';
  }
  if (file.configPath !== undefined) {
    for (const override of config.overrides ?? []) {
      if (matcherOf(override)(file.configPath)) Object.assign(levels, override.rules);
    }
  }
  return { config: { ...config, rules: levels, overrides: undefined }, role };
}

const matchers = new WeakMap<RuleOverride, PathMatcher>();

function matcherOf(override: RuleOverride): PathMatcher {
  let matcher = matchers.get(override);
  if (!matcher) matchers.set(override, (matcher = compileGlobs(override.files)));
  return matcher;
}
