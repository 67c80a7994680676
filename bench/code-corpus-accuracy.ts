/**
 * Precision and recall on the labelled n-plus-one corpus (test/corpus/n-plus-one) for Prisma Lens's
 * `n-plus-one` rule (scored by the corpus's own scorer) and for ESLint's `no-await-in-loop`.
 *
 * How an ESLint report meets a label: `no-await-in-loop` reports an `await` expression (or a
 * `for await` loop); the report covers every labelled site whose first character lies inside that
 * expression as written, so `await prisma.user.findFirst(…)` covers the `prisma.user.findFirst`
 * label on its line, and `await Promise.all(items.map(…prisma.x…))` in a loop covers every label in
 * it. A `^^^` label (a true N+1 site) covered by a report is a true positive, one covered by none a
 * false negative; a `~~~` label (a site that must stay silent) covered by a report is a false
 * positive, and a report that covers no label at all (an `await fetch(…)` in a loop) is a false
 * positive too, exactly as the corpus scorer counts a Prisma Lens finding at no label. A label whose
 * truth a `FIXME(false-positive|false-negative)` comment reverses (it records a known Prisma Lens
 * mistake) is scored by its truth: a `^^^` label under `FIXME(false-positive)` is not an N+1 site.
 */
import { join } from 'node:path';
import rule from '../server/src/analysis/rules/n-plus-one';
import { CORPUS_ROOT, corpusFiles, corpusFixture, scoreCorpus } from '../test/corpus/n-plus-one/score';
import { parseFixture, type Marker } from '../test/support/fixture';
import { createLinter, describeMode, lintSource, RULE, typeScriptMode, type AwaitReport } from './code-eslint';

export interface Score {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  /** False positives at no label (included in `falsePositives`). */
  unlabelledReports: number;
  precision: number;
  recall: number;
  /** Precision over labelled sites only (reports at no label left out), for readers who would not count an `await fetch` in a loop against a tool. */
  precisionOnLabels: number;
}

export interface CorpusAccuracy {
  files: number;
  positives: number;
  negatives: number;
  lens: Score;
  lensMistakes: string[];
  eslint: Score;
  eslintMode: string;
  /** Per file: what ESLint missed and where it reported wrongly, for the record. */
  eslintMistakes: string[];
}

const FIXME = /\/\/\s*FIXME\((false-positive|false-negative)\)/;

function fixmeAbove(lines: readonly string[], line: number): string | undefined {
  for (let above = line - 1; above >= Math.max(0, line - 3); above--) {
    const match = FIXME.exec(lines[above] ?? '');
    if (match) return match[1];
  }
  return undefined;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}

function offsetOf(text: string, marker: Marker): number {
  const lines = text.split('\n');
  let offset = 0;
  for (let line = 0; line < marker.line; line++) offset += lines[line]!.length + 1;
  return offset + marker.startCharacter;
}

export async function measureCorpusAccuracy(): Promise<CorpusAccuracy> {
  const mode = typeScriptMode();
  const eslint = createLinter(mode, CORPUS_ROOT);
  const eslintScore = { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0, unlabelledReports: 0 };
  const eslintMistakes: string[] = [];
  let positives = 0;
  let negatives = 0;
  const files = corpusFiles();
  for (const file of files) {
    // The marker lines are removed, so ESLint reads exactly the text Prisma Lens is scored on.
    const { files: parsed, markers, silent } = parseFixture(corpusFixture(file));
    const code = parsed.find((candidate) => candidate.uri.endsWith(`/${file}`))!;
    const lines = code.text.split('\n');
    const linted = await lintSource(eslint, mode, join(CORPUS_ROOT, file), code.text);
    if (linted.fatal.length > 0) throw new Error(`ESLint could not parse ${file}:\n${linted.fatal.join('\n')}`);
    if (linted.unmapped.length > 0) throw new Error(`${RULE} reports that point at no await:\n${linted.unmapped.join('\n')}`);
    const used = new Set<AwaitReport>();
    const covered = (marker: Marker): boolean => {
      const offset = offsetOf(code.text, marker);
      const report = linted.reports.find((candidate) => candidate.start <= offset && offset < candidate.end);
      if (report) used.add(report);
      return report !== undefined;
    };
    const labels = [
      ...markers.map((marker) => ({ marker, isNPlusOne: fixmeAbove(lines, marker.line) !== 'false-positive' })),
      ...silent.map((marker) => ({ marker, isNPlusOne: fixmeAbove(lines, marker.line) === 'false-negative' })),
    ];
    for (const { marker, isNPlusOne } of labels) {
      const reported = covered(marker);
      if (isNPlusOne) positives++;
      else negatives++;
      const where = `${file}:${marker.line + 1}`;
      if (isNPlusOne && reported) eslintScore.truePositives++;
      else if (isNPlusOne) {
        eslintScore.falseNegatives++;
        eslintMistakes.push(`${where}  false negative  ${marker.text}`);
      } else if (reported) {
        eslintScore.falsePositives++;
        eslintMistakes.push(`${where}  false positive  ${marker.text}`);
      } else eslintScore.trueNegatives++;
    }
    for (const report of linted.reports) {
      if (used.has(report)) continue;
      eslintScore.unlabelledReports++;
      eslintScore.falsePositives++;
      eslintMistakes.push(`${file}:${report.line + 1}  false positive (no label)  ${code.text.slice(report.start, Math.min(report.end, report.start + 60)).replace(/\s+/g, ' ')}`);
    }
  }
  const labelledReports = eslintScore.truePositives + eslintScore.falsePositives - eslintScore.unlabelledReports;
  const lens = scoreCorpus(rule);
  const lensUnlabelled = lens.mistakes.filter((mistake) => mistake.includes('false positive (unmarked)')).length;
  return {
    files: files.length,
    positives,
    negatives,
    lens: {
      truePositives: lens.truePositives,
      falsePositives: lens.falsePositives,
      falseNegatives: lens.falseNegatives,
      trueNegatives: lens.trueNegatives,
      unlabelledReports: lensUnlabelled,
      precision: lens.precision,
      recall: lens.recall,
      precisionOnLabels: ratio(lens.truePositives, lens.truePositives + lens.falsePositives - lensUnlabelled),
    },
    lensMistakes: lens.mistakes,
    eslint: {
      ...eslintScore,
      precision: ratio(eslintScore.truePositives, eslintScore.truePositives + eslintScore.falsePositives),
      recall: ratio(eslintScore.truePositives, eslintScore.truePositives + eslintScore.falseNegatives),
      precisionOnLabels: ratio(eslintScore.truePositives, labelledReports),
    },
    eslintMode: describeMode(mode),
    eslintMistakes,
  };
}

if (require.main === module) {
  measureCorpusAccuracy().then(
    (accuracy) => console.log(JSON.stringify(accuracy, null, 2)),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
