/**
 * `prisma-lens check` on the generated code workspace beside the `eslint` CLI with only
 * `no-await-in-loop`, each a spawned process timed from spawn to exit, alternating.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LENS_CLI } from './cli';
import { childrenCpuMs } from './code-cpu';
import { RULE, typeScriptMode } from './code-eslint';
import { summarize, type Summary } from './stats';

const ROOT = join(__dirname, '..');
const ESLINT_CLI = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

export interface CodeCliTimes {
  lens: Summary;
  eslint: Summary;
  /** CPU time of the same runs (user + system, every thread of the process). */
  lensCpu: Summary;
  eslintCpu: Summary;
  lensExitCode: number;
  eslintExitCode: number;
  /** Findings per rule in the CLI's JSON. */
  lensFindingsByRule: Record<string, number>;
  eslintReports: number;
  eslintFatal: number;
}

interface Run {
  ms: number;
  cpuMs: number;
  status: number;
  stdout: string;
  stderr: string;
}

function runProcess(args: string[], cwd: string): Run {
  const start = performance.now();
  const startCpu = childrenCpuMs();
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (child.error) throw child.error;
  return { ms, cpuMs: childrenCpuMs() - startCpu, status: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
}

/**
 * Writes the flat config the ESLint CLI reads: the same one the API runs (only `no-await-in-loop`,
 * and `@typescript-eslint/parser` when it is installed).
 */
function writeEslintConfig(dir: string): string {
  const mode = typeScriptMode();
  const parser = mode.kind === 'typescript-eslint' ? `parser: require(${JSON.stringify(require.resolve('@typescript-eslint/parser', { paths: [ROOT] }))}),` : '';
  const path = join(dir, 'eslint.config.cjs');
  writeFileSync(
    path,
    `module.exports = [{ files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], languageOptions: { ${parser} ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } }, rules: { '${RULE}': 'error' } }];\n`,
  );
  return path;
}

function parseJson(run: Run, label: string): unknown {
  try {
    return JSON.parse(run.stdout);
  } catch {
    const said = (run.stderr.trim() || run.stdout.trim()).split('\n')[0]?.slice(0, 300) ?? '';
    throw new Error(`${label} printed no JSON (exit code ${run.status})${said ? `: ${said}` : ''}`);
  }
}

export function measureCodeCli(workspaceDir: string, eslintDir: string, runs: number): CodeCliTimes {
  const lensArgs = [LENS_CLI, 'check', workspaceDir, '--format', 'json'];
  const eslintArgs = [ESLINT_CLI, '--config', writeEslintConfig(eslintDir), '--format', 'json', 'src'];
  // No unmeasured run first: the benchmark's earlier passes over the same files filled the file-system cache.
  const lensRuns: Run[] = [];
  const eslintRuns: Run[] = [];
  for (let run = 0; run < runs; run++) {
    lensRuns.push(runProcess(lensArgs, ROOT));
    eslintRuns.push(runProcess(eslintArgs, eslintDir));
  }
  const [firstLens, firstEslint] = [lensRuns[0]!, eslintRuns[0]!];
  // Exit code 1 means "reported something"; anything else means the run did not do the work timed here.
  for (const run of lensRuns) if (run.status !== 0 && run.status !== 1) throw new Error(`prisma-lens check exited with ${run.status}: ${run.stderr.slice(0, 500)}`);
  for (const run of eslintRuns) if (run.status !== 0 && run.status !== 1) throw new Error(`eslint exited with ${run.status}: ${run.stderr.slice(0, 500)}`);

  const lensJson = parseJson(firstLens, 'prisma-lens check') as { findings: { rule: string }[] };
  const lensFindingsByRule: Record<string, number> = {};
  for (const finding of lensJson.findings) lensFindingsByRule[finding.rule] = (lensFindingsByRule[finding.rule] ?? 0) + 1;
  const eslintJson = parseJson(firstEslint, 'eslint') as { messages: { ruleId: string | null; fatal?: boolean }[] }[];
  const eslintReports = eslintJson.reduce((sum, file) => sum + file.messages.filter((message) => message.ruleId === RULE).length, 0);
  const eslintFatal = eslintJson.reduce((sum, file) => sum + file.messages.filter((message) => message.fatal).length, 0);
  const lens = lensRuns.map((run) => run.ms);
  const eslint = eslintRuns.map((run) => run.ms);
  return {
    lens: summarize(lens),
    eslint: summarize(eslint),
    lensCpu: summarize(lensRuns.map((run) => run.cpuMs)),
    eslintCpu: summarize(eslintRuns.map((run) => run.cpuMs)),
    lensExitCode: firstLens.status,
    eslintExitCode: firstEslint.status,
    lensFindingsByRule,
    eslintReports,
    eslintFatal,
  };
}
