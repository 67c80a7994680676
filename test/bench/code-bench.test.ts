/**
 * The code benchmark's own pieces: the generated workspace is valid TypeScript whose labelled N+1
 * sites are exactly what `n-plus-one` reports, and ESLint reports on TypeScript map back to the
 * `await` they point at.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { createLinter, lintSource, typeScriptMode } from '../../bench/code-eslint';
import { generateWorkspace } from '../../bench/code-generate-workspace';
import { analyzeCode } from '../../server/src/analysis/analyze';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { LineIndex } from '../../server/src/analysis/text';
import { FIXTURE_ROOT } from '../support/fixture';

const workspace = generateWorkspace(40);

describe('generated code workspace', () => {
  it('is deterministic', () => {
    assert.deepEqual(generateWorkspace(40), workspace);
  });

  it('has files of about 200 lines, of every kind, some with an N+1 and most without', () => {
    const generated = workspace.files.filter((file) => file.path.startsWith('src/app') || file.path.startsWith('src/services') || file.path.startsWith('src/jobs'));
    assert.equal(generated.length, 40);
    for (const file of generated) {
      const lines = file.text.split('\n').length;
      assert.ok(lines >= 170 && lines <= 230, `${file.path} has ${lines} lines`);
    }
    assert.deepEqual(new Set(generated.map((file) => file.kind)), new Set(['route', 'service', 'job']));
    const withNPlusOne = generated.filter((file) => file.nPlusOne.length > 0).length;
    assert.ok(withNPlusOne > 0 && withNPlusOne < generated.length / 2, `${withNPlusOne} of ${generated.length} files have an N+1`);
  });

  it('is valid TypeScript', () => {
    // One program over every file, read from memory: syntax only (the imported packages are not installed).
    const texts = new Map(workspace.files.map((file) => [`/workspace/${file.path}`, file.text]));
    const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, experimentalDecorators: true, noLib: true, noResolve: true, types: [] };
    const host = ts.createCompilerHost(options);
    host.getSourceFile = (name, language) => (texts.has(name) ? ts.createSourceFile(name, texts.get(name)!, language) : undefined);
    host.fileExists = (name) => texts.has(name);
    host.readFile = (name) => texts.get(name);
    const program = ts.createProgram([...texts.keys()], options, host);
    const problems = program.getSyntacticDiagnostics().map((diagnostic) => `${diagnostic.file?.fileName}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    assert.deepEqual(problems, []);
    assert.equal(program.getSourceFiles().length, workspace.files.length);
  });

  it('labels exactly the N+1 sites n-plus-one reports', () => {
    const schema = buildSchema([{ uri: `${FIXTURE_ROOT}prisma/schema.prisma`, text: workspace.schema }]);
    for (const file of workspace.files) {
      const analysis = analyzeCode({ uri: `${FIXTURE_ROOT}${file.path}`, text: file.text }, schema);
      assert.deepEqual(analysis.errors, []);
      const lines = new LineIndex(file.text);
      const reported = analysis.findings
        .filter((finding) => finding.ruleId === 'n-plus-one')
        .map((finding) => ({ ...lines.positionAt(finding.span.start), text: file.text.slice(finding.span.start, finding.span.end) }));
      const labelled = file.nPlusOne.map((site) => ({ line: site.line, character: site.character, text: site.text }));
      assert.deepEqual(reported, labelled, file.path);
    }
  });
});

describe('ESLint no-await-in-loop on TypeScript', () => {
  it('maps each report to the await it points at, in the TypeScript text', async () => {
    const text = [
      'interface Row { id: number }',
      'type Ids = number[];',
      'export async function load(ids: Ids): Promise<Row[]> {',
      '  const rows: Row[] = [];',
      '  for (const id of ids as number[]) {',
      '    const row = (await fetchRow(id)) as Row;',
      '    rows.push(row);',
      '  }',
      '  await Promise.all(ids.map(async (id: number) => await fetchRow(id)));',
      '  return rows;',
      '}',
      'declare function fetchRow(id: number): Promise<Row>;',
    ].join('\n');
    const mode = typeScriptMode();
    const linted = await lintSource(createLinter(mode, process.cwd()), mode, 'src/load.ts', text);
    assert.deepEqual(linted.fatal, []);
    assert.deepEqual(linted.unmapped, []);
    // Only the await directly in the for loop: the one in the callback is in a function of its own.
    assert.deepEqual(
      linted.reports.map((report) => text.slice(report.start, report.end)),
      ['await fetchRow(id)'],
    );
    assert.equal(linted.reports[0]!.line, 5);
  });
});
