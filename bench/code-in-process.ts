/**
 * In-process timings over the whole generated workspace, each in a fresh Node process so that
 * "cold" means cold: Prisma Lens's `analyzeCode` on every file (all code rules), Prisma Lens's
 * index pass alone (`indexText`: what the server's background pass does per file, the query sites
 * from a parse of the statements that name an operation), and ESLint's Node API with only
 * `no-await-in-loop` on the same files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeCode } from '../server/src/analysis/analyze';
import { modelsByDelegate } from '../server/src/analysis/code/operations';
import { buildSchema } from '../server/src/analysis/schema/build';
import { LineIndex } from '../server/src/analysis/text';
import { indexText } from '../server/src/workspace/code-index-core';
import { ownCpuMs } from './code-cpu';
import { createLinter, RULE, typeScriptMode } from './code-eslint';
import type { GeneratedSite } from './code-generate-workspace';

export interface PassTimes {
  /** The first pass in a fresh process: file reading, V8 compiling and optimizing the code on the way. */
  coldMs: number;
  /** Later passes over the same files in the same process. */
  warmMs: number[];
  /** CPU time of the same passes (cold first). */
  cpuMs: number[];
  /** Peak resident set of the measuring process (`maxRSS`). */
  peakRssMb: number;
  files: number;
}

export interface LensPass extends PassTimes {
  findings: number;
  nPlusOneFindings: number;
  /** Query sites found (index pass) or analysed (full analysis). */
  querySites: number;
  /** Generated N+1 sites the analysis did not report, and reports at no generated site (`path:line:character text`). */
  missed: string[];
  unexpected: string[];
  errors: number;
}

export interface EslintPass extends PassTimes {
  reports: number;
  /** Files ESLint could not parse: must be 0 for the numbers to mean anything. */
  fatal: number;
  /** What ESLint read: the TypeScript files, or their `ts.transpileModule` output. */
  target: string;
}

function listFiles(root: string, pattern: RegExp): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .flatMap((entry) => (entry.isDirectory() ? (entry.name === 'node_modules' ? [] : walk(join(dir, entry.name))) : pattern.test(entry.name) ? [join(dir, entry.name)] : []));
  return walk(root);
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Every code file of the workspace read from disk and analysed with every code rule, `passes` times. */
export function measureLensAnalysis(workspaceDir: string, expectedSites: readonly GeneratedSite[], passes: number, indexOnly: boolean): LensPass {
  const schemaPath = join(workspaceDir, 'prisma', 'schema.prisma');
  const files = listFiles(join(workspaceDir, 'src'), /\.tsx?$/);
  const expected = new Set(expectedSites.map((site) => `${site.path}:${site.line}:${site.character} ${site.text}`));
  const found = new Set<string>();
  const times: number[] = [];
  const cpu: number[] = [];
  let findings = 0;
  let querySites = 0;
  let errors = 0;
  for (let pass = 0; pass < passes; pass++) {
    findings = querySites = errors = 0;
    const start = performance.now();
    const startCpu = ownCpuMs();
    // The schema is part of the work: the server and the CLI build it from the file too.
    const schema = buildSchema([{ uri: pathToFileURL(schemaPath).href, text: readFileSync(schemaPath, 'utf8') }]);
    const delegates = modelsByDelegate(schema);
    for (const file of files) {
      const uri = pathToFileURL(file).href;
      const text = readFileSync(file, 'utf8');
      if (indexOnly) {
        querySites += indexText(uri, text, delegates).length;
        continue;
      }
      const analysis = analyzeCode({ uri, text }, schema);
      findings += analysis.findings.length;
      querySites += analysis.querySites.length;
      errors += analysis.errors.length;
      if (pass > 0) continue;
      const lines = new LineIndex(text);
      const path = relative(workspaceDir, file).split(sep).join('/');
      for (const finding of analysis.findings) {
        if (finding.ruleId !== 'n-plus-one') continue;
        const at = lines.positionAt(finding.span.start);
        found.add(`${path}:${at.line}:${at.character} ${text.slice(finding.span.start, finding.span.end)}`);
      }
    }
    times.push(performance.now() - start);
    cpu.push(ownCpuMs() - startCpu);
  }
  return {
    coldMs: times[0]!,
    warmMs: times.slice(1),
    cpuMs: cpu,
    peakRssMb: peakRssMb(),
    files: files.length,
    findings,
    nPlusOneFindings: found.size,
    querySites,
    missed: indexOnly ? [] : [...expected].filter((site) => !found.has(site)),
    unexpected: indexOnly ? [] : [...found].filter((site) => !expected.has(site)),
    errors,
  };
}

/**
 * ESLint's `lintFiles` over `lintDir` (the workspace itself when `@typescript-eslint/parser` is
 * installed, otherwise its transpiled JavaScript mirror), `passes` times with one ESLint instance.
 */
export async function measureEslintApi(lintDir: string, passes: number): Promise<EslintPass> {
  const mode = typeScriptMode();
  const eslint = createLinter(mode, lintDir);
  const times: number[] = [];
  const cpu: number[] = [];
  let reports = 0;
  let fatal = 0;
  let files = 0;
  for (let pass = 0; pass < passes; pass++) {
    const start = performance.now();
    const startCpu = ownCpuMs();
    const results = await eslint.lintFiles(['src']);
    times.push(performance.now() - start);
    cpu.push(ownCpuMs() - startCpu);
    files = results.length;
    reports = results.reduce((sum, result) => sum + result.messages.filter((message) => message.ruleId === RULE).length, 0);
    fatal = results.reduce((sum, result) => sum + result.messages.filter((message) => message.fatal).length, 0);
  }
  return {
    coldMs: times[0]!,
    warmMs: times.slice(1),
    cpuMs: cpu,
    peakRssMb: peakRssMb(),
    files,
    reports,
    fatal,
    target: mode.kind === 'typescript-eslint' ? 'TypeScript files' : 'transpiled JavaScript',
  };
}
