/**
 * `prisma-lens check` of many code files analyses them on worker threads: the outcome (findings,
 * their order, the JSON report, warnings and notes) is the one the main thread alone gives, and a
 * worker that fails leaves its files to the main thread.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, describe, it, mock } from 'node:test';
import { generateWorkspace, writeWorkspace } from '../../bench/code-generate-workspace';
import { rules } from '../../server/src/analysis/rules/index';
import type { Rule } from '../../server/src/analysis/rules/types';
import { checkTargets, type CheckOutcome } from '../../server/src/cli/check';
import { formatJson } from '../../server/src/cli/format-json';
import { analyzeRoundTask, type RoundOutcome, type RoundTask } from '../../server/src/workspace/code-pass';
import { CodePassThread } from '../../server/src/workspace/code-pass-thread';
import { buildSchema } from '../../server/src/analysis/schema/build';
import { removeTempProjects, tempProject, writeFiles } from '../workspace/tempProject';

after(removeTempProjects);
afterEach(() => mock.restoreAll());

const CORPUS = path.resolve(__dirname, '..', 'corpus');

/** Checks `folder` twice: on the main thread alone, and on the worker thread from the first file; returns both outcomes and the files the worker analysed. */
async function checkBothWays(folder: string): Promise<{ alone: CheckOutcome; threaded: CheckOutcome; byWorker: number }> {
  const targets = [{ input: folder, absolute: folder, isFile: false }];
  const alone = await checkTargets(targets, { codeThreadFrom: Number.POSITIVE_INFINITY });
  const threads: CodePassThread[] = [];
  const start = CodePassThread.start.bind(CodePassThread);
  mock.method(CodePassThread, 'start', () => {
    const thread = start();
    if (thread) threads.push(thread);
    return thread;
  });
  const threaded = await checkTargets(targets, { codeThreadFrom: 1 });
  assert.equal(threads.length, 1, 'the worker was started');
  return { alone, threaded, byWorker: threads[0]!.analysed };
}

function assertSameOutcome({ alone, threaded }: { alone: CheckOutcome; threaded: CheckOutcome }): void {
  assert.ok(alone.report.findings.length > 0, 'the fixture has findings to compare');
  assert.equal(formatJson(threaded.report), formatJson(alone.report));
  assert.deepEqual(threaded, alone);
}

/** A copy of a corpus folder: under test/, its files would be tests, which the code rules skip. */
async function corpusCopy(name: string): Promise<string> {
  const root = await tempProject({});
  cpSync(path.join(CORPUS, name), root, { recursive: true });
  return root;
}

/** A loop in a controller that calls a service, which calls a repository that queries: the pass follows it over two rounds. */
const CALL_CHAIN = {
  'src/users/user.repository.ts': `import { prisma } from '../lib/prisma';
export class UserRepository {
  byId(id: number) {
    return prisma.user.findUnique({ where: { id } });
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
  'src/teams/team.controller.ts': `import { UserService } from '../users/user.service';
export class TeamController {
  constructor(private readonly userService: UserService) {}
  async members(ids: number[]) {
    for (const id of ids) await this.userService.profile(id);
  }
}
`,
  // A suppression that applies, and one that is stale (unused-suppression).
  'src/lib/suppressed.ts': `import { prisma } from './prisma';

export async function emailsOf(ids: number[]) {
  const emails: string[] = [];
  for (const id of ids) {
    // prisma-lens-ignore n-plus-one: at most three ids
    const user = await prisma.user.findUnique({ where: { id } });
    if (user) emails.push(user.email);
  }
  // prisma-lens-ignore deep-offset-pagination: nothing here pages
  return emails;
}
`,
  '.prismalens.json': JSON.stringify({ rules: { 'n-plus-one': 'error', 'unbounded-find-many': 'info' }, overrides: [{ files: ['src/jobs/**'], rules: { 'n-plus-one': 'hint', 'unindexed-query': 'off' } }] }),
};

describe('prisma-lens check: the code pass on a worker thread', () => {
  it('reports the n-plus-one corpus as the main thread does', async () => {
    const both = await checkBothWays(await corpusCopy('n-plus-one'));
    assertSameOutcome(both);
    assert.ok(both.byWorker > 0, 'the worker analysed files');
    assert.ok(both.alone.report.findings.filter((finding) => finding.rule === 'n-plus-one').length > 20);
  });

  it('reports the playbook app as the main thread does (every code rule)', async () => {
    assertSameOutcome(await checkBothWays(await corpusCopy('playbook-app')));
  });

  it('reports a generated workspace as the main thread does: calls followed across files, levels and overrides, suppression comments', async () => {
    const root = await tempProject({});
    writeWorkspace(root, generateWorkspace(40));
    await writeFiles(root, CALL_CHAIN);
    const both = await checkBothWays(root);
    assertSameOutcome(both);
    const found = new Set(both.alone.report.findings.map((finding) => `${finding.rule}:${finding.severity}`));
    for (const expected of ['n-plus-one:error', 'n-plus-one:hint', 'unused-suppression:info']) assert.ok(found.has(expected), `${expected} among ${[...found].join(', ')}`);
    const chain = both.alone.report.findings.find((finding) => finding.file === path.join('src', 'teams', 'team.controller.ts'));
    assert.deepEqual(
      chain?.related?.map((place) => place.file),
      [path.join('src', 'users', 'user.service.ts'), path.join('src', 'users', 'user.repository.ts')],
      'the loop is followed through the service into the repository',
    );
  });
});

describe('CodePassThread', () => {
  const schema = buildSchema([{ uri: 'file:///w/prisma/schema.prisma', text: 'model User {\n  id    Int    @id\n  email String\n}\n' }]);
  const tasks: RoundTask[] = Array.from({ length: 12 }, (_, index) => ({
    uri: `file:///w/src/load-${index}.ts`,
    text: `import { prisma } from './db';\nexport async function load${index}(ids: number[]) {\n  for (const id of ids) await prisma.user.findFirst({ where: { id } });\n}\n`,
    schema,
    rules,
    summarize: true,
  }));
  const expected = tasks.map((task) => analyzeRoundTask(task, true));

  /** Runs one round of `tasks` on `thread` (stopped first when asked), counting the files the main thread analysed. */
  async function runRound(thread: CodePassThread, stopFirst: boolean): Promise<{ outcomes: RoundOutcome[]; here: number }> {
    const round = thread.startRound(0, true);
    tasks.forEach((task, index) => round.offer(index, task));
    if (stopFirst) await thread.stop();
    let here = 0;
    const outcomes = await round.finish(tasks, (task) => {
      here++;
      return analyzeRoundTask(task, true);
    });
    return { outcomes, here };
  }

  it('gives the outcomes the main thread would, in order, from the worker', async () => {
    const thread = CodePassThread.start()!;
    try {
      const { outcomes, here } = await runRound(thread, false);
      assert.deepEqual(outcomes, expected);
      assert.equal(here, 0);
      assert.equal(thread.analysed, tasks.length);
    } finally {
      await thread.stop();
    }
  });

  it('leaves the files of a worker that ended to the main thread', async () => {
    const thread = CodePassThread.start()!;
    const { outcomes, here } = await runRound(thread, true);
    assert.deepEqual(outcomes, expected);
    assert.equal(here, tasks.length);
  });

  it('keeps on the main thread the files of a rule the worker does not have', async () => {
    const custom = { ...rules.find((rule) => rule.id === 'n-plus-one')!, check: () => [] } as Rule;
    const thread = CodePassThread.start()!;
    try {
      const round = thread.startRound(0, false);
      const mixed: RoundTask[] = [tasks[0]!, { ...tasks[1]!, rules: [custom] }];
      mixed.forEach((task, index) => round.offer(index, task));
      const analysedHere: string[] = [];
      const outcomes = await round.finish(mixed, (task) => {
        analysedHere.push(task.uri);
        return analyzeRoundTask(task, false);
      });
      assert.deepEqual(analysedHere, [mixed[1]!.uri]);
      assert.deepEqual(outcomes, [analyzeRoundTask(mixed[0]!, false), analyzeRoundTask(mixed[1]!, false)]);
    } finally {
      await thread.stop();
    }
  });
});
