/**
 * ESLint's `no-await-in-loop`, the rule people reach for against N+1 loops, run through ESLint's
 * Node API with an inline flat config that enables only that rule. ESLint's own parser (espree)
 * reads JavaScript only: TypeScript is parsed by `@typescript-eslint/parser` when it is installed,
 * and otherwise turned into JavaScript first by `ts.transpileModule` (types removed, nothing
 * else changed for this rule), with each report mapped back to the TypeScript source through the
 * emitted source map. Reports are returned as the `await` (or `for await`) node they point at, as a
 * span of the original text.
 */
import { transformSync } from 'esbuild';
import { ESLint, type Linter } from 'eslint';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { decodeMappings, originalPosition, type SourceMapLines } from './code-source-map';

export const RULE = 'no-await-in-loop';
const ROOT = join(__dirname, '..');

/** How ESLint reads TypeScript in this run. */
export type TypeScriptMode = { kind: 'typescript-eslint'; parser: Linter.Parser; version: string } | { kind: 'transpiled'; typescriptVersion: string };

export function typeScriptMode(): TypeScriptMode {
  try {
    const path = require.resolve('@typescript-eslint/parser', { paths: [ROOT] });
    const version = (require(join(dirname(require.resolve('@typescript-eslint/parser/package.json', { paths: [ROOT] })), 'package.json')) as { version: string }).version;
    return { kind: 'typescript-eslint', parser: require(path) as Linter.Parser, version };
  } catch {
    return { kind: 'transpiled', typescriptVersion: ts.version };
  }
}

export function describeMode(mode: TypeScriptMode): string {
  return mode.kind === 'typescript-eslint'
    ? `\`@typescript-eslint/parser\` ${mode.version}`
    : `espree on \`ts.transpileModule\` output (TypeScript ${mode.typescriptVersion}), reports mapped back through its source map`;
}

/** How ESLint reads the generated workspace: a JavaScript copy is written before it is timed, unless it parses TypeScript itself. */
export function describeWorkspaceMode(mode: TypeScriptMode): string {
  return mode.kind === 'typescript-eslint' ? describeMode(mode) : 'espree on a JavaScript copy of the files with the types removed by esbuild';
}

/** The flat config: only `no-await-in-loop`, as an error so that the CLI's exit code says whether it reported. */
export function flatConfig(mode: TypeScriptMode): Linter.Config[] {
  const languageOptions: Linter.LanguageOptions = {
    ecmaVersion: 'latest',
    sourceType: 'module',
    parserOptions: { ecmaFeatures: { jsx: true } },
  };
  if (mode.kind === 'typescript-eslint') languageOptions.parser = mode.parser;
  return [{ files: ['**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts}'], languageOptions, rules: { [RULE]: 'error' } }];
}

export function createLinter(mode: TypeScriptMode, cwd: string): ESLint {
  return new ESLint({ cwd, overrideConfigFile: true, overrideConfig: flatConfig(mode), ignore: false });
}

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

export function isTypeScriptPath(path: string): boolean {
  return TYPESCRIPT_FILE.test(path);
}

/** `ts.transpileModule` settings that keep `async`/`await` and loops exactly as written. */
const TRANSPILE_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  jsx: ts.JsxEmit.Preserve,
  sourceMap: true,
  removeComments: false,
  experimentalDecorators: true,
};

export interface Transpiled {
  /** The JavaScript ESLint reads, and the path it is linted under. */
  code: string;
  path: string;
  map: SourceMapLines;
}

export function transpile(path: string, text: string): Transpiled {
  const output = ts.transpileModule(text, { fileName: path, compilerOptions: TRANSPILE_OPTIONS });
  const map = JSON.parse(output.sourceMapText ?? '{"mappings":""}') as { mappings: string };
  const code = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return { code, path: path.replace(/\.([cm]?)ts(x?)$/, '.$1js$2'), map: decodeMappings(map.mappings) };
}

/**
 * The JavaScript of a whole workspace's files for ESLint's own parser, written once before ESLint is
 * timed: esbuild removes the types (about ten times faster than `ts.transpileModule` on thousands of
 * files) and keeps `async`, `await` and every loop as written. Positions are not needed here, only
 * the reports' count and ESLint's time.
 */
export function stripTypes(path: string, text: string): { path: string; code: string } {
  const loader = /\.[cm]?tsx$/.test(path) ? 'tsx' : /\.[cm]?ts$/.test(path) ? 'ts' : /\.jsx$/.test(path) ? 'jsx' : 'js';
  const { code } = transformSync(text, { loader, format: 'esm', target: 'es2022', jsx: 'preserve', tsconfigRaw: { compilerOptions: { experimentalDecorators: true } } });
  return { path: path.replace(/\.([cm]?)ts(x?)$/, '.$1js$2'), code };
}

/** One `no-await-in-loop` report, as a span of the original (TypeScript or JavaScript) text. */
export interface AwaitReport {
  start: number;
  end: number;
  line: number;
}

/**
 * The `await` expressions (and `for await` loops) of the original text that start at the given
 * positions. ESLint reports the start of the node; the span comes from the original text's syntax
 * tree, so a report covers exactly the awaited expression as written, whichever parser ESLint used.
 */
function awaitNodesAt(path: string, text: string, starts: readonly number[]): (AwaitReport | undefined)[] {
  const kind = /\.tsx$/.test(path) ? ts.ScriptKind.TSX : /\.jsx$/.test(path) ? ts.ScriptKind.JSX : /\.[cm]?js$/.test(path) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
  const wanted = new Set(starts);
  const found = new Map<number, AwaitReport>();
  const visit = (node: ts.Node): void => {
    const isAwait = ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined);
    if (isAwait) {
      const start = node.getStart(source);
      if (wanted.has(start) && !found.has(start)) found.set(start, { start, end: node.getEnd(), line: source.getLineAndCharacterOfPosition(start).line });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return starts.map((start) => found.get(start));
}

export interface LintedFile {
  reports: AwaitReport[];
  /** Reports whose position did not map back to an `await` of the original text (should be none). */
  unmapped: string[];
  /** Parse errors: a file ESLint could not read reports nothing, which must not pass unnoticed. */
  fatal: string[];
}

/** Lints one file's text (TypeScript or JavaScript) with only `no-await-in-loop`. */
export async function lintSource(eslint: ESLint, mode: TypeScriptMode, path: string, text: string): Promise<LintedFile> {
  const transpiled = isTypeScriptPath(path) && mode.kind === 'transpiled' ? transpile(path, text) : undefined;
  const [result] = await eslint.lintText(transpiled?.code ?? text, { filePath: transpiled?.path ?? path });
  const fatal = (result?.messages ?? []).filter((message) => message.fatal).map((message) => `${path}:${message.line}: ${message.message}`);
  const messages = (result?.messages ?? []).filter((message) => message.ruleId === RULE);
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => match.index + 1)];
  const positions = messages.map((message) => {
    const generated = { line: message.line - 1, character: message.column - 1 };
    const original = transpiled ? originalPosition(transpiled.map, generated.line, generated.character) : generated;
    return original === undefined ? -1 : (lineStarts[original.line] ?? Infinity) + original.character;
  });
  const nodes = awaitNodesAt(path, text, positions);
  const reports: AwaitReport[] = [];
  const unmapped: string[] = [];
  nodes.forEach((node, index) => {
    if (node) reports.push(node);
    else unmapped.push(`${path}:${messages[index]!.line}:${messages[index]!.column} (${transpiled ? 'transpiled' : 'as written'})`);
  });
  return { reports, unmapped, fatal };
}
