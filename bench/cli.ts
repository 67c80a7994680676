/** Times the Prisma Lens CLI and a peer CLI (Node + prisma-schema-wasm `lint`) as spawned processes, wall clock. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { summarize, type Summary } from './stats';

const ROOT = join(__dirname, '..');
export const LENS_CLI = join(ROOT, 'dist', 'cli.js');
const PEER_CLI = join(__dirname, 'peer-lint.cjs');

export interface CliTimes {
  lens: Summary;
  peer: Summary;
  lensFindings: number;
  peerDiagnostics: number;
  lensExitCode: number;
  peerExitCode: number;
}

interface Run {
  ms: number;
  status: number;
  stdout: string;
}

function runProcess(args: string[]): Run {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (child.error) throw child.error;
  return { ms, status: child.status ?? -1, stdout: child.stdout };
}

/** Counts findings in the CLI's JSON, whether it is a list of findings or an object holding one. */
function countFindings(json: unknown): number {
  if (Array.isArray(json)) return json.length;
  if (json && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    for (const key of ['findings', 'diagnostics', 'problems']) {
      if (Array.isArray(record[key])) return (record[key] as unknown[]).length;
    }
    if (Array.isArray(record.files)) return record.files.reduce((sum: number, file: unknown) => sum + countFindings(file), 0);
  }
  throw new Error(`unexpected JSON shape from the Prisma Lens CLI: ${JSON.stringify(json).slice(0, 200)}`);
}

function parseJson(stdout: string, label: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`${label} did not print JSON:\n${stdout.slice(0, 500)}`);
  }
}

/**
 * Runs both CLIs `runs` times on the same project, alternating them so that both see the same
 * machine state; one unmeasured run of each first fills the file-system cache.
 */
export function measureCli(projectDir: string, schemaPath: string, runs: number): CliTimes {
  const lensArgs = [LENS_CLI, 'check', projectDir, '--format', 'json'];
  const peerArgs = [PEER_CLI, schemaPath];
  const firstLens = runProcess(lensArgs);
  // Exit code 1 means "findings reported"; anything else means the run did not do the work measured here.
  if (firstLens.status !== 1) throw new Error(`prisma-lens check exited with ${firstLens.status}, expected 1 (findings):\n${firstLens.stdout.slice(0, 500)}`);
  const firstPeer = runProcess(peerArgs);
  if (firstPeer.status !== 0 && firstPeer.status !== 1) throw new Error(`peer lint exited with ${firstPeer.status}`);
  const lensFindings = countFindings(parseJson(firstLens.stdout, 'prisma-lens check'));
  const peerDiagnostics = (parseJson(firstPeer.stdout, 'peer lint') as unknown[]).length;

  const lens: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lensRun = runProcess(lensArgs);
    if (lensRun.status !== firstLens.status) throw new Error(`prisma-lens check exit code changed to ${lensRun.status}`);
    lens.push(lensRun.ms);
    peer.push(runProcess(peerArgs).ms);
  }
  return {
    lens: summarize(lens),
    peer: summarize(peer),
    lensFindings,
    peerDiagnostics,
    lensExitCode: firstLens.status,
    peerExitCode: firstPeer.status,
  };
}
