/**
 * Times edit → new diagnostics on the built Prisma Lens language server over stdio, beside the
 * peer's `lint` on the same edited texts, which is the work the official Prisma server does per edit.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LspTestClient, rangedChange } from '../test/server/lspClient';
import { ModelFindingsCache } from '../server/src/analysis/model-findings-cache';
import type { SchemaEdit } from './edits';
import { analyzeOnce, lintOnce } from './in-process';
import { summarize, type Summary } from './stats';

export interface EditTimes {
  edits: number;
  /** didOpen → first pull response: discovery, a cold analysis and the first conversion to LSP. */
  firstPullMs: number;
  /** didChange sent → `textDocument/diagnostic` response received, over stdio. */
  lensServer: Summary;
  /**
   * The time the server's main thread was on a CPU per edit (Linux only): what the server itself
   * spent, whatever else the machine was doing meanwhile.
   */
  lensServerCpu: Summary | undefined;
  /** Size of the JSON of the last pull response. */
  responseBytes: number;
  /** `analyzeSchema` on each edited text in this process: the server's analysis without IPC and LSP. */
  lensInProcess: Summary;
  /** The peer's `lint` on each edited text in this process. */
  peer: Summary;
  lensFindingsBefore: number;
  lensFindingsAfter: number;
  peerDiagnosticsBefore: number;
  peerDiagnosticsAfter: number;
}

/** Time between keystroke-like edits, so that each measurement starts from an idle server, as typing does. */
const PAUSE_BETWEEN_EDITS_MS = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Milliseconds the main thread of process `pid` has run on a CPU so far, or undefined off Linux. */
function onCpuMs(pid: number | undefined): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

export async function measureServerEdits(projectDir: string, schemaPath: string, initialText: string, edits: readonly SchemaEdit[]): Promise<EditTimes> {
  const uri = pathToFileURL(schemaPath).href;
  // The expected findings come from the same analysis in-process: a pull that returns another count
  // answered for a stale text, and its time would not be an edit → new diagnostics time. Run in edit
  // order, after the unedited text, these calls also time what the server's analysis does per edit:
  // re-parse the one block that changed.
  // With the per-model findings cache the server keeps per schema, so that this column is the server's analysis.
  const modelFindings = new ModelFindingsCache();
  const expectedBefore = analyzeOnce(uri, initialText, 1, modelFindings).findings;
  const inProcessRuns = edits.map((edit, index) => analyzeOnce(uri, edit.text, index + 2, modelFindings));
  // Sent as VS Code sends a keystroke to a server that syncs incrementally: the replaced range and its new text.
  const changes = edits.map((edit, index) => rangedChange(index === 0 ? initialText : edits[index - 1]!.text, edit.text));
  const expected = inProcessRuns.map((run) => run.findings);

  const client = new LspTestClient();
  const lensServer: number[] = [];
  const lensServerCpu: number[] = [];
  let responseBytes = 0;
  let firstPullMs: number;
  try {
    const init = await client.initialize(projectDir, { pull: true });
    if (!init.capabilities.diagnosticProvider) throw new Error('the server does not offer pull diagnostics');
    const openedAt = performance.now();
    await client.open(uri, initialText);
    const first = await client.pull(uri);
    firstPullMs = performance.now() - openedAt;
    if (first.items.length !== expectedBefore) {
      throw new Error(`the first pull returned ${first.items.length} diagnostics, expected ${expectedBefore}\n${client.logs.join('')}`);
    }
    for (const [index, edit] of edits.entries()) {
      await pause(PAUSE_BETWEEN_EDITS_MS);
      const start = performance.now();
      const cpuBefore = onCpuMs(client.process.pid);
      await client.changeRanges(uri, index + 2, [changes[index]!]);
      const report = await client.pull(uri);
      lensServer.push(performance.now() - start);
      const cpuAfter = onCpuMs(client.process.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined) lensServerCpu.push(cpuAfter - cpuBefore);
      responseBytes = JSON.stringify(report).length;
      if (report.kind !== 'full' || report.items.length !== expected[index]) {
        throw new Error(`after "${edit.description}" the pull returned ${report.kind} with ${report.items.length} diagnostics, expected full with ${expected[index]}`);
      }
    }
  } finally {
    await client.close();
  }

  const peerRuns = edits.map((edit) => lintOnce(uri, edit.text));
  return {
    edits: edits.length,
    firstPullMs,
    lensServer: summarize(lensServer),
    lensServerCpu: lensServerCpu.length === lensServer.length ? summarize(lensServerCpu) : undefined,
    responseBytes,
    lensInProcess: summarize(inProcessRuns.map((run) => run.ms)),
    peer: summarize(peerRuns.map((run) => run.ms)),
    lensFindingsBefore: expectedBefore,
    lensFindingsAfter: expected[expected.length - 1] ?? expectedBefore,
    peerDiagnosticsBefore: lintOnce(uri, initialText).diagnostics,
    peerDiagnosticsAfter: peerRuns[peerRuns.length - 1]?.diagnostics ?? 0,
  };
}
