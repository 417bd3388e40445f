import type { Job, JobResult } from './jobs';
import { executeJob } from './jobs';

/**
 * Runs jobs and hands each result back as it comes. The engine needs nothing more, so the same
 * orchestration runs in this thread (tests) or over worker threads (src/simulation/runtime/).
 * Several `run` calls may be in flight at once; an executor queues them.
 */
export interface Executor {
  run(jobs: readonly Job[], onResult?: (result: JobResult, job: Job) => void): Promise<JobResult[]>;
}

export const inThisThread: Executor = {
  async run(jobs, onResult) {
    return jobs.map((job) => {
      const result = executeJob(job);
      onResult?.(result, job);
      return result;
    });
  },
};

/** Splits items into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
