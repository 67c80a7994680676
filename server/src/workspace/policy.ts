/**
 * The rules each file runs under, in the editor and the CLI alike: the editor's settings
 * (`prismaLens.rules.<id>`, `prismaLens.codeRulesIn.<kind>`; the CLI has none) merged with the
 * project's `.prismalens.json` (the file wins), its overrides and the test/seed/script conventions
 * applied, and the suppression comments applied to the findings. Configuration problems are
 * reported once per file.
 */
import { fileURLToPath } from 'node:url';
import { applyConfiguredPolicy } from '../analysis/policy/apply';
import { configuredRules, emptyConfig, parseConfig, type LensConfig } from '../analysis/policy/config';
import { configForFile } from '../analysis/policy/file-config';
import { rules as registeredRules } from '../analysis/rules/index';
import type { Finding, Language, Rule } from '../analysis/rules/types';
import type { LineIndex } from '../analysis/text';
import { ConfigFiles } from './config-file';

export interface RulesInForce {
  rules: Rule[];
  config: LensConfig;
  /** Changes whenever the rules or their levels may have: part of every analysis cache key. */
  key: string;
}

/** A configuration problem: in a `.prismalens.json` (its path) or in the editor's settings (`settings`). */
export interface PolicyProblem {
  path: string;
  message: string;
}

export class RulePolicy {
  private readonly files = new ConfigFiles(registeredRules);
  private settings: LensConfig = emptyConfig();
  private generation = 0;
  private readonly reported = new Set<string>();
  private readonly knownRuleIds = new Set(registeredRules.map((rule) => rule.id));
  private readonly candidates: readonly Rule[];
  private readonly report: (problem: PolicyProblem) => void;

  /** `candidates`: the rules that may run (every registered rule unless a caller narrows them). */
  constructor(options: { report: (problem: PolicyProblem) => void; candidates?: readonly Rule[] }) {
    this.report = options.report;
    this.candidates = options.candidates ?? registeredRules;
  }

  /**
   * Takes the editor's `prismaLens` settings object: `rules` maps rule ids to a level, or to
   * "default" for the rule's own level; `codeRulesIn` maps kinds of files to true or false.
   */
  setSettings(settings: unknown): void {
    const { rules, codeRulesIn } = (settings ?? {}) as { rules?: unknown; codeRulesIn?: unknown };
    const chosen = rules && typeof rules === 'object' ? Object.fromEntries(Object.entries(rules).filter(([, level]) => level !== 'default')) : {};
    const parsed = parseConfig({ rules: chosen, ...(codeRulesIn && typeof codeRulesIn === 'object' ? { codeRulesIn } : {}) }, registeredRules);
    for (const problem of parsed.problems) this.report({ path: 'settings', message: `prismaLens.${problem.path}: ${problem.message}` });
    this.settings = parsed.config;
    this.generation++;
  }

  /** After a `.prismalens.json` was created, changed or deleted. */
  invalidateFiles(): void {
    this.files.invalidate();
    this.reported.clear();
    this.generation++;
  }

  /**
   * The rules for one file or folder, given as a path or a URI. A code file is given with its
   * `language` and `text`, since its imports can make it a test; the result then depends on the
   * text, which every cache key holds already.
   */
  async forFile(pathOrUri: string, file: { language?: Language; text?: string } = {}): Promise<RulesInForce> {
    const generation = this.generation;
    if (/^[a-z][a-z0-9+.-]+:/i.test(pathOrUri) && !pathOrUri.startsWith('file:') && !/^[a-z]:[\\/]/i.test(pathOrUri)) {
      // An untitled document has no path, so only its text can make it a test.
      const { config } = configForFile(this.settings, registeredRules, { language: file.language, projectPath: '', text: file.text });
      return { rules: configuredRules(this.candidates, config), config, key: `${generation}` };
    }
    const filePath = pathOrUri.startsWith('file:') ? fileURLToPath(pathOrUri) : pathOrUri;
    const { loaded, config } = await this.files.forFile(filePath, { ...file, base: this.settings });
    if (loaded.file && !this.reported.has(loaded.file)) {
      this.reported.add(loaded.file);
      for (const problem of loaded.problems) this.report({ path: loaded.file, message: problem.path ? `${problem.path}: ${problem.message}` : problem.message });
    }
    return { rules: configuredRules(this.candidates, config), config, key: `${generation}:${loaded.file ?? ''}` };
  }

  /** Applies suppression comments to one file's findings and adds the findings about stale or malformed ones. */
  finish(findings: readonly Finding[], file: { uri: string; text: string; language: Language; lines?: LineIndex }, ran: { rules: readonly Rule[]; config: LensConfig }): Finding[] {
    return applyConfiguredPolicy(findings, file, ran, this.candidates, this.knownRuleIds);
  }
}
