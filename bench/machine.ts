/** Describes the machine a benchmark ran on, so that recorded results can be compared fairly. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  node: string;
  os: string;
  /** Other work on the machine skews every number; the load average says how busy it was. */
  loadAverage: string;
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function describeMachine(): Machine {
  // /proc/cpuinfo is Linux-only; elsewhere Node's own view of the CPU is the best there is.
  const cpuinfo = readOptional('/proc/cpuinfo');
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
  const distribution = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readOptional('/etc/os-release'))?.[1];
  return {
    cpu,
    cores: cpus().length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${distribution ? `${distribution}, ` : ''}${osType()} ${release()} (${process.arch})`,
    loadAverage: loadavg()[0]!.toFixed(2),
  };
}
