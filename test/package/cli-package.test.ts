/**
 * The CLI as npm installs it from its own package (`npx prisma-lens check`): packed by
 * scripts/pack-cli.mjs from the built dist/ and installed offline into an empty folder, it prints
 * its version, checks a project as dist/cli.js does, explains a query on the embedded database and
 * reports the next migration's hazards with Prisma's schema engine; and it holds the files its
 * bundles load and nothing else.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { rules } from '../../server/src/analysis/rules/index';
import { compressedCopyName } from '../../server/src/engines/pglite-initial-data';
import { freePort } from '../explain/plan-postgres-server';
import { FIXTURE_MIGRATIONS, FIXTURE_SCHEMA } from '../pending/support';

const REPO = join(__dirname, '..', '..');
const ROOT_MANIFEST = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
const CLI_MANIFEST = JSON.parse(readFileSync(join(REPO, 'packages', 'cli', 'package.json'), 'utf8')) as { files: string[] };
const onWindows = process.platform === 'win32';

interface Finding {
  rule: string;
  file: string;
  line: number;
  docs?: string;
}

/** Every file under a folder, as posix paths relative to it. */
function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/**
 * The files of dist/ a bundle's text names beside itself (as test/package/manifest.test.ts reads
 * the .vsix): cli.js also holds package.json, for its version, whose `main` names the extension.
 */
function siblingsNamedBy(bundle: string, text: string): string[] {
  const quoted = [...text.matchAll(/["'`/]([A-Za-z0-9_][A-Za-z0-9_.-]*\.(?:js|wasm|data|gz|br|css))["'`]/g)].map((match) => match[1]!);
  return [...new Set(quoted)].filter((name) => name !== bundle && name !== 'extension.js' && existsSync(join(REPO, 'dist', name)));
}

describe('the prisma-lens npm package', () => {
  let temp: string;
  let installed: string;
  let packageFolder: string;
  let env: NodeJS.ProcessEnv;

  const npm = (args: string[], cwd: string) => {
    const result = spawnSync('npm', args, { cwd, encoding: 'utf8', env, shell: onWindows, timeout: 120_000 });
    assert.equal(result.status, 0, `npm ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
    return result;
  };

  /** The installed `prisma-lens` command, run as npm links it (node_modules/.bin). */
  const prismaLens = (args: string[], cwd: string) =>
    spawnSync(join(installed, 'node_modules', '.bin', onWindows ? 'prisma-lens.cmd' : 'prisma-lens'), args, { cwd, encoding: 'utf8', env, shell: onWindows, timeout: 120_000 });

  before(() => {
    temp = realpathSync(mkdtempSync(join(tmpdir(), 'prisma-lens-cli-package-')));
    // The CLI's caches (compiled bundles, the embedded database) and npm's go to the test's folder.
    env = {
      ...process.env,
      PRISMA_LENS_CACHE_DIR: join(temp, 'cache'),
      npm_config_cache: join(temp, 'npm-cache'),
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    };
    const pack = spawnSync(process.execPath, [join(REPO, 'scripts', 'pack-cli.mjs'), '--destination', temp], { cwd: REPO, encoding: 'utf8', env, timeout: 600_000 });
    assert.equal(pack.status, 0, `${pack.stdout}\n${pack.stderr}`);
    const tarball = join(temp, `prisma-lens-cli-${ROOT_MANIFEST.version}.tgz`);
    assert.ok(existsSync(tarball), pack.stdout);
    installed = join(temp, 'installed');
    mkdirSync(installed);
    writeFileSync(join(installed, 'package.json'), '{ "private": true }\n');
    npm(['install', '--offline', '--no-audit', '--no-fund', tarball], installed);
    packageFolder = join(installed, 'node_modules', 'prisma-lens');
  });

  after(() => {
    if (temp) rmSync(temp, { recursive: true, force: true });
  });

  it('is named prisma-lens, has the version of the root package.json and depends on nothing', () => {
    const manifest = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.name, 'prisma-lens');
    assert.equal(manifest.version, ROOT_MANIFEST.version);
    assert.deepEqual(manifest.bin, { 'prisma-lens': 'dist/cli.js' });
    assert.deepEqual(manifest.engines, { node: '>=20' });
    for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) assert.equal(manifest[field], undefined, field);
    assert.deepEqual(readdirSync(join(installed, 'node_modules')).filter((name) => !name.startsWith('.')), ['prisma-lens'], 'npm installed nothing beside it');
  });

  it('npx prisma-lens --version prints the version', () => {
    const result = npm(['exec', '--offline', '--', 'prisma-lens', '--version'], installed);
    assert.equal(result.stdout.trim(), ROOT_MANIFEST.version);
  });

  it('check gives the findings dist/cli.js gives, linking to rule pages the package holds', () => {
    const fromPackage = prismaLens(['check', 'examples/blog', '--format', 'json'], REPO);
    const fromDist = spawnSync(process.execPath, [join(REPO, 'dist', 'cli.js'), 'check', 'examples/blog', '--format', 'json'], { cwd: REPO, encoding: 'utf8', env });
    assert.equal(fromPackage.status, 1, fromPackage.stderr);
    assert.equal(fromDist.status, 1, fromDist.stderr);
    const findings = (JSON.parse(fromPackage.stdout) as { findings: Finding[] }).findings;
    assert.ok(findings.length > 0);
    const withoutDocs = (list: Finding[]) => list.map(({ docs: _docs, ...finding }) => finding);
    assert.deepEqual(withoutDocs(findings), withoutDocs((JSON.parse(fromDist.stdout) as { findings: Finding[] }).findings));
    // Until the repository is published, the pages the package holds; then the published ones.
    for (const { rule, docs } of findings) {
      assert.ok(docs !== undefined, rule);
      if (!docs.startsWith('file:')) {
        assert.match(docs, new RegExp(`^https://.*/docs/rules/${rule}\\.md$`));
        continue;
      }
      const page = fileURLToPath(docs);
      assert.equal(relative(packageFolder, page).split('\\').join('/'), `docs/rules/${rule}.md`);
      assert.ok(existsSync(page), docs);
    }
  });

  it('explain answers with a plan from the embedded database', async () => {
    const project = join(temp, 'project');
    cpSync(join(REPO, 'examples', 'blog'), join(project, 'examples', 'blog'), { recursive: true });
    // The project's database is not running, so the embedded one answers.
    writeFileSync(join(project, 'examples', 'blog', '.env'), `DATABASE_URL="postgresql://blog:blog@127.0.0.1:${await freePort()}/blog?schema=public"\n`);
    const result = prismaLens(['explain', 'examples/blog/src/feed.ts:7', '--format', 'json', '--rows', '1000'], project);
    assert.equal(result.status, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { callee: string; database: { kind: string } | null; statements: { plan: { Plan: Record<string, unknown> } | null }[] };
    assert.equal(report.callee, 'prisma.post.findMany');
    assert.equal(report.database?.kind, 'embedded');
    assert.match(JSON.stringify(report.statements[0]?.plan?.Plan), /"Node Type":"(Seq Scan|Index Scan)"/);
    assert.ok(readdirSync(join(temp, 'cache')).length > 0, 'the embedded database was kept in the cache folder given');
  });

  it('check --pending reports the next migration\'s hazard with Prisma\'s schema engine', () => {
    const project = join(temp, 'pending');
    mkdirSync(join(project, 'prisma'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}\n');
    writeFileSync(join(project, 'prisma', 'schema.prisma'), FIXTURE_SCHEMA.replace('  bio   String?\n', '  bio   String?\n  role  String\n'));
    cpSync(FIXTURE_MIGRATIONS, join(project, 'prisma', 'migrations'), { recursive: true });
    const result = prismaLens(['check', '--pending', '--format', 'json'], project);
    assert.equal(result.status, 1, result.stderr);
    const findings = (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
    assert.deepEqual(findings.filter((finding) => finding.rule === 'adding-required-field').map((finding) => `${finding.file}:${finding.line}`), ['prisma/schema.prisma:11']);
  });

  it('holds the files its bundles load, its rules\' pages, README, LICENSE and nothing else', () => {
    const files = filesUnder(packageFolder).sort();
    const dist = files.filter((file) => file.startsWith('dist/')).map((file) => posix.basename(file));
    // From the command npm links, every file a bundle names beside itself, in turn.
    const needed = new Set<string>();
    const missing: string[] = [];
    const queue = ['cli.js'];
    while (queue.length) {
      const name = queue.shift()!;
      if (needed.has(name)) continue;
      needed.add(name);
      const shipped = dist.includes(name) ? name : dist.includes(compressedCopyName(name)) ? compressedCopyName(name) : undefined;
      if (!shipped) {
        missing.push(name);
        continue;
      }
      if (name.endsWith('.js')) queue.push(...siblingsNamedBy(name, readFileSync(join(packageFolder, 'dist', name), 'utf8')));
    }
    assert.deepEqual(missing, [], 'loaded by the bundles, missing from the package');
    const unneeded = dist.filter((name) => !needed.has(name) && ![...needed].some((loaded) => compressedCopyName(loaded) === name));
    assert.deepEqual(unneeded, [], 'in the package, loaded by no bundle');
    const others = files.filter((file) => !file.startsWith('dist/'));
    const rulePages = rules.map((rule) => `docs/rules/${rule.id}.md`);
    // The rules' index, where a reader of docs/rules/ starts.
    assert.deepEqual(others, ['LICENSE', 'README.md', 'docs/rules/README.md', ...rulePages, 'package.json'].sort());
    assert.deepEqual(files.filter((file) => file.endsWith('.map')), []);
    assert.deepEqual(CLI_MANIFEST.files.filter((entry) => entry.startsWith('dist/')).map((entry) => posix.basename(entry)).sort(), [...dist].sort(), 'packages/cli/package.json lists what ships');
  });
});
