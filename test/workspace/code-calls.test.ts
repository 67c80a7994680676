/** Calls into other files in the editor: the index summarises the workspace's functions after a pass, and open documents then get the findings the CLI reports. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import { analyzeSchema } from '../../server/src/analysis/analyze';
import { analyzeCode } from '../../server/src/analysis/analyze';
import { rules } from '../../server/src/analysis/rules/index';
import { summarizeWorkspace } from '../../server/src/workspace/code-calls';
import { callsPrismaOperation } from '../../server/src/workspace/code-index-core';
import { analyzeWorkspaceCode } from '../../server/src/workspace/code-pass';
import { CodeIndex, type CodeSchema } from '../../server/src/workspace/code-index';
import { removeTempProjects, tempProject } from './tempProject';

after(removeTempProjects);

const SCHEMA_TEXT = 'model User {\n  id    Int    @id\n  posts Post[]\n}\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
const SCHEMA: CodeSchema = { key: 'schema-1', schema: analyzeSchema([{ uri: 'file:///schema.prisma', text: SCHEMA_TEXT, version: 1 }]).schema };

const FILES = {
  'src/db.ts': 'export const prisma = new PrismaClient();\n',
  'src/users/user.repository.ts': `import { prisma } from '../db';
export class UserRepository {
  byId(id: number) {
    return prisma.user.findUnique({ where: { id }, include: { posts: true } });
  }
}
`,
  'src/users/user.service.ts': `import { UserRepository } from './user.repository';
export class UserService {
  constructor(private readonly users: UserRepository) {}
  profile(id: number) {
    return this.users.byId(id);
  }
}
`,
  'src/teams/route.ts': `import { UserService } from '../users/user.service';
export class TeamController {
  constructor(private readonly userService: UserService) {}
  async members(ids: number[]) {
    for (const id of ids) await this.userService.profile(id);
  }
}
`,
};

describe('call summaries in the editor', () => {
  it('follows a call in a loop through a service and a repository once the background summaries are built', async () => {
    const root = await tempProject(FILES);
    const uri = pathToFileURL(path.join(root, 'src', 'teams', 'route.ts')).toString();
    const index = new CodeIndex({ schemaFor: async () => SCHEMA, isOpen: (candidate) => candidate === uri });
    await index.indexWorkspace([root]);
    const document = { uri, text: FILES['src/teams/route.ts'], version: 1 };
    const before = await index.analyse(document);
    assert.deepEqual(before!.findings.filter((finding) => finding.ruleId === 'n-plus-one'), [], 'nothing is followed before the summaries exist');
    assert.equal(await index.rebuildCallSummaries(), true);
    const afterRebuild = await index.analyse(document);
    assert.notEqual(afterRebuild!.resultId, before!.resultId, 'the result id changes with the summaries');
    const findings = afterRebuild!.findings.filter((finding) => finding.ruleId === 'n-plus-one');
    assert.equal(findings.length, 1);
    assert.match(findings[0]!.message, /: "this\.userService\.profile\(id\)" runs "prisma\.user\.findUnique" once per "id" of "ids"/);
    assert.deepEqual(
      findings[0]!.related!.map((place) => [path.basename(place.uri), place.line, place.message]),
      [
        ['user.service.ts', 4, '"profile" calls "this.users.byId(id)"'],
        ['user.repository.ts', 3, '"prisma.user.findUnique" runs here'],
      ],
    );
  });

  it('summarises the files others import, and marks for analysis the files that call what they export', async () => {
    const files = Object.entries(FILES).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema: SCHEMA.schema }));
    const summaries = await summarizeWorkspace(files);
    assert.deepEqual(summaries!.summaries.map((summary) => summary.uri.slice('file:///w/'.length)).sort(), ['src/users/user.repository.ts', 'src/users/user.service.ts']);
    assert.deepEqual([...summaries!.summarized].map((uri) => uri.slice('file:///w/'.length)).sort(), ['src/teams/route.ts', 'src/users/user.repository.ts', 'src/users/user.service.ts']);
  });

  it('gives the CLI, in about one parse per file, the findings of summaries then analysis with them', async () => {
    const files = Object.entries(FILES).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema: SCHEMA.schema, rules }));
    const summaries = await summarizeWorkspace(files);
    const analyses = await analyzeWorkspaceCode(files);
    for (const file of files) {
      const expected = summaries!.summarized.has(file.uri) ? analyzeCode(file, SCHEMA.schema, { workspaceCalls: summaries!.calls }).findings.filter((finding) => /prisma\./.test(file.text) || finding.ruleId === 'n-plus-one') : [];
      assert.deepEqual((analyses.get(file.uri)?.findings ?? []).map((finding) => finding.message), expected.map((finding) => finding.message), file.uri);
    }
    assert.equal(analyses.get('file:///w/src/teams/route.ts')!.findings.length, 1);
  });

  it('reads next only the files that call a function known to query, and a caller once its callee is found querying', async () => {
    const layered = {
      // Calls an operation itself (the first round), and exports `f`, which only calls out to `g`.
      'src/a.ts': "import { g } from './b';\nexport function f(id: number) {\n  return g(id);\n}\nexport function total() {\n  return prisma.post.count();\n}\nexport function label(name: string) {\n  return formatName(name);\n}\nimport { formatName } from './format';\n",
      // Names `h` (the second round); then `g` is known to query, so `f` is too.
      'src/b.ts': "import { h } from './c';\nexport function g(id: number) {\n  return h(id);\n}\n",
      'src/c.ts': 'export function h(id: number) {\n  return prisma.user.findUnique({ where: { id } });\n}\n',
      'src/format.ts': 'export function formatName(name: string) {\n  return name.trim();\n}\n',
      // Calls `f` in a loop: read in the third round, once `f` is known to query.
      'src/d.ts': "import { f } from './a';\nexport async function run(ids: number[]) {\n  for (const id of ids) await f(id);\n}\n",
      // Calls `label` in a loop, which queries nothing: never read.
      'src/page.ts': "import { label } from './a';\nexport function names(list: string[]) {\n  for (const name of list) label(name);\n}\n",
    };
    const files = Object.entries(layered).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema: SCHEMA.schema, rules }));
    const summaries = await summarizeWorkspace(files);
    assert.deepEqual([...summaries!.summarized].map((uri) => uri.slice('file:///w/'.length)).sort(), ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    const analyses = await analyzeWorkspaceCode(files);
    assert.equal(analyses.has('file:///w/src/page.ts'), false);
    const found = analyses.get('file:///w/src/d.ts')!.findings.filter((finding) => finding.ruleId === 'n-plus-one');
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /"f\(id\)" runs "prisma\.user\.findUnique" once per "id" of "ids"/);
  });

  it('leaves out of the later rounds a file where n-plus-one does not run and that no file imports', async () => {
    const files = Object.entries(FILES).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema: SCHEMA.schema, rules: file === 'src/teams/route.ts' ? rules.filter((rule) => rule.id !== 'n-plus-one') : rules }));
    const analyses = await analyzeWorkspaceCode(files);
    assert.equal(analyses.has('file:///w/src/teams/route.ts'), false);
    // The service, which the route imports, is still summarised and analysed.
    assert.equal(analyses.has('file:///w/src/users/user.service.ts'), true);
  });

  it('takes a loop\'s query for idle (info) when the other file\'s function it calls on every turn calls outside the database, in the CLI and the editor', async () => {
    const outside = {
      'src/db.ts': 'export const prisma = new PrismaClient();\n',
      // Queries elsewhere (so it is read and summarised), and `notify` posts to a webhook on every call.
      'src/notify.ts': "import { prisma } from './db';\nexport async function notify(id: number) {\n  await fetch('https://hooks.example.com', { method: 'POST', body: String(id) });\n}\nexport function total() {\n  return prisma.post.count();\n}\n",
      'src/run.ts': "import { prisma } from './db';\nimport { notify } from './notify';\nexport async function run(ids: number[]) {\n  for (const id of ids) {\n    await prisma.user.update({ where: { id }, data: {} });\n    await notify(id);\n  }\n}\n",
    };
    const files = Object.entries(outside).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema: SCHEMA.schema, rules }));
    const analyses = await analyzeWorkspaceCode(files);
    const found = analyses.get('file:///w/src/run.ts')!.findings.filter((finding) => finding.ruleId === 'n-plus-one');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.idle, true);
    assert.match(found[0]!.message, /each iteration also calls "fetch\(…\)" outside the database/);
    const summaries = await summarizeWorkspace(files);
    const inEditor = analyzeCode(files[2]!, SCHEMA.schema, { workspaceCalls: summaries!.calls }).findings.filter((finding) => finding.ruleId === 'n-plus-one');
    assert.deepEqual(inEditor.map((finding) => [finding.message, finding.idle]), found.map((finding) => [finding.message, finding.idle]));
    // Without the summaries the loop's query is a warning: the outside call is in another file.
    assert.equal(analyzeCode(files[2]!, SCHEMA.schema).findings.find((finding) => finding.ruleId === 'n-plus-one')!.idle, undefined);
  });

  it('leaves a secret a repository writes to the services that encrypt it, in the CLI and the editor alike', async () => {
    const schema = analyzeSchema([{ uri: 'file:///schema.prisma', text: 'model OAuthClient {\n  id           Int    @id\n  name         String\n  clientSecret String\n}\n', version: 1 }]).schema;
    const layered = {
      'src/db.ts': 'export const prisma = new PrismaClient();\n',
      'src/clients.repository.ts': "import { prisma } from './db';\nexport function saveClient(name: string, secret: string) {\n  return prisma.oAuthClient.create({ data: { name, clientSecret: secret } });\n}\nexport function saveRaw(name: string, secret: string) {\n  return prisma.oAuthClient.create({ data: { name, clientSecret: secret } });\n}\n",
      'src/clients.service.ts': "import { saveClient, saveRaw } from './clients.repository';\nexport function register(name: string, secret: string) {\n  return saveClient(name, encrypt(secret));\n}\nexport function registerRaw(name: string, secret: string) {\n  return saveRaw(name, secret);\n}\n",
      'src/route.ts': "import { register, registerRaw } from './clients.service';\nexport async function POST(body: { name: string; secret: string }) {\n  await register(body.name, body.secret);\n  await registerRaw(body.name, body.secret);\n}\n",
    };
    const files = Object.entries(layered).map(([file, text]) => ({ uri: `file:///w/${file}`, text, schema, rules }));
    const analyses = await analyzeWorkspaceCode(files);
    const secrets = (uri: string, findings: readonly { ruleId: string; message: string }[]) => findings.filter((finding) => finding.ruleId === 'plaintext-secret').map((finding) => `${uri.slice('file:///w/'.length)} ${finding.message}`);
    const inCli = [...analyses].flatMap(([uri, analysis]) => secrets(uri, analysis.findings));
    assert.equal(inCli.length, 1);
    assert.match(inCli[0]!, /^src\/clients\.repository\.ts .*stores "secret"/);
    const summaries = await summarizeWorkspace(files);
    const inEditor = files.flatMap((file) => secrets(file.uri, analyzeCode(file, schema, { workspaceCalls: summaries!.calls }).findings));
    assert.deepEqual(inEditor, inCli);
    // Without the summaries both writes are reported: the callers are out of sight.
    assert.equal(secrets(files[1]!.uri, analyzeCode(files[1]!, schema).findings).length, 2);
  });

  it('parses a file only when it calls a Prisma operation as a method, not when it names one', () => {
    for (const text of ['prisma.user.findMany({})', 'db.user\n  .findFirst<User>({})', 'prisma.$queryRaw`SELECT 1`', 'tx.$executeRaw<number>`DELETE FROM x`', 'repo.count?.()', 'x.update ({})']) assert.equal(callsPrismaOperation(text), true, text);
    for (const text of ['const count = items.length;', "export const help = 'call findMany() with take';", 'function create() {}', 'items.count', 'import { update } from "./u";']) assert.equal(callsPrismaOperation(text), false, text);
  });
});
