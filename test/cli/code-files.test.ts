/** `prisma-lens check` on TypeScript/JavaScript files: n-plus-one in the JSON contract, text and SARIF, what is skipped, bad input. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { main, type CliIo } from '../../server/src/cli/main';
import { removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

after(removeTempProjects);

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

/** An N+1 whose query starts at line 5, column 11 (1-based) and ends before column 31. */
const LOADER = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export async function postsOf(authorIds: number[]) {
  for (const authorId of authorIds) {
    await prisma.post.findMany({ where: { authorId } });
  }
}
`;
const AT = { line: 5, column: 11, endLine: 5, endColumn: 31 };

/** The same loop over a delegate the schema does not declare: not a Prisma query of this project. */
const NOT_A_MODEL = LOADER.replace('prisma.post.findMany', 'prisma.audit.findMany');

function fakeIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { cwd, env: {}, stdout: { write: (text: string) => out.push(text) }, stderr: { write: (text: string) => err.push(text) } };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

type JsonFinding = Record<string, unknown> & { rule: string; file: string };

async function checkJson(cwd: string, args: string[]): Promise<{ status: number; findings: JsonFinding[]; stderr: string }> {
  const cli = fakeIo(cwd);
  const status = await main(['check', ...args, '--format', 'json'], cli.io);
  return { status, findings: (JSON.parse(cli.stdout()) as { findings: JsonFinding[] }).findings, stderr: cli.stderr() };
}

const nPlusOne = (findings: JsonFinding[]): JsonFinding[] => findings.filter((finding) => finding.rule === 'n-plus-one');

async function project(extra: Record<string, string> = {}): Promise<string> {
  return tempProject({
    'package.json': '{"name":"shop"}',
    'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
    'src/load.ts': LOADER,
    'src/audit.ts': NOT_A_MODEL,
    ...extra,
  });
}

describe('prisma-lens check: code files', () => {
  it('reports the N+1 of a project folder in the JSON contract, from the built CLI', async () => {
    const root = await project({
      '.gitignore': 'scratch/\n',
      'scratch/try.ts': LOADER,
      'node_modules/lib/index.ts': LOADER,
      'dist/load.js': LOADER,
    });
    const result = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], { cwd: root, encoding: 'utf8' });
    assert.equal(result.status, 1, result.stderr);
    const found = nPlusOne(JSON.parse(result.stdout).findings);
    assert.equal(found.length, 1, 'ignored, dependency and build folders are skipped; an undeclared delegate is no query');
    const [finding] = found;
    assert.deepEqual(Object.keys(finding!).slice(0, 8), ['rule', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message']);
    assert.deepEqual(
      { file: finding!.file, severity: finding!.severity, line: finding!.line, column: finding!.column, endLine: finding!.endLine, endColumn: finding!.endColumn },
      { file: 'src/load.ts', severity: 'warning', ...AT },
    );
    assert.match(String(finding!.message), /: "prisma\.post\.findMany" runs once per "authorId" of "authorIds" \(for…of\)/);
    assert.match(String(finding!.docs), /n-plus-one\.md$/);
  });

  it('checks a code file argument against its project schema and reports only that file', async () => {
    const root = await project();
    const result = await checkJson(root, ['src/load.ts']);
    assert.equal(result.status, 1);
    assert.deepEqual([...new Set(result.findings.map((finding) => finding.file))], ['load.ts'], 'no schema finding for a code file argument');
    assert.deepEqual(nPlusOne(result.findings).map(({ line, column }) => ({ line, column })), [{ line: AT.line, column: AT.column }]);
    assert.deepEqual((await checkJson(root, ['src/audit.ts'])).findings, [], 'the schema declares no Audit model');
  });

  it('names the code files in the text summary and the SARIF results', async () => {
    const root = await project();
    const text = fakeIo(root);
    await main(['check'], text.io);
    assert.match(text.stdout(), /^src\/load\.ts:5:11 {2}warning {2}N queries where one would do: "prisma\.post\.findMany" runs once per/m);
    assert.match(text.stdout(), / in 1 schema and 2 code files\n$/);

    const sarif = fakeIo(root);
    await main(['check', '--format', 'sarif'], sarif.io);
    const results = (JSON.parse(sarif.stdout()) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[] }[] }).runs[0]!.results;
    const result = results.find((entry) => entry.ruleId === 'n-plus-one');
    assert.ok(result, 'SARIF has the n-plus-one result');
    assert.equal(result.locations[0]!.physicalLocation.artifactLocation.uri, 'src/load.ts');
    assert.deepEqual(result.locations[0]!.physicalLocation.region, { startLine: 5, startColumn: 11, endLine: 5, endColumn: 31 });
  });

  it('still reviews code when no schema is found, and fails as an input error', async () => {
    const root = await tempProject({ 'package.json': '{"name":"api"}', 'src/load.ts': LOADER });
    const result = await checkJson(root, []);
    assert.equal(result.status, 2, 'a folder with no Prisma project is an input error, even when its code has findings');
    assert.deepEqual(nPlusOne(result.findings).map((finding) => finding.file), ['src/load.ts']);
    assert.match(result.stderr, /no Prisma project in \. \(/);
  });

  it('warns about an unreadable code file in a folder, and fails on one named explicitly', async () => {
    const root = await project({ 'src/blob.js': `${LOADER}\u0000\u0001` });
    const walked = await checkJson(root, []);
    assert.equal(walked.status, 1, 'a binary file found by the walk is a warning, not an input error');
    assert.match(walked.stderr, /warning: src\/blob\.js: the file contains binary data \(NUL bytes\)/);
    assert.equal(nPlusOne(walked.findings).length, 1);

    const named = await checkJson(root, ['src/blob.js']);
    assert.equal(named.status, 2);
    assert.match(named.stderr, /src\/blob\.js: the file contains binary data \(NUL bytes\), so it is not analysed$/m);
  });

  it('does not crash on half-typed code', async () => {
    const root = await project({ 'src/draft.ts': 'export async function f(ids) {\n  for (const id of ids) {\n    await prisma.user.findFirst({ where: { id ' });
    const result = await checkJson(root, ['src/draft.ts']);
    assert.ok(result.status === 0 || result.status === 1, result.stderr);
    assert.equal(result.stderr, '');
  });
});
