/**
 * Configuration and suppressions for the CLI: the rules each file runs under (its nearest
 * `.prismalens.json`, the same file the editor reads) and the suppression comments applied to its
 * findings, exactly as the language server applies them.
 */
import { applyConfiguredPolicy } from '../analysis/policy/apply';
import { configuredRules, type LensConfig } from '../analysis/policy/config';
import { rules as registeredRules } from '../analysis/rules/index';
import type { Finding, Language, Rule } from '../analysis/rules/types';
import { ConfigFiles, type FileToConfigure } from '../workspace/config-file';
import type { CheckOutcome } from './check';

export class CliPolicy {
  private readonly configs = new ConfigFiles(registeredRules);
  private readonly reported = new Set<string>();
  private readonly knownRuleIds = new Set(registeredRules.map((rule) => rule.id));

  /** `candidates`: the rules the command may run (all registered ones unless a caller narrows them). */
  constructor(
    private readonly candidates: readonly Rule[],
    private readonly outcome: CheckOutcome,
  ) {}

  /**
   * The rules that run for a file or folder, with their configured severities (overrides applied;
   * a code file given with its `text` may be a test, seed or script); configuration problems become
   * warnings once per file.
   */
  async rulesFor(fileOrFolder: string, file: FileToConfigure = {}): Promise<{ rules: Rule[]; config: LensConfig }> {
    const { loaded, config } = await this.configs.forFile(fileOrFolder, file);
    if (loaded.file && !this.reported.has(loaded.file)) {
      this.reported.add(loaded.file);
      for (const problem of loaded.problems) this.outcome.warnings.push({ path: loaded.file, message: problem.path ? `${problem.path}: ${problem.message}` : problem.message });
    }
    return { rules: configuredRules(this.candidates, config), config };
  }

  /** Applies the file's suppression comments to its findings and adds findings about stale or malformed ones. */
  finish(findings: readonly Finding[], file: { uri: string; text: string; language: Language }, ran: { rules: readonly Rule[]; config: LensConfig }): Finding[] {
    return applyConfiguredPolicy(findings, file, ran, this.candidates, this.knownRuleIds);
  }
}
