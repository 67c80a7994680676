/**
 * CPU time, beside wall time: on a busy machine a process waits for a core, and its wall time
 * grows with the load while the CPU time it uses stays close to what it needs (Linux `/proc`).
 */
import { readFileSync } from 'node:fs';

/** Linux's clock tick (`getconf CLK_TCK`), 100 on every mainstream kernel configuration. */
const TICK_MS = 10;

function statFields(pid: number | 'self'): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after it are space-separated.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU time of a running process, all its threads (ms, 10 ms resolution). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat, i.e. 11 and 12 after the command name.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** User + system CPU time of this process's children that have exited and been waited for (ms). */
export function childrenCpuMs(): number {
  const fields = statFields('self');
  // cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) * TICK_MS;
}

/** This process's own CPU time (ms), finer than the clock tick. */
export function ownCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
