/**
 * Drives the built language server (dist/server.js over stdio) on the generated code workspace:
 * cold indexing until its `$/progress` ends, edit → new diagnostics on one TypeScript file, and
 * the server process's peak memory. Every answer is checked against the same analysis run in this
 * process, so that a stale or empty answer cannot pass for a fast one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { LspTestClient, SERVER_PATH } from '../test/server/lspClient';
import { processCpuMs } from './code-cpu';
import type { CodeEdit } from './code-edits';
import { summarize, type Summary } from './stats';

export interface ServerCodeTimes {
  /** `initialize` sent → the indexing progress's `end`: discovery, reading and indexing every file. */
  coldIndexMs: number;
  /** CPU time the server process (all threads) used from its start to the end of indexing. */
  coldIndexCpuMs: number;
  /** Mean CPU time the server used per edit (its CPU time over all edits, divided by their number). */
  editCpuMeanMs: number;
  /** The server's own account of the pass, from its log ("indexed N code files …"). */
  serverLog: string | undefined;
  progressReports: number;
  /** didOpen → first pull response, for the edited file, after indexing. */
  firstPullMs: number;
  /** didChange sent → `textDocument/diagnostic` response received. */
  edits: Summary;
  diagnosticsBefore: number;
  diagnosticsAfter: number;
  /** VmHWM of the server process at the end (peak resident set), and VmRSS after indexing. */
  peakRssMb: number;
  rssAfterIndexMb: number;
}

export type ServerOutcome = { available: true; times: ServerCodeTimes } | { available: false; reason: string };

interface ProgressParams {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; title?: string; message?: string; percentage?: number };
}

/** How long to wait for the server to begin its indexing progress before deciding that it does not index code. */
const BEGIN_TIMEOUT_MS = 15_000;
/** A pass that has not ended by then is reported as a failure rather than waited for. */
const INDEX_TIMEOUT_MS = 300_000;
/** Time between keystroke-like edits, so that each measurement starts from an idle server, as typing does. */
const PAUSE_BETWEEN_EDITS_MS = 50;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A timeout for `Promise.race` that does not keep the process alive once the race is decided. */
const deadline = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

function memoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
  return kb / 1024;
}

/**
 * Indexes `workspaceDir` cold, then opens `file` and applies `edits` to it, pulling diagnostics
 * after each. `expected(text)` is the number of diagnostics the server must return for a text.
 */
export async function measureServerOnCode(
  workspaceDir: string,
  file: { path: string; text: string },
  edits: readonly CodeEdit[],
  expected: (text: string) => number,
): Promise<ServerOutcome> {
  return driveServer(workspaceDir, { file, edits, expected });
}

/** One server start's cold indexing: wall time, and the CPU time of the server process until its end. */
export interface ColdRun {
  coldIndexMs: number;
  coldIndexCpuMs: number;
}

/** Starts a server, lets it index `workspaceDir` cold, and stops it: one more sample of cold indexing. */
export async function measureColdIndexing(workspaceDir: string): Promise<ColdRun | { failed: string }> {
  const outcome = await driveServer(workspaceDir, {});
  return outcome.available ? { coldIndexMs: outcome.times.coldIndexMs, coldIndexCpuMs: outcome.times.coldIndexCpuMs } : { failed: outcome.reason };
}

/**
 * Indexes `workspaceDir` once more with the server under `node --cpu-prof`, and lets it exit on
 * its own so that V8 writes the profile into `profileDir`. Returns the cold indexing time of that
 * (slower, profiled) run.
 */
export async function profileServerIndexing(
  workspaceDir: string,
  profileDir: string,
  serverPath: string,
): Promise<{ coldIndexMs: number; serverLog: string | undefined } | { failed: string }> {
  const outcome = await driveServer(workspaceDir, { profileDir, serverPath });
  return outcome.available ? { coldIndexMs: outcome.times.coldIndexMs, serverLog: outcome.times.serverLog } : { failed: outcome.reason };
}

interface DriveOptions {
  file?: { path: string; text: string };
  edits?: readonly CodeEdit[];
  expected?: (text: string) => number;
  profileDir?: string;
  /** The bundle the profiled server runs (a copy of dist/server.js, so that a rebuild cannot change it under the profile). */
  serverPath?: string;
}

/** What a run needs of a server process: the test client, or the same wiring around a profiled process. */
interface ServerHandle {
  readonly process: ChildProcessWithoutNullStreams;
  readonly connection: MessageConnection;
  readonly logs: string[];
  close(): Promise<void>;
}

/** The server started as `node --cpu-prof dist/server.js --stdio` (Node does not take `--cpu-prof` from NODE_OPTIONS). */
function spawnProfiledServer(profileDir: string, serverPath: string): ServerHandle {
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, serverPath, '--stdio'], { stdio: 'pipe' });
  const logs: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onNotification('window/logMessage', (params: { message: string }) => void logs.push(params.message));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('workspace/diagnostic/refresh', () => null);
  connection.listen();
  return {
    process: child,
    connection,
    logs,
    close: async () => {
      connection.dispose();
      child.kill();
    },
  };
}

async function driveServer(workspaceDir: string, options: DriveOptions): Promise<ServerOutcome> {
  const client: ServerHandle = options.profileDir ? spawnProfiledServer(options.profileDir, options.serverPath ?? SERVER_PATH) : new LspTestClient();
  const progress: ProgressParams[] = [];
  let begun: () => void = () => undefined;
  let ended: () => void = () => undefined;
  const beginSeen = new Promise<void>((resolve) => (begun = resolve));
  const endSeen = new Promise<void>((resolve) => (ended = resolve));
  // Registered here (not through the test client's helpers) so that any version of that client works.
  client.connection.onRequest('window/workDoneProgress/create', () => null);
  client.connection.onNotification('$/progress', (params: ProgressParams) => {
    progress.push(params);
    if (params.value.kind === 'begin') begun();
    const open = new Set(progress.filter((entry) => entry.value.kind === 'begin').map((entry) => entry.token));
    for (const entry of progress) if (entry.value.kind === 'end') open.delete(entry.token);
    if (params.value.kind === 'end' && open.size === 0) ended();
  });
  const pid = client.process.pid!;
  try {
    const rootUri = pathToFileURL(workspaceDir).href;
    const started = performance.now();
    const init = await client.connection.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        window: { workDoneProgress: true },
        workspace: { workspaceFolders: true, workspaceEdit: { documentChanges: true }, diagnostics: { refreshSupport: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: { diagnostic: { dynamicRegistration: false }, publishDiagnostics: { versionSupport: true } },
      },
    });
    if (!init.capabilities.diagnosticProvider) throw new Error('the server does not offer pull diagnostics');
    await client.connection.sendNotification('initialized', {});
    const began = await Promise.race([beginSeen.then(() => true), deadline(BEGIN_TIMEOUT_MS).then(() => false)]);
    if (!began) return { available: false, reason: `the server reported no indexing progress within ${BEGIN_TIMEOUT_MS / 1000} s of \`initialized\`` };
    const finished = await Promise.race([endSeen.then(() => true), deadline(INDEX_TIMEOUT_MS).then(() => false)]);
    if (!finished) throw new Error(`indexing did not end within ${INDEX_TIMEOUT_MS / 1000} s\n${client.logs.join('\n')}`);
    const coldIndexMs = performance.now() - started;
    const coldIndexCpuMs = processCpuMs(pid);
    const rssAfterIndexMb = memoryMb(pid, 'VmRSS');
    const serverLog = () => client.logs.find((line) => /indexed \d+ code files/.test(line))?.trim();
    const { file, edits = [], expected } = options;
    if (!file || !expected || !(client instanceof LspTestClient)) {
      const exited = new Promise<void>((resolve) => client.process.once('exit', () => resolve()));
      await client.connection.sendRequest('shutdown');
      await client.connection.sendNotification('exit');
      // V8 writes the CPU profile while the process exits; killing it first would lose the profile.
      await Promise.race([exited, deadline(30_000)]);
      // Only the indexing time and the log are read from a profiled run; the rest stays empty.
      const none = { runs: 0, min: NaN, median: NaN, p90: NaN, max: NaN };
      return {
        available: true,
        times: { coldIndexMs, coldIndexCpuMs, editCpuMeanMs: NaN, serverLog: serverLog(), progressReports: 0, firstPullMs: NaN, edits: none, diagnosticsBefore: 0, diagnosticsAfter: 0, peakRssMb: NaN, rssAfterIndexMb },
      };
    }

    const uri = pathToFileURL(`${workspaceDir}/${file.path}`).href;
    const diagnosticsBefore = expected(file.text);
    const openedAt = performance.now();
    await client.open(uri, file.text, 'typescript');
    const first = await client.pull(uri);
    const firstPullMs = performance.now() - openedAt;
    if (first.items.length !== diagnosticsBefore) {
      throw new Error(`the first pull of ${file.path} returned ${first.items.length} diagnostics, expected ${diagnosticsBefore}\n${client.logs.join('\n')}`);
    }
    const times: number[] = [];
    let last = diagnosticsBefore;
    // The pauses between edits leave the server idle, so its CPU time over the edits is the edits' work.
    const cpuBeforeEdits = processCpuMs(pid);
    for (const [index, edit] of edits.entries()) {
      await pause(PAUSE_BETWEEN_EDITS_MS);
      const start = performance.now();
      await client.change(uri, index + 2, edit.text);
      const report = await client.pull(uri);
      times.push(performance.now() - start);
      last = expected(edit.text);
      if (report.kind !== 'full' || report.items.length !== last) {
        throw new Error(`after "${edit.description}" the pull returned ${report.kind} with ${report.items.length} diagnostics, expected full with ${last}`);
      }
    }
    const editCpuMeanMs = (processCpuMs(pid) - cpuBeforeEdits) / Math.max(1, edits.length);
    return {
      available: true,
      times: {
        coldIndexMs,
        coldIndexCpuMs,
        editCpuMeanMs,
        serverLog: serverLog(),
        progressReports: progress.filter((entry) => entry.value.kind === 'report').length,
        firstPullMs,
        edits: summarize(times),
        diagnosticsBefore,
        diagnosticsAfter: last,
        peakRssMb: memoryMb(pid, 'VmHWM'),
        rssAfterIndexMb,
      },
    };
  } finally {
    await client.close();
  }
}
