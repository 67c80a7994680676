/** The built `prisma-lens` command, run as users and CI run it: exit codes, the JSON contract, text and SARIF output. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CLEAN_SCHEMA, CLIENT, POSTGRES, removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject, USER_AND_POST, writeFiles } from '../workspace/tempProject';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const VERSION: string = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
const DOCS = pathToFileURL(path.join(__dirname, '..', '..', 'docs', 'rules', 'missing-fk-index.md')).toString();

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[], cwd = REPO): Run {
  const env = { ...process.env };
  delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function json(result: Run) {
  return JSON.parse(result.stdout) as { findings: Record<string, unknown>[] };
}

/** `npm test` builds first; a direct run rebuilds when a source is newer than the bundle. */
before(() => {
  const bundled = statSync(CLI, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = Math.max(statSync(path.join(REPO, 'package.json')).mtimeMs, ...sourceTimes(path.join(REPO, 'server', 'src')));
  if (newest <= bundled) return;
  const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(build.status, 0, `the build failed:\n${build.stderr}`);
});

function sourceTimes(folder: string): number[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? sourceTimes(full) : [statSync(full).mtimeMs];
  });
}

after(removeTempProjects);

const POST_FINDING = {
  rule: 'missing-fk-index',
  severity: 'warning',
  message: 'Deleting from "User" or loading "User.posts" scans all of "Post": "Post.authorId" has no index.',
  help: 'Add "@@index([authorId])" to model "Post". Each delete or key update on "User" looks up its "Post" rows to apply ON DELETE RESTRICT.',
};

describe('prisma-lens check on examples/blog', () => {
  it('reports the five unindexed foreign keys and the N+1 of src/feed.ts as text and exits 1', () => {
    const result = run(['check', 'examples/blog']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    const locations = result.stdout
      .split('\n')
      .filter((line) => /^\S+:\d+:\d+ .*\[missing-fk-index\]$/.test(line))
      .map((line) => line.split('  ')[0]);
    assert.deepEqual(locations, [
      'prisma/schema.prisma:29:3',
      'prisma/schema.prisma:50:3',
      'prisma/schema.prisma:73:3',
      'prisma/schema.prisma:87:3',
      'prisma/schema.prisma:96:3',
    ]);
    assert.ok(result.stdout.includes('prisma/schema.prisma:50:3  warning  Deleting from "User" or loading "User.posts" scans the whole "posts" table: "Post.authorId" has no index.'));
    assert.ok(result.stdout.includes('  [missing-fk-index]\n    help: Add "@@index([authorId])" to model "Post".'));
    // src/account.ts deletes users, so every key to "User" is needed; src/tags.ts reads tags and post tags, but nothing reads post tags by "tagId" or deletes a tag.
    assert.ok(result.stdout.includes('prisma/schema.prisma:87:3  info  Deleting from "Tag" or loading "Tag.posts" scans all of "PostTag": "PostTag.tagId" has no index. No query in the workspace needs it yet.'));
    assert.ok(result.stdout.includes('\nsrc/feed.ts:10:26  warning  1 + N queries: "prisma.user.findFirst" runs once per "post" of "posts" (for…of).  [n-plus-one]\n'));
    assert.match(result.stdout, /\n\n\d+ problems \(0 errors, \d+ warnings(, \d+ infos)?\) in 1 schema and 3 code files\n$/);
    assert.ok(!result.stdout.includes('\u001b['), 'no colours when stdout is not a terminal');
  });

  it('reports the same findings as JSON, sorted, with the contract keys first', () => {
    const result = run(['check', 'examples/blog', '--format', 'json']);
    assert.equal(result.status, 1);
    const { findings } = json(result);
    assert.deepEqual(
      findings.filter((finding) => finding.rule === 'missing-fk-index' || finding.rule === 'n-plus-one').map((finding) => [finding.file, finding.line, finding.column, finding.endColumn]),
      [
        ['prisma/schema.prisma', 29, 3, 14],
        ['prisma/schema.prisma', 50, 3, 11],
        ['prisma/schema.prisma', 73, 3, 11],
        ['prisma/schema.prisma', 87, 3, 8],
        ['prisma/schema.prisma', 96, 3, 11],
        ['src/feed.ts', 10, 26, 47],
      ],
    );
    for (const finding of findings) {
      assert.deepEqual(Object.keys(finding), ['rule', 'severity', 'file', 'line', 'column', 'endLine', 'endColumn', 'message', 'help', 'docs']);
    }
  });

  it('accepts the schema file itself as the path', () => {
    const result = run(['check', 'examples/blog/prisma/schema.prisma', '--format=json']);
    assert.equal(result.status, 1);
    const fkFindings = json(result).findings.filter((finding) => finding.rule === 'missing-fk-index');
    assert.deepEqual(fkFindings.map((finding) => `${finding.file}:${finding.line}`), [
      'schema.prisma:29',
      'schema.prisma:50',
      'schema.prisma:73',
      'schema.prisma:87',
      'schema.prisma:96',
    ]);
  });
});

describe('prisma-lens check: the JSON contract', () => {
  it('prints exactly this for a one-finding project', async () => {
    const root = await tempProject({ 'package.json': '{"name":"small"}', 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const result = run(['check', '--format', 'json'], root);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    assert.deepEqual(JSON.parse(result.stdout), {
      findings: [
        {
          rule: 'missing-fk-index',
          severity: 'warning',
          file: 'prisma/schema.prisma',
          line: 17,
          column: 3,
          endLine: 17,
          endColumn: 11,
          message: POST_FINDING.message,
          help: POST_FINDING.help,
          docs: DOCS,
        },
      ],
    });
  });

  it('prints an empty list and exits 0 for a clean project', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': CLEAN_SCHEMA });
    const result = run(['check', '--format', 'json'], root);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, '{\n  "findings": []\n}\n');
  });

  it('makes paths relative to the folder that holds all given paths', async () => {
    const root = await tempProject({
      'apps/a/package.json': '{"name":"a"}',
      'apps/a/prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'apps/b/package.json': '{"name":"b"}',
      'apps/b/prisma/schema/main.prisma': `${CLIENT}\n${POSTGRES}`,
      'apps/b/prisma/schema/blog.prisma': USER_AND_POST,
    });
    const result = run(['check', 'apps/b', 'apps/a', '--format', 'json'], root);
    assert.equal(result.status, 1);
    assert.deepEqual(json(result).findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}`), [
      'a/prisma/schema.prisma:17:3',
      'b/prisma/schema/blog.prisma:8:3',
    ]);
  });

  it('reviews a file argument with the rest of its schema but reports only that file', async () => {
    const root = await tempProject({
      'package.json': '{"name":"multi"}',
      'prisma/schema/main.prisma': `${POSTGRES}\nmodel User {\n  id       Int       @id\n  posts    Post[]\n  comments Comment[]\n}\n`,
      'prisma/schema/post.prisma': `model Post {\n  id       Int       @id\n  authorId Int\n  author   User      @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  comments Comment[]\n}\n`,
      'prisma/schema/comment.prisma': `model Comment {\n  id     Int  @id\n  postId Int\n  post   Post @relation(fields: [postId], references: [id], onDelete: Cascade)\n  User   User? @relation(fields: [userId], references: [id])\n  userId Int?\n}\n`,
    });
    const result = run(['check', 'prisma/schema/post.prisma', '--format', 'json'], root);
    assert.equal(result.status, 1);
    assert.deepEqual(json(result).findings.map((finding) => `${finding.file}:${finding.line} ${finding.rule}`), [
      'post.prisma:3 missing-fk-index',
    ]);
    const whole = json(run(['check', '--format', 'json'], root)).findings.map((finding) => finding.file);
    assert.deepEqual(whole, ['prisma/schema/comment.prisma', 'prisma/schema/comment.prisma', 'prisma/schema/post.prisma']);
  });
});

describe('prisma-lens check: what is skipped', () => {
  it('ignores copies of schemas in node_modules and generated clients', async () => {
    const root = await tempProject({
      'package.json': '{"name":"app"}',
      'prisma/schema.prisma': `generator client {\n  provider = "prisma-client-js"\n  output   = "../src/generated/prisma"\n}\n${CLEAN_SCHEMA}`,
      'src/generated/prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'node_modules/.prisma/client/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'node_modules/@acme/db/prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING,
      'node_modules/@acme/db/package.json': '{"name":"@acme/db"}',
    });
    const result = run(['check'], root);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, 'No problems in 1 schema.\n');
    assert.equal(result.stderr, '');
  });

  it("still reports the readable parts of a broken schema, after Prisma's own errors", async () => {
    const root = await tempProject({
      'prisma/schema.prisma': `${POSTGRES}\nmodel Broken {\n  id Int @id\n  this is not prisma ((\n}\n\nmodel Unterminated {\n  id Int @id\n\n${USER_AND_POST}`,
    });
    const result = run(['check', '--format', 'json'], root);
    assert.equal(result.status, 1);
    assert.deepEqual(json(result).findings.map((finding) => `${finding.rule} ${finding.line}:${finding.column}`), [
      'schema-error 8:3',
      'schema-error 11:1',
      'schema-error 14:1',
      'schema-error 15:3',
      'missing-fk-index 21:3',
      'schema-error 22:12',
    ]);
  });
});

describe('prisma-lens: exit status 2 and messages', () => {
  const usage: [string[], RegExp][] = [
    [['check', '--bogus'], /^prisma-lens: unknown option '--bogus' \(see prisma-lens --help\)\n$/],
    [['check', '--format', 'xml'], /^prisma-lens: unknown format 'xml' \(expected text, json or sarif\)/],
    [['check', '--format'], /^prisma-lens: option '--format' needs a value/],
    [['lint'], /^prisma-lens: unknown command 'lint'/],
    [[], /^prisma-lens: missing command/],
    [['check', 'does/not/exist'], /^prisma-lens: path not found: does\/not\/exist\n$/],
  ];
  for (const [args, message] of usage) {
    it(`rejects ${JSON.stringify(args.join(' '))}`, () => {
      const result = run(args);
      assert.equal(result.status, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trimEnd().split('\n').length, 1, 'one line');
    });
  }

  it('exits 2 on an unreadable schema file, after reporting the readable ones', async () => {
    const root = await tempProject({
      'prisma/schema/main.prisma': `${POSTGRES}\n${USER_AND_POST}`,
      'prisma/schema/junk.prisma': new Uint8Array([0x00, 0x01, 0x02, 0x00]),
    });
    const result = run(['check', '--format', 'json'], root);
    assert.equal(result.status, 2);
    assert.equal(json(result).findings.length, 1);
    assert.equal(result.stderr, 'prisma-lens: prisma/schema/junk.prisma: the file holds binary data (NUL bytes); it was not analysed\n');
  });

  it('exits 2 when a folder holds no Prisma project, saying where it looked', async () => {
    const root = await tempProject({ 'README.md': '# nothing here' });
    const result = run(['check'], root);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, 'No Prisma schema found.\n');
    assert.equal(
      result.stderr,
      `prisma-lens: no Prisma project in . (${root}): looked there and in its subfolders for prisma.config.*, package.json "prisma.schema", ` +
        'schema.prisma, prisma/schema.prisma, prisma/schema/ and any other .prisma file (skipping node_modules, build output and hidden folders), ' +
        'and for migration folders (migration.sql, migration_lock.toml)\n',
    );
  });

  it('warns about a config it cannot follow and reviews the schema anyway', async () => {
    const root = await tempProject({ 'prisma.config.ts': `export default { schema: 'gone.prisma' }`, 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const result = run(['check'], root);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "prisma-lens: warning: prisma.config.ts: the schema it names, gone.prisma, does not exist; using Prisma's default locations instead\n");
  });
});

describe('prisma-lens: help, version, --output', () => {
  it('prints help and the version', () => {
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: prisma-lens check \[paths\.\.\.\] \[options\]/);
    assert.deepEqual(run(['check', '-h']).stdout, help.stdout);
    const version = run(['--version']);
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `${VERSION}\n`);
  });

  it('writes the report to --output and nothing to stdout', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const result = run(['check', '--format', 'json', '--output', 'report.json'], root);
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(JSON.parse(readFileSync(path.join(root, 'report.json'), 'utf8')).findings.length, 1);
    const unwritable = run(['check', '-o', 'missing-folder/report.txt'], root);
    assert.equal(unwritable.status, 2);
    assert.match(unwritable.stderr, /^prisma-lens: cannot write missing-folder\/report.txt \(ENOENT\)\n$/);
  });
});

describe('prisma-lens check --format sarif', () => {
  it('describes the tool, every rule and each result as GitHub code scanning requires', () => {
    const result = run(['check', 'examples/blog', '--format', 'sarif']);
    assert.equal(result.status, 1);
    const sarif = JSON.parse(result.stdout);
    assert.equal(sarif.$schema, 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json');
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    const [runLog] = sarif.runs;
    const driver = runLog.tool.driver;
    assert.equal(driver.name, 'Prisma Lens');
    assert.equal(driver.version, VERSION);
    assert.equal(driver.informationUri, undefined, 'no published repository: no link to a made-up address');
    const rule = driver.rules.find((candidate: { id: string }) => candidate.id === 'missing-fk-index');
    assert.equal(rule.name, 'MissingFkIndex');
    assert.equal(rule.shortDescription.text, 'Foreign-key fields that no index covers as its leading columns.');
    assert.ok(rule.fullDescription.text.length > 0);
    assert.ok(rule.help.text.includes('Bad:') && rule.help.markdown.includes('```prisma\nmodel Post {'));
    assert.equal(rule.helpUri, undefined, 'SARIF never links to a local file');
    assert.deepEqual(rule.defaultConfiguration, { level: 'warning' });
    assert.deepEqual(rule.properties.tags, ['prisma', 'schema']);
    assert.deepEqual(runLog.originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(REPO).toString()}/` } });
    assert.equal(runLog.columnKind, 'utf16CodeUnits');
    const fkResults = runLog.results.filter((entry: { ruleId: string }) => entry.ruleId === 'missing-fk-index');
    assert.equal(fkResults.length, 5);
    assert.ok(runLog.results.some((entry: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => entry.ruleId === 'n-plus-one' && entry.locations[0]!.physicalLocation.artifactLocation.uri === 'examples/blog/src/feed.ts'));
    const first = fkResults[0];
    assert.equal(driver.rules[first.ruleIndex].id, first.ruleId);
    assert.equal(first.level, 'warning');
    assert.match(first.message.text, /: "User\.invitedById" has no index\. Add "@@index\(\[invitedById\]\)" to model "User"\./);
    assert.deepEqual(first.locations, [
      {
        physicalLocation: {
          artifactLocation: { uri: 'examples/blog/prisma/schema.prisma', uriBaseId: '%SRCROOT%' },
          region: { startLine: 29, startColumn: 3, endLine: 29, endColumn: 14 },
        },
      },
    ]);
    const fingerprints = runLog.results.map((entry: { partialFingerprints: { primaryLocationLineHash: string } }) => entry.partialFingerprints.primaryLocationLineHash);
    for (const fingerprint of fingerprints) assert.match(fingerprint, /^[0-9a-f]{16}:\d+$/);
    assert.equal(new Set(fingerprints).size, runLog.results.length);
  });

  it('keeps fingerprints when lines move, and makes paths relative to the working folder', async () => {
    const root = await tempProject({ 'service/prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const before = JSON.parse(run(['check', 'service', '--format', 'sarif'], root).stdout).runs[0].results[0];
    await writeFiles(root, { 'service/prisma/schema.prisma': `// Moved down by a comment.\n\n${SCHEMA_WITH_ONE_FINDING.replace('authorId Int', 'authorId    Int')}` });
    const afterMove = JSON.parse(run(['check', 'service', '--format', 'sarif'], root).stdout).runs[0].results[0];
    assert.equal(before.locations[0].physicalLocation.artifactLocation.uri, 'service/prisma/schema.prisma');
    assert.equal(afterMove.locations[0].physicalLocation.region.startLine, before.locations[0].physicalLocation.region.startLine + 2);
    assert.deepEqual(afterMove.partialFingerprints, before.partialFingerprints);
  });

  it('is valid with no results', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': CLEAN_SCHEMA });
    const result = run(['check', '--format', 'sarif'], root);
    assert.equal(result.status, 0);
    const sarif = JSON.parse(result.stdout);
    assert.deepEqual(sarif.runs[0].results, []);
    assert.ok(sarif.runs[0].tool.driver.rules.length >= 1);
  });
});
