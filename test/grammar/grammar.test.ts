/** Checks the TextMate grammars in syntaxes/ against the scope assertions in test/grammar/cases/. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRegistry, type IGrammarConfig } from 'vscode-tmgrammar-test/dist/common/index.js';
import {
  parseGrammarTestCase,
  runGrammarTestCase,
  type GrammarTestCase,
  type TestFailure,
} from 'vscode-tmgrammar-test/dist/unit/index.js';

const repoRoot = join(__dirname, '..', '..');
const casesDir = join(__dirname, 'cases');

// The injection is tested inside VS Code's own TypeScript, JavaScript and SQL grammars, which no npm
// package ships; the code-server that the end-to-end tests install carries the exact copies.
const builtinExtensionsDir = join(
  repoRoot,
  '.cache',
  'code-server',
  'node_modules',
  'code-server',
  'lib',
  'vscode',
  'extensions',
);
function builtinGrammar(scopeName: string, extension: string, file: string): IGrammarConfig {
  return { scopeName, path: join(builtinExtensionsDir, extension, 'syntaxes', file) };
}
const builtinGrammars = [
  builtinGrammar('source.ts', 'typescript-basics', 'TypeScript.tmLanguage.json'),
  builtinGrammar('source.tsx', 'typescript-basics', 'TypeScriptReact.tmLanguage.json'),
  builtinGrammar('source.js', 'javascript', 'JavaScript.tmLanguage.json'),
  builtinGrammar('source.sql', 'sql', 'sql.tmLanguage.json'),
];

interface ContributedGrammar {
  scopeName: string;
  path: string;
  injectTo?: string[];
  embeddedLanguages?: Record<string, string>;
}

interface ExtensionManifest {
  contributes: { grammars: ContributedGrammar[]; languages: { id: string; configuration?: string }[] };
}

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as ExtensionManifest;
const contributedGrammars = manifest.contributes.grammars.map((grammar) => ({
  ...grammar,
  path: join(repoRoot, grammar.path),
}));

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Fails with the install command when code-server's built-in grammars are not on disk. */
function assertBuiltinGrammarsPresent(): void {
  const missing = builtinGrammars.filter((grammar) => !existsSync(grammar.path));
  if (missing.length === 0) return;
  assert.fail(
    `VS Code's built-in grammars are missing (${missing.map((grammar) => grammar.scopeName).join(', ')}); ` +
      `they are read from ${relative(repoRoot, builtinExtensionsDir)}. ` +
      'Install code-server with `bash test/e2e/install-code-server.sh` and run the grammar tests again.',
  );
}

function describeFailure(caseFile: string, testCase: GrammarTestCase, failure: TestFailure): string {
  const source = testCase.source[failure.srcLine] ?? '';
  const lines = [
    `${caseFile}:${failure.line + 1}: columns ${failure.start}-${failure.end} ` +
      `(${JSON.stringify(source.slice(failure.start, failure.end))}) of ${JSON.stringify(source)}`,
  ];
  if (failure.missing.length > 0) lines.push(`  missing:    ${failure.missing.join(' ')}`);
  if (failure.unexpected.length > 0) lines.push(`  unexpected: ${failure.unexpected.join(' ')}`);
  lines.push(`  actual:     ${failure.actual.length > 0 ? failure.actual.join(' ') : '(no token)'}`);
  return lines.join('\n');
}

function assertionCount(testCase: GrammarTestCase): number {
  return testCase.assertions.reduce((sum, line) => sum + line.scopeAssertions.length, 0);
}

test('package.json contributes grammars whose files declare the same scope names', () => {
  for (const grammar of contributedGrammars) {
    assert.ok(existsSync(grammar.path), `${grammar.path} is missing`);
    assert.equal(readJson(grammar.path).scopeName, grammar.scopeName, `scopeName of ${grammar.path}`);
  }
});

test('the SQL injection grammar is selected in every scope it is injected into', () => {
  const injection = contributedGrammars.find((grammar) => grammar.injectTo !== undefined);
  assert.ok(injection, 'package.json contributes no injection grammar');
  const selector = String(readJson(injection.path).injectionSelector);
  for (const scope of injection.injectTo ?? []) {
    assert.match(selector, new RegExp(`(^|,)\\s*L:${scope.replaceAll('.', '\\.')}\\s`), `selector lacks ${scope}`);
  }
  // VS Code marks the embedded region as SQL only through this mapping, so comment toggling and
  // bracket matching inside a raw query follow SQL's rules.
  assert.equal(injection.embeddedLanguages?.['meta.embedded.block.sql'], 'sql');
});

test('the Prisma language configuration parses and its patterns compile', () => {
  const language = manifest.contributes.languages.find((entry) => entry.id === 'prisma');
  assert.ok(language?.configuration, 'package.json declares no configuration for the prisma language');
  const configuration = readJson(join(repoRoot, language.configuration)) as {
    wordPattern: string;
    folding: { markers: { start: string; end: string } };
    indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
  };
  const patterns = [
    configuration.wordPattern,
    configuration.folding.markers.start,
    configuration.folding.markers.end,
    configuration.indentationRules.increaseIndentPattern,
    configuration.indentationRules.decreaseIndentPattern,
  ];
  for (const pattern of patterns) assert.doesNotThrow(() => new RegExp(pattern), pattern);
  assert.ok(new RegExp(configuration.folding.markers.start).test('model User {'));
  assert.ok(new RegExp(configuration.folding.markers.end).test('}'));
});

test('grammar cases', async (t) => {
  // Prisma cases need nothing but our own grammars, so they still run when code-server is absent.
  const registry = createRegistry([
    ...contributedGrammars,
    ...builtinGrammars.filter((grammar) => existsSync(grammar.path)),
  ]);
  const caseFiles = readdirSync(casesDir)
    .filter((name) => name.endsWith('.test'))
    .sort();
  assert.ok(caseFiles.length > 0, `no *.test files in ${casesDir}`);

  let total = 0;
  for (const caseFile of caseFiles) {
    await t.test(caseFile, async () => {
      const testCase = parseGrammarTestCase(readFileSync(join(casesDir, caseFile), 'utf8'));
      if (!contributedGrammars.some((grammar) => grammar.scopeName === testCase.metadata.scope)) {
        assertBuiltinGrammarsPresent();
      }
      const count = assertionCount(testCase);
      // Assertions the runner does not recognise (say, under another comment token) are read as
      // source lines, which would leave the case with nothing to check and let it pass silently.
      assert.ok(count > 0, `${caseFile} contains no scope assertions`);
      assert.ok(
        (await registry.loadGrammar(testCase.metadata.scope)) !== null,
        `no grammar for ${testCase.metadata.scope}`,
      );
      const failures = await runGrammarTestCase(registry, testCase);
      total += count;
      assert.equal(
        failures.length,
        0,
        `${failures.length} of ${count} scope assertions failed:\n` +
          failures.map((failure) => describeFailure(caseFile, testCase, failure)).join('\n'),
      );
    });
  }
  t.diagnostic(`${total} scope assertions in ${caseFiles.length} case files`);
});
