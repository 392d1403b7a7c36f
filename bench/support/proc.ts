/** What Linux's /proc tells about a server process while a measurement runs: memory and CPU time. */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 200;
// USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every architecture Linux runs Node on.
const CLOCK_TICKS_PER_SECOND = 100;

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) / 1024;
}

export function currentRssMb(pid: number): number {
  return statusField(pid, 'VmRSS');
}

/** The process's high-water mark since it started, start-up and migrations included. */
export function highWaterMarkMb(pid: number): number {
  return statusField(pid, 'VmHWM');
}

/** CPU time of all the process's threads, user and system. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name, field 2, may hold spaces: fields are counted from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export interface Observed<T> {
  result: T;
  peakRssMb: number;
  /** CPU time over wall time: 1 is one core busy throughout. */
  cpuCores: number;
}

/** Runs `work` and returns its result with the highest RSS of `pid` meanwhile and the CPU it used. */
export async function observe<T>(pid: number, work: () => Promise<T>): Promise<Observed<T>> {
  let peakRssMb = currentRssMb(pid);
  const poll = setInterval(() => {
    try {
      peakRssMb = Math.max(peakRssMb, currentRssMb(pid));
    } catch {
      // The process is gone: the reads after `work` report it, outside this timer.
    }
  }, POLL_MS);
  try {
    const startedAt = performance.now();
    const cpuBefore = cpuSeconds(pid);
    const result = await work();
    const cpuCores = (cpuSeconds(pid) - cpuBefore) / ((performance.now() - startedAt) / 1000);
    return { result, peakRssMb: Math.max(peakRssMb, currentRssMb(pid)), cpuCores };
  } finally {
    clearInterval(poll);
  }
}

/** Busy and total jiffies of all CPUs together, from the first line of /proc/stat. */
function systemTicks(): { busy: number; total: number } {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * How many cores something else keeps busy, sampled before the bench starts
 * anything: figures taken beside a test suite or a build are not comparable.
 */
export async function busyCores(seconds: number, cores: number, signal: AbortSignal): Promise<number> {
  const before = systemTicks();
  await sleep(seconds * 1000, undefined, { signal });
  const after = systemTicks();
  return ((after.busy - before.busy) / (after.total - before.total)) * cores;
}
