/** Times Prisma Lens's `analyzeSchema` and the peer's `lint` inside this process, on the same text. */
import { analyzeSchema } from '../server/src/analysis/analyze';
import type { ModelFindingsCache } from '../server/src/analysis/model-findings-cache';
import { lintLikeOfficialServer } from './peer';
import { summarize, timed, type Summary } from './stats';

export interface ColdTimes {
  lensMs: number;
  peerMs: number;
  lensFindings: number;
  peerDiagnostics: number;
}

export interface WarmTimes {
  lens: Summary;
  peer: Summary;
}

export function analyzeOnce(uri: string, text: string, version: number, modelFindings?: ModelFindingsCache): { ms: number; findings: number } {
  const { ms, result } = timed(() => analyzeSchema([{ uri, text, version }], { modelFindings }));
  if (result.errors.length > 0) throw new Error(`analyzeSchema reported rule errors:\n${result.errors.join('\n')}`);
  return { ms, findings: result.findings.length };
}

export function lintOnce(uri: string, text: string): { ms: number; diagnostics: number } {
  const { ms, result } = timed(() => lintLikeOfficialServer(uri, text));
  return { ms, diagnostics: result.length };
}

/** The first call of each in this process: what a freshly started server or CLI pays once. */
export function measureCold(uri: string, text: string): ColdTimes {
  const lens = analyzeOnce(uri, text, 1);
  const peer = lintOnce(uri, text);
  return { lensMs: lens.ms, peerMs: peer.ms, lensFindings: lens.findings, peerDiagnostics: peer.diagnostics };
}

/**
 * The same schema with run-specific spacing in every block header (`model User   {`): the schema
 * means the same to both tools, but no block's text was seen before, so no cache can answer.
 */
export function freshVariant(text: string, run: number): string {
  return text.replace(/^(model|enum|datasource|generator) (\w+) \{$/gm, (_, keyword: string, name: string) => `${keyword} ${name}${' '.repeat(run + 1)}{`);
}

/** Repeated calls after a warm-up, alternating the two tools so that both see the same machine noise. */
function measureAlternating(uri: string, textForRun: (run: number) => string, runs: number, warmUp: number): WarmTimes {
  const lens: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < warmUp + runs; i++) {
    const text = textForRun(i);
    const lensMs = analyzeOnce(uri, text, i + 1).ms;
    const peerMs = lintOnce(uri, text).ms;
    if (i < warmUp) continue;
    lens.push(lensMs);
    peer.push(peerMs);
  }
  return { lens: summarize(lens), peer: summarize(peer) };
}

/** The same text again and again: Prisma Lens reuses every parsed block, as its server does for an unchanged schema. */
export function measureWarmUnchanged(uri: string, text: string, runs: number, warmUp = 5): WarmTimes {
  return measureAlternating(uri, () => text, runs, warmUp);
}

/**
 * A text no cache has seen on every run, so that Prisma Lens parses every block again. It fills
 * Prisma Lens's parse cache (and the heap) with blocks never used again, so it should run last.
 */
export function measureWarmNewText(uri: string, text: string, runs: number, warmUp = 5): WarmTimes {
  return measureAlternating(uri, (run) => freshVariant(text, run), runs, warmUp);
}
