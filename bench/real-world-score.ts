/**
 * Scores one run of the Prisma Lens CLI on the real-world corpus against what people found by reading
 * the code: the judged sample of findings (test/corpus/real-world/judged-findings.json) and the N+1
 * site labels (test/corpus/real-world/n-plus-one-sites.json). Pure: it reads no files; the texts of
 * the files a finding points at are passed in.
 */
import { createHash } from 'node:crypto';

/** One finding as `prisma-lens check --format json` prints it, with the repository it was found in. */
export interface RunFinding {
  repository: string;
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
  /** Other places of the same problem reported with it (the other queries of the loop), when the CLI lists them. */
  also?: { file: string; line: number }[];
  /** As the JSON report prints them; read when a run is checked, not kept. */
  related?: { file: string; line: number; sameProblem?: boolean }[];
}

export type Verdict = 'TP-actionable' | 'TP-low-value' | 'FP';

/** A finding that a person judged by reading the code, the schema and the migration history. */
export interface JudgedFinding {
  repository: string;
  rule: string;
  path: string;
  line: number;
  /** First 12 hex digits of the SHA-256 of the trimmed line, so a finding reported a few lines away still meets its verdict. */
  lineHash: string;
  /** The finding's message when it was judged. */
  message?: string;
  verdict: Verdict;
  reason: string;
}

export interface SiteLabel {
  repository: string;
  path: string;
  line: number;
  loopLine: number;
  kind: 'n-plus-one' | 'quiet';
  /** Why a quiet site must stay quiet (constant collection, $transaction batch, catch only, …). */
  shape?: string;
  /** How an N+1 site queries: the Prisma call is on the line, or a function called there runs it. */
  via?: 'query' | 'call';
  context: 'app' | 'script' | 'seed' | 'test';
  reason: string;
  lineHash: string;
}

/** Returns the text of a line of a file of a repository, or undefined when the file is not in the cache. */
export type LineReader = (repository: string, path: string, line: number) => string | undefined;

export function hashLine(text: string): string {
  return createHash('sha256').update(text.trim()).digest('hex').slice(0, 12);
}

export interface RuleScore {
  rule: string;
  count: number;
  /** Judged findings of the sample that this run still reports. */
  judged: number;
  actionable: number;
  lowValue: number;
  falsePositives: number;
  /** (TP-actionable + TP-low-value) / judged; undefined without a judged finding. */
  precision?: number;
  /** TP-actionable / judged. */
  actionableShare?: number;
  /** Judged findings this run no longer reports, by verdict. */
  droppedTrue: number;
  droppedFalse: number;
  /** Judged findings this run reports at the same place with another message: their verdict may need a second look. */
  messageChanged: number;
}

export interface SiteScore {
  sites: number;
  quietSites: number;
  /** n-plus-one sites at least one finding matches. */
  found: number;
  /** quiet sites at least one finding matches. */
  quietReported: number;
  precision?: number;
  recall?: number;
  /** Recall over the sites whose line holds the Prisma call, and over those that reach it through a function. */
  recallQuery?: number;
  recallCall?: number;
  /** Findings of the rule that match no labelled site (unjudged here; the judged sample covers them). */
  unlabelledFindings: number;
  missed: SiteLabel[];
  wronglyReported: SiteLabel[];
}

function ratio(part: number, whole: number): number | undefined {
  return whole === 0 ? undefined : part / whole;
}

function findingKey(finding: { repository: string; rule: string; file?: string; path?: string }): string {
  return `${finding.repository}\u0000${finding.rule}\u0000${finding.file ?? finding.path}`;
}

/**
 * Meets each judged finding with a finding of the run: the same repository, file and rule, on the
 * same line, else on a line whose trimmed text has the judged line's hash (the rule now reports the
 * same code a few lines away), else it was dropped.
 */
/**
 * How far a finding may have moved from its judged line. The trees are pinned, so only the rule's own
 * choice of span moves a finding; the same line text further away (a repeated statement) is another finding.
 */
const MOVED_LINES = 10;

export function matchJudged(findings: readonly RunFinding[], judged: readonly JudgedFinding[], readLine: LineReader): Map<JudgedFinding, RunFinding | undefined> {
  const byFile = new Map<string, RunFinding[]>();
  for (const finding of findings) {
    const key = findingKey(finding);
    byFile.set(key, [...(byFile.get(key) ?? []), finding]);
  }
  const used = new Set<RunFinding>();
  const result = new Map<JudgedFinding, RunFinding | undefined>();
  const pending: JudgedFinding[] = [];
  for (const entry of judged) {
    const exact = (byFile.get(findingKey(entry)) ?? []).find((finding) => finding.line === entry.line && !used.has(finding));
    if (exact) {
      used.add(exact);
      result.set(entry, exact);
    } else pending.push(entry);
  }
  for (const entry of pending) {
    const moved = (byFile.get(findingKey(entry)) ?? []).find(
      (finding) =>
        !used.has(finding) && Math.abs(finding.line - entry.line) <= MOVED_LINES && hashLine(readLine(finding.repository, finding.file, finding.line) ?? '') === entry.lineHash,
    );
    if (moved) used.add(moved);
    result.set(entry, moved);
  }
  return result;
}

export function scoreRules(findings: readonly RunFinding[], judged: readonly JudgedFinding[], readLine: LineReader): RuleScore[] {
  const matches = matchJudged(findings, judged, readLine);
  const rules = [...new Set([...findings.map((finding) => finding.rule), ...judged.map((entry) => entry.rule)])].sort();
  return rules.map((rule) => {
    const entries = judged.filter((entry) => entry.rule === rule);
    const present = entries.filter((entry) => matches.get(entry));
    const dropped = entries.filter((entry) => !matches.get(entry));
    const actionable = present.filter((entry) => entry.verdict === 'TP-actionable').length;
    const lowValue = present.filter((entry) => entry.verdict === 'TP-low-value').length;
    const falsePositives = present.filter((entry) => entry.verdict === 'FP').length;
    return {
      rule,
      count: findings.filter((finding) => finding.rule === rule).length,
      judged: present.length,
      actionable,
      lowValue,
      falsePositives,
      precision: ratio(actionable + lowValue, present.length),
      actionableShare: ratio(actionable, present.length),
      droppedTrue: dropped.filter((entry) => entry.verdict !== 'FP').length,
      droppedFalse: dropped.filter((entry) => entry.verdict === 'FP').length,
      messageChanged: present.filter((entry) => entry.message !== undefined && matches.get(entry)!.message !== entry.message).length,
    };
  });
}

/** How far after a label's line a finding may start and still be about that call (a chained call reported at its operation). */
const SITE_WINDOW_BEFORE = 1;
const SITE_WINDOW_AFTER = 3;

/** The labelled site a finding is about: the nearest site of its file whose line is at most a line before or three lines after it. */
export function siteOf(finding: RunFinding, sitesByFile: ReadonlyMap<string, readonly SiteLabel[]>): SiteLabel | undefined {
  let best: SiteLabel | undefined;
  for (const site of sitesByFile.get(`${finding.repository}\u0000${finding.file}`) ?? []) {
    const offset = finding.line - site.line;
    if (offset < -SITE_WINDOW_BEFORE || offset > SITE_WINDOW_AFTER) continue;
    if (!best || Math.abs(offset) < Math.abs(finding.line - best.line)) best = site;
  }
  return best;
}

/** Scores the n-plus-one findings against the site labels, optionally only the sites of some contexts. */
export function scoreSites(findings: readonly RunFinding[], labels: readonly SiteLabel[], contexts?: ReadonlySet<SiteLabel['context']>): SiteScore {
  const sites = labels.filter((site) => !contexts || contexts.has(site.context));
  const sitesByFile = new Map<string, SiteLabel[]>();
  // Every label takes part in the matching, so a finding at an app site is not pinned to a nearby seed site.
  for (const site of labels) sitesByFile.set(`${site.repository}\u0000${site.path}`, [...(sitesByFile.get(`${site.repository}\u0000${site.path}`) ?? []), site]);
  const reported = new Set<SiteLabel>();
  let unlabelledFindings = 0;
  for (const finding of findings) {
    if (finding.rule !== 'n-plus-one') continue;
    const site = siteOf(finding, sitesByFile);
    if (site) reported.add(site);
    else unlabelledFindings++;
    // The loop's other queries, listed with the finding, are reported too.
    for (const place of finding.also ?? []) {
      const other = siteOf({ ...finding, file: place.file, line: place.line }, sitesByFile);
      if (other) reported.add(other);
    }
  }
  const positives = sites.filter((site) => site.kind === 'n-plus-one');
  const negatives = sites.filter((site) => site.kind === 'quiet');
  const found = positives.filter((site) => reported.has(site)).length;
  const wronglyReported = negatives.filter((site) => reported.has(site));
  return {
    sites: positives.length,
    quietSites: negatives.length,
    found,
    quietReported: wronglyReported.length,
    precision: ratio(found, found + wronglyReported.length),
    recall: ratio(found, positives.length),
    recallQuery: ratio(positives.filter((site) => site.via === 'query' && reported.has(site)).length, positives.filter((site) => site.via === 'query').length),
    recallCall: ratio(positives.filter((site) => site.via === 'call' && reported.has(site)).length, positives.filter((site) => site.via === 'call').length),
    unlabelledFindings,
    missed: positives.filter((site) => !reported.has(site)),
    wronglyReported,
  };
}

/** A small seeded generator (mulberry32), so that a sample drawn today is drawn again tomorrow. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function compareFindings(a: RunFinding, b: RunFinding): number {
  const keyA = [a.repository, a.file, String(a.line).padStart(8, '0'), String(a.column).padStart(6, '0'), a.message];
  const keyB = [b.repository, b.file, String(b.line).padStart(8, '0'), String(b.column).padStart(6, '0'), b.message];
  for (let index = 0; index < keyA.length; index++) {
    if (keyA[index] !== keyB[index]) return keyA[index]! < keyB[index]! ? -1 : 1;
  }
  return 0;
}

/**
 * Draws up to `perRule` findings of each rule: the findings in a fixed order (repository, file,
 * line, column, message), shuffled by Fisher–Yates with the seeded generator, the first `perRule`
 * kept. The same findings and seed always give the same sample.
 */
export function drawSample(findings: readonly RunFinding[], seed: number, perRule: number): Map<string, RunFinding[]> {
  const sample = new Map<string, RunFinding[]>();
  const rules = [...new Set(findings.map((finding) => finding.rule))].sort();
  for (const rule of rules) {
    const random = seededRandom(seed);
    const pool = findings.filter((finding) => finding.rule === rule).sort(compareFindings);
    for (let index = pool.length - 1; index > 0; index--) {
      const other = Math.floor(random() * (index + 1));
      [pool[index], pool[other]] = [pool[other]!, pool[index]!];
    }
    sample.set(rule, pool.slice(0, perRule));
  }
  return sample;
}
