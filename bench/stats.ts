import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A set of latency samples, in milliseconds to a tenth. */
export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export const roundTo = (x: number, decimals: number): number => Math.round(x * 10 ** decimals) / 10 ** decimals;

export function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return {
    n: sorted.length,
    p50: roundTo(at(50), 1),
    p95: roundTo(at(95), 1),
    p99: roundTo(at(99), 1),
    max: roundTo(sorted.at(-1) ?? NaN, 1),
  };
}

/** Milliseconds that `work` takes, from call to settlement. */
export async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

/** Runs `total` jobs with at most `limit` at once. */
export async function pool(
  total: number,
  limit: number,
  job: (i: number) => Promise<void>,
  report?: (done: number) => void,
): Promise<void> {
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, total) }, async () => {
      while (next < total) {
        const i = next++;
        await job(i);
        done += 1;
        report?.(done);
      }
    }),
  );
}

/** A process's resident memory, or null once it is gone (or off Linux). */
export function rssOf(pid: number | undefined): number | null {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** The resident memory of the Temporal dev server listening on `port`. */
export function rssOfDevServer(port: number): number | null {
  try {
    const pids = execFileSync('pgrep', ['-f', `start-dev.*--port ${port}`], { encoding: 'utf8' })
      .trim()
      .split('\n');
    return rssOf(Number(pids[0]));
  } catch {
    return null;
  }
}

export const mib = (bytes: number | null): number | null => (bytes === null ? null : Math.round(bytes / 2 ** 20));
