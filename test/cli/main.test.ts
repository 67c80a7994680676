/** The CLI in-process, where a test can swap the rules or pretend stdout is a terminal. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import missingFkIndex from '../../server/src/analysis/rules/missing-fk-index';
import { defineRule, type Finding } from '../../server/src/analysis/rules/types';
import { parseArgs } from '../../server/src/cli/args';
import { formatText } from '../../server/src/cli/format-text';
import { main, type CliIo } from '../../server/src/cli/main';
import { commonFolder, reportFindings } from '../../server/src/cli/report';
import { removeTempProjects, SCHEMA_WITH_ONE_FINDING, tempProject } from '../workspace/tempProject';

after(removeTempProjects);

function fakeIo(cwd: string, options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    cwd,
    env: options.env ?? {},
    stdout: { write: (text: string) => out.push(text), isTTY: options.isTTY },
    stderr: { write: (text: string) => err.push(text) },
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const throwing = defineRule({
  id: 'always-throws',
  appliesTo: ['prisma'],
  severity: 'error',
  docs: { summary: 'Throws.', why: 'To test the runner.', bad: '', good: '', fixSafety: '' },
  check() {
    throw new Error('boom');
  },
});

describe('main', () => {
  it('reports a rule that throws on stderr, still runs the others, and exits 2', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const cli = fakeIo(root);
    const status = await main(['check', '--format', 'json'], cli.io, { rules: [throwing, missingFkIndex] });
    assert.equal(status, 2);
    assert.equal(JSON.parse(cli.stdout()).findings.length, 1);
    assert.equal(
      cli.stderr(),
      `prisma-lens: rule failed, the other rules still ran: always-throws: Error: boom (in ${path.join(root, 'prisma', 'schema.prisma')})\n`,
    );
  });

  it('fails the run at --fail-on and above: information alone passes by default', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const withSeverity = (severity: 'error' | 'warning' | 'info') => ({ ...missingFkIndex, severity });
    const status = async (severity: 'error' | 'warning' | 'info', ...flags: string[]) =>
      main(['check', '--format', 'json', ...flags], fakeIo(root).io, { rules: [withSeverity(severity)] });
    assert.equal(await status('info'), 0, 'an info finding is reported and passes');
    assert.equal(await status('warning'), 1);
    assert.equal(await status('error'), 1);
    assert.equal(await status('info', '--fail-on', 'info'), 1);
    assert.equal(await status('warning', '--fail-on=error'), 0);
    assert.equal(await status('error', '--fail-on', 'error'), 1);
    assert.equal(await status('error', '--fail-on', 'never'), 0);
    const reported = fakeIo(root);
    await main(['check', '--format', 'json'], reported.io, { rules: [withSeverity('info')] });
    assert.equal(JSON.parse(reported.stdout()).findings.length, 1, 'passing is not hiding: the finding is in the report');
    const bad = fakeIo(root);
    assert.equal(await main(['check', '--fail-on', 'warn'], bad.io), 2);
    assert.match(bad.stderr(), /unknown level 'warn' for --fail-on/);
  });

  it('colours text only on a terminal without NO_COLOR', async () => {
    const root = await tempProject({ 'prisma/schema.prisma': SCHEMA_WITH_ONE_FINDING });
    const terminal = fakeIo(root, { isTTY: true });
    assert.equal(await main(['check'], terminal.io), 1);
    assert.ok(terminal.stdout().includes('\u001b[33mwarning\u001b[0m'));
    const noColor = fakeIo(root, { isTTY: true, env: { NO_COLOR: '1' } });
    await main(['check'], noColor.io);
    assert.ok(!noColor.stdout().includes('\u001b['));
    assert.equal(noColor.stdout(), terminal.stdout().replace(/\u001b\[\d+m/g, ''));
  });
});

describe('parseArgs', () => {
  it('reads paths, --opt value, --opt=value, short options and --', () => {
    assert.deepEqual(parseArgs(['check']), { kind: 'check', paths: ['.'], format: 'text', output: undefined, pending: false, since: undefined, allMigrations: false, failOn: 'warning' });
    assert.deepEqual(parseArgs(['check', 'a', '-f', 'sarif', 'b', '--output=out.sarif']), {
      kind: 'check',
      paths: ['a', 'b'],
      format: 'sarif',
      output: 'out.sarif',
      pending: false,
      since: undefined,
      allMigrations: false,
      failOn: 'warning',
    });
    assert.equal((parseArgs(['check', '--pending', 'a']) as { pending: boolean }).pending, true);
    assert.deepEqual(parseArgs(['check', '--', '--odd-name']), { kind: 'check', paths: ['--odd-name'], format: 'text', output: undefined, pending: false, since: undefined, allMigrations: false, failOn: 'warning' });
    assert.deepEqual(parseArgs(['-v']), { kind: 'version' });
    assert.deepEqual(parseArgs(['check', '-x']), { kind: 'usage-error', message: "unknown option '-x'" });
  });

  it('reads --since <ref> and --all-migrations, not both, and no option as a ref', () => {
    assert.equal((parseArgs(['check', '--since', 'origin/main', 'a']) as { since?: string }).since, 'origin/main');
    assert.equal((parseArgs(['check', '--since=origin/main']) as { since?: string }).since, 'origin/main');
    assert.equal((parseArgs(['check', '--all-migrations']) as { allMigrations?: boolean }).allMigrations, true);
    assert.deepEqual(parseArgs(['check', '--since']), { kind: 'usage-error', message: "option '--since' needs a value" });
    assert.deepEqual(parseArgs(['check', '--since', '--upload-pack=x']), { kind: 'usage-error', message: "option '--since' needs a git ref, not '--upload-pack=x'" });
    assert.deepEqual(parseArgs(['check', '--since', 'main', '--all-migrations']), { kind: 'usage-error', message: "'--since' and '--all-migrations' cannot be used together" });
  });
});

describe('report', () => {
  it('counts 1-based columns in UTF-16 code units with an exclusive end, as ESLint does', () => {
    const uri = pathToFileURL(path.resolve('/project/prisma/schema.prisma')).toString();
    const text = 'model A {\n  /* 📝 */ fieldName Int\n}';
    const start = text.indexOf('fieldName');
    const finding: Finding = { ruleId: 'r', severity: 'info', uri, span: { start, end: start + 'fieldName'.length }, message: 'm', help: 'h' };
    const [reported] = reportFindings([finding], [{ uri, text }], path.resolve('/project'));
    assert.deepEqual(
      { file: reported!.file, line: reported!.line, column: reported!.column, endLine: reported!.endLine, endColumn: reported!.endColumn },
      { file: 'prisma/schema.prisma', line: 2, column: 12, endLine: 2, endColumn: 21 },
    );
    assert.equal(reported!.lineText, '  /* 📝 */ fieldName Int');
  });

  it('bases several paths on the deepest folder that holds them all', () => {
    const root = path.resolve('/repo');
    assert.equal(commonFolder([path.join(root, 'apps', 'a'), path.join(root, 'apps', 'b', 'prisma')]), path.join(root, 'apps'));
    assert.equal(commonFolder([path.join(root, 'apps')]), path.join(root, 'apps'));
  });

  it('summarises counts with plurals, mentioning infos and hints only when present', () => {
    const finding = (severity: Finding['severity']) => ({
      rule: 'r', severity, file: 'f', absolutePath: '/f', line: 1, column: 1, endLine: 1, endColumn: 2, message: 'm', help: '', lineText: '',
    });
    const text = formatText({ findings: [finding('error'), finding('info')], schemaCount: 2, base: '/' }, { color: false });
    assert.equal(text, 'f:1:1  error  m  [r]\nf:1:1  info  m  [r]\n\n2 problems (1 error, 0 warnings, 1 info) in 2 schemas\n');
  });
});
