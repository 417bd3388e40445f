import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time (user and system, every thread) of the benchmark's process and everything it started:
 * the Temporal dev server, the case worker, the embedded PostgreSQL server and its backends. Read
 * from /proc, so only on Linux; elsewhere a phase simply has no CPU breakdown. CPU time, unlike a
 * sampling profile's wall-clock ticks, does not depend on how busy the other processes kept the
 * cores: it is what a phase cost each process.
 */

/** Who spent the CPU, by the command line of the process. */
export type CpuRole = 'temporal' | 'worker' | 'postgres' | 'bench' | 'other';

export const CPU_ROLE_NAMES: Record<CpuRole, string> = {
  temporal: 'Temporal server',
  worker: 'case worker (process)',
  postgres: 'PostgreSQL (all backends)',
  bench: 'API, HTTP load and baseline worker (this process)',
  other: 'other child processes',
};

export type CpuSample = Record<CpuRole, number>;

interface ProcStat {
  pid: number;
  ppid: number;
  cpuSeconds: number;
}

const TICKS_PER_SECOND = 100;

function readStat(pid: string): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Its own time and its reaped children's (a backend that exited keeps counting, under its parent).
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid: Number(pid), ppid: Number(fields[1]), cpuSeconds: ticks / TICKS_PER_SECOND };
  } catch {
    return undefined; // gone between the listing and the read
  }
}

function roleOf(pid: number): CpuRole {
  if (pid === process.pid) return 'bench';
  let command: string;
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return 'other';
  }
  if (/temporal(\s|$).*server start-dev|temporal-server|temporal server/.test(command)) return 'temporal';
  if (command.includes('src/worker/main.ts')) return 'worker';
  if (/postgres/.test(command)) return 'postgres';
  return 'other';
}

/** CPU seconds so far of this process and its descendants, by role; undefined where /proc is not there. */
export function sampleCpu(): CpuSample | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = pids.map(readStat).filter((s): s is ProcStat => s !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const sample: CpuSample = { temporal: 0, worker: 0, postgres: 0, bench: 0, other: 0 };
  const own = stats.find((s) => s.pid === process.pid);
  if (!own) return undefined;
  // A process counts under the role of its nearest recognised ancestor (a PostgreSQL backend under
  // the postmaster, whatever its title says).
  const visit = (stat: ProcStat, inherited: CpuRole | undefined): void => {
    const own = roleOf(stat.pid);
    const role = own === 'other' && inherited ? inherited : own;
    sample[role] += stat.cpuSeconds;
    for (const child of children.get(stat.pid) ?? []) visit(child, role === 'bench' ? undefined : role);
  };
  visit(own, undefined);
  return sample;
}

/** Milliseconds of CPU per item (a transition, an Update) each role spent between two samples. */
export function cpuPerItem(before: CpuSample | undefined, after: CpuSample | undefined, items: number): CpuSample | undefined {
  if (!before || !after || items <= 0) return undefined;
  const per = {} as CpuSample;
  for (const role of Object.keys(before) as CpuRole[]) per[role] = Math.round(((after[role] - before[role]) * 1000 * 100) / items) / 100;
  return per;
}
