/**
 * Scores a rule on the n-plus-one corpus: markers are the labels (`^^^ warning:` an N+1 site,
 * `~~~ ok:` a site that must stay silent), findings are the rule's answer. A marker that records a
 * known mistake carries `// FIXME(false-positive): …` or `// FIXME(false-negative): …` on one of
 * the three lines above the marked line, and counts as that mistake.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Finding, Rule } from '../../../server/src/analysis/rules/types';
import { describeFinding, findingsOf, parseFixture, type Marker } from '../../support/fixture';

export const CORPUS_ROOT = __dirname;
const SCHEMA_PATH = join(CORPUS_ROOT, 'prisma', 'schema.prisma');
const CODE_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
const FIXME = /\/\/\s*FIXME\((false-positive|false-negative)\)/;

export interface CorpusScore {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  precision: number;
  recall: number;
  /** One line per mistake: `path:line  false positive|false negative  message`. */
  mistakes: string[];
}

/** The corpus's code files (not this scorer), as paths relative to the corpus root with `/` separators. */
export function corpusFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return walk(path);
        return CODE_FILE.test(name) && path !== __filename && !name.startsWith('score.') ? [relative(CORPUS_ROOT, path).split(sep).join('/')] : [];
      });
  return walk(CORPUS_ROOT);
}

/** A fixture of the corpus schema and one corpus file, in the `//- path` format that `check` reads. */
export function corpusFixture(file: string): string {
  return `//- prisma/schema.prisma\n${readFileSync(SCHEMA_PATH, 'utf8')}\n//- ${file}\n${readFileSync(join(CORPUS_ROOT, file), 'utf8')}`;
}

export function scoreCorpus(rule: Rule): CorpusScore {
  const score: CorpusScore = { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0, precision: 0, recall: 0, mistakes: [] };
  for (const file of corpusFiles()) {
    const { files, markers, silent } = parseFixture(corpusFixture(file));
    const code = files.find((candidate) => candidate.uri.endsWith(`/${file}`))!;
    const lines = code.text.split('\n');
    const findings = findingsOf(rule, files);
    const keyOf = (marker: Marker): string => `${marker.path}:${marker.line}:${marker.startCharacter}-${marker.endCharacter}`;
    const found = new Map<string, Finding>(findings.map((finding) => [describeFinding(finding, files).split(' ')[0]!, finding]));
    const mistake = (marker: Marker | undefined, kind: string, detail: string): void => {
      score.mistakes.push(`${marker ? `${marker.path}:${marker.line + 1}` : file}  ${kind}  ${detail}`);
    };
    for (const marker of markers) {
      const finding = found.get(keyOf(marker));
      found.delete(keyOf(marker));
      const fixme = fixmeAbove(lines, marker.line);
      if (finding && fixme === 'false-positive') {
        score.falsePositives++;
        mistake(marker, 'false positive (FIXME)', finding.message);
      } else if (finding) {
        score.truePositives++;
      } else {
        score.falseNegatives++;
        mistake(marker, 'false negative', marker.text);
      }
    }
    for (const marker of silent) {
      const key = keyOf(marker);
      const overlapping = [...found.keys()].find((candidate) => candidate.startsWith(`${marker.path}:${marker.line}:`));
      if (overlapping) {
        found.delete(overlapping);
        score.falsePositives++;
        mistake(marker, 'false positive', `${key} ${marker.text}`);
      } else if (fixmeAbove(lines, marker.line) === 'false-negative') {
        score.falseNegatives++;
        mistake(marker, 'false negative (FIXME)', marker.text);
      } else {
        score.trueNegatives++;
      }
    }
    for (const [key, finding] of found) {
      score.falsePositives++;
      mistake(undefined, 'false positive (unmarked)', `${key} ${finding.message}`);
    }
  }
  score.precision = ratio(score.truePositives, score.truePositives + score.falsePositives);
  score.recall = ratio(score.truePositives, score.truePositives + score.falseNegatives);
  return score;
}

function fixmeAbove(lines: readonly string[], line: number): 'false-positive' | 'false-negative' | undefined {
  for (let above = line - 1; above >= Math.max(0, line - 3); above--) {
    const match = FIXME.exec(lines[above] ?? '');
    if (match) return match[1] as 'false-positive' | 'false-negative';
  }
  return undefined;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 1 : part / whole;
}
