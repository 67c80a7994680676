/**
 * The real-world benchmark's scorer and its label files: judged findings are found again when a rule
 * reports them a few lines away, N+1 sites meet the nearest finding, the random sample is the same
 * every time, and the committed labels are well formed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  drawSample,
  hashLine,
  matchJudged,
  scoreRules,
  scoreSites,
  type JudgedFinding,
  type RunFinding,
  type SiteLabel,
} from '../../bench/real-world-score';

const CORPUS = join(__dirname, '..', 'corpus', 'real-world');

function finding(file: string, line: number, rule = 'n-plus-one', message = 'm'): RunFinding {
  return { repository: 'acme/app', rule, severity: 'warning', file, line, column: 1, message };
}

function judged(path: string, line: number, verdict: JudgedFinding['verdict'], text: string, rule = 'n-plus-one'): JudgedFinding {
  return { repository: 'acme/app', rule, path, line, lineHash: hashLine(text), message: 'm', verdict, reason: 'r' };
}

function site(line: number, kind: SiteLabel['kind'], context: SiteLabel['context'] = 'app', via?: SiteLabel['via']): SiteLabel {
  return { repository: 'acme/app', path: 'src/a.ts', line, loopLine: line - 1, kind, context, via, reason: 'r', lineHash: '' };
}

describe('real-world scorer', () => {
  const lines: Record<string, string[]> = { 'src/a.ts': ['', 'for (const u of users) {', '  await prisma.post.findMany();', '}', '', '  await prisma.user.update();'] };
  const readLine = (_repository: string, path: string, line: number) => lines[path]?.[line - 1];

  it('finds a judged finding on its line, or where its line text moved', () => {
    const entries = [judged('src/a.ts', 3, 'TP-actionable', '  await prisma.post.findMany();'), judged('src/a.ts', 9, 'FP', 'await prisma.user.update();')];
    const matches = matchJudged([finding('src/a.ts', 3), finding('src/a.ts', 6)], entries, readLine);
    assert.equal(matches.get(entries[0]!)?.line, 3);
    assert.equal(matches.get(entries[1]!)?.line, 6);
    // The same statement written again far below is another finding, not the judged one moved.
    const far = judged('src/a.ts', 40, 'FP', '  await prisma.post.findMany();');
    assert.equal(matchJudged([finding('src/a.ts', 3)], [far], readLine).get(far), undefined);
  });

  it('scores precision and actionable share on the judged findings still reported', () => {
    const entries = [judged('src/a.ts', 3, 'TP-actionable', 'x'), judged('src/a.ts', 4, 'FP', 'y'), judged('src/a.ts', 5, 'TP-low-value', 'z')];
    const [score] = scoreRules([finding('src/a.ts', 3), finding('src/a.ts', 4, 'n-plus-one', 'changed'), finding('src/b.ts', 1)], entries, () => undefined);
    assert.equal(score!.count, 3);
    assert.equal(score!.judged, 2);
    assert.equal(score!.precision, 0.5);
    assert.equal(score!.actionableShare, 0.5);
    assert.equal(score!.droppedTrue, 1);
    assert.equal(score!.messageChanged, 1);
  });

  it('meets each finding with the nearest site at most a line before or three after it', () => {
    const labels = [site(10, 'n-plus-one', 'app', 'query'), site(20, 'quiet'), site(30, 'n-plus-one', 'seed', 'call'), site(40, 'n-plus-one', 'app', 'call')];
    const findings = [finding('src/a.ts', 12), finding('src/a.ts', 19), finding('src/a.ts', 31), finding('src/a.ts', 50), finding('src/a.ts', 45, 'missing-transaction')];
    const all = scoreSites(findings, labels);
    assert.deepEqual([all.sites, all.quietSites, all.found, all.quietReported, all.unlabelledFindings], [3, 1, 2, 1, 1]);
    assert.equal(all.recall, 2 / 3);
    assert.equal(all.precision, 2 / 3);
    assert.equal(all.recallQuery, 1);
    assert.equal(all.recallCall, 0.5);
    const app = scoreSites(findings, labels, new Set(['app']));
    assert.deepEqual([app.sites, app.found, app.missed.map((s) => s.line)], [2, 1, [40]]);
  });

  it('draws the same sample for the same seed, whatever order the findings come in', () => {
    const findings = Array.from({ length: 50 }, (_, index) => finding(`src/f${index}.ts`, index + 1, index % 2 ? 'n-plus-one' : 'lost-update'));
    const first = drawSample(findings, 7331, 5);
    const again = drawSample([...findings].reverse(), 7331, 5);
    assert.deepEqual(first, again);
    assert.deepEqual([...first.keys()], ['lost-update', 'n-plus-one']);
    assert.equal(first.get('n-plus-one')!.length, 5);
    assert.notDeepEqual(drawSample(findings, 1, 5), first);
  });
});

describe('real-world labels', () => {
  const corpus = JSON.parse(readFileSync(join(CORPUS, 'corpus.json'), 'utf8')) as { repositories: { repository: string; commit: string; paths: string[] }[] };
  const repositories = new Set(corpus.repositories.map((entry) => entry.repository));
  const sites = (JSON.parse(readFileSync(join(CORPUS, 'n-plus-one-sites.json'), 'utf8')) as { sites: SiteLabel[] }).sites;
  const judgedFiles = ['judged-findings.json', 'judged-findings-2.json', 'judged-findings-3.json', 'judged-findings-4.json'].map(
    (name) => JSON.parse(readFileSync(join(CORPUS, name), 'utf8')) as { seed: number; perRule: number; findings: JudgedFinding[] },
  );

  it('pins every application to a commit and names the folders to check', () => {
    assert.ok(corpus.repositories.length >= 15);
    for (const entry of corpus.repositories) {
      assert.match(entry.commit, /^[0-9a-f]{40}$/, entry.repository);
      assert.ok(entry.paths.length > 0, entry.repository);
    }
  });

  it('labels at least 150 N+1 sites and 80 quiet loops, in the corpus, each once', () => {
    const positives = sites.filter((s) => s.kind === 'n-plus-one');
    const quietLoops = new Set(sites.filter((s) => s.kind === 'quiet').map((s) => `${s.repository} ${s.path} ${s.loopLine}`));
    assert.ok(positives.length >= 150, `${positives.length} N+1 sites`);
    assert.ok(quietLoops.size >= 80, `${quietLoops.size} quiet loops`);
    const keys = sites.map((s) => `${s.repository} ${s.path} ${s.line}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const label of sites) {
      assert.ok(repositories.has(label.repository), label.repository);
      assert.ok(label.loopLine <= label.line, `${label.path}:${label.line}`);
      assert.match(label.lineHash, /^[0-9a-f]{12}$/);
      assert.ok(label.kind === 'quiet' ? label.shape : label.via, `${label.path}:${label.line}`);
    }
  });

  it('judges at most the drawn number of findings per rule in each sample, each with a verdict and a reason', () => {
    for (const judgedFile of judgedFiles) {
      const perRule = new Map<string, number>();
      for (const entry of judgedFile.findings) {
        perRule.set(entry.rule, (perRule.get(entry.rule) ?? 0) + 1);
        assert.ok(repositories.has(entry.repository), entry.repository);
        assert.ok(['TP-actionable', 'TP-low-value', 'FP'].includes(entry.verdict));
        assert.ok(entry.reason.length > 0);
      }
      for (const [rule, count] of perRule) assert.ok(count <= judgedFile.perRule, rule);
    }
  });

  it('judges each n-plus-one finding moved to info by a change, with the level and the verdict', () => {
    const demotions = JSON.parse(readFileSync(join(CORPUS, 'judged-demotions.json'), 'utf8')) as { findings: (JudgedFinding & { demotion: string })[] };
    assert.ok(demotions.findings.length > 0);
    for (const entry of demotions.findings) {
      assert.ok(repositories.has(entry.repository), entry.repository);
      assert.ok(['right', 'wrong'].includes(entry.demotion), entry.path);
      assert.ok(['TP-actionable', 'TP-low-value', 'FP'].includes(entry.verdict), entry.path);
      assert.match(entry.lineHash, /^[0-9a-f]{12}$/);
      assert.ok(entry.reason.length > 0);
    }
  });

  it('judges each unindexed-query warning a change stopped reporting, right or wrong', () => {
    const removals = JSON.parse(readFileSync(join(CORPUS, 'judged-removals.json'), 'utf8')) as { findings: (JudgedFinding & { removal: string })[] };
    assert.ok(removals.findings.length > 0);
    for (const entry of removals.findings) {
      assert.ok(repositories.has(entry.repository), entry.repository);
      assert.ok(['right', 'wrong'].includes(entry.removal), entry.path);
      if (entry.removal === 'wrong') assert.ok(['TP-actionable', 'TP-low-value'].includes(entry.verdict), entry.path);
      assert.match(entry.lineHash, /^[0-9a-f]{12}$/);
      assert.ok(entry.reason.length > 0);
    }
  });

  it('draws a later sample only from findings no earlier verdict covers', () => {
    const keys = new Set<string>();
    for (const judgedFile of judgedFiles) {
      const own = judgedFile.findings.map((entry) => `${entry.repository} ${entry.rule} ${entry.path} ${entry.line}`);
      for (const key of own) assert.ok(!keys.has(key), key);
      for (const key of own) keys.add(key);
    }
  });
});
