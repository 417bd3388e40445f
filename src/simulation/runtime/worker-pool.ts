import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { SimulationError } from '../engine/child';
import type { Executor } from '../engine/executor';
import type { Job, JobResult } from '../engine/jobs';

/**
 * Runs simulation jobs on worker threads, one job per worker at a time, from one queue. Children
 * are independent and every job is plain data, so the result does not depend on how many workers
 * there are or which takes which job.
 */

interface Pending {
  job: Job;
  resolve: (result: JobResult) => void;
  reject: (err: Error) => void;
}

interface Reply {
  result?: JobResult;
  error?: string;
}

// Workers load TypeScript through tsx's CommonJS hook, as the project's scripts do (`node --import tsx`),
// which a worker does not inherit; the hook is registered in the worker before the entry is required.
const ENTRY = `require('tsx/cjs/api').register(); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`;

/**
 * A young generation larger than V8's default (about three 64 MB semi-spaces): the machine's
 * snapshots and the schedule's alerts are short-lived and many. Measured on one thread, 8 MB
 * semi-spaces against 64: 1.53-1.60 against 1.26-1.28 ms of CPU a child.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 192 };

export class WorkerPool implements Executor {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly busy = new Map<Worker, Pending>();
  private closed: Error | null = null;

  constructor(size = defaultWorkers()) {
    for (let i = 0; i < size; i += 1) this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(ENTRY, { eval: true, resourceLimits: RESOURCE_LIMITS });
    worker.on('message', (reply: Reply) => this.settle(worker, reply));
    worker.on('error', (err) => this.fail(worker, err));
    this.workers.push(worker);
    this.idle.push(worker);
  }

  private settle(worker: Worker, reply: Reply): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    this.idle.push(worker);
    if (pending) {
      if (reply.error !== undefined) pending.reject(new SimulationError(reply.error));
      else pending.resolve(reply.result!);
    }
    this.pump();
  }

  private fail(worker: Worker, err: Error): void {
    const pending = this.busy.get(worker);
    this.busy.delete(worker);
    pending?.reject(err);
    void this.close(err);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const pending = this.queue.shift()!;
      this.busy.set(worker, pending);
      worker.postMessage(pending.job);
    }
  }

  run(jobs: readonly Job[], onResult?: (result: JobResult, job: Job) => void): Promise<JobResult[]> {
    if (this.closed) return Promise.reject(this.closed);
    return Promise.all(
      jobs.map(
        (job) =>
          new Promise<JobResult>((resolve, reject) => {
            const done = (result: JobResult) => {
              onResult?.(result, job);
              resolve(result);
            };
            this.queue.push({ job, resolve: done, reject });
            this.pump();
          }),
      ),
    );
  }

  /** Stops every worker; jobs not finished are rejected with `reason`. */
  async close(reason: Error = new SimulationError('The simulation was stopped')): Promise<void> {
    if (this.closed) return;
    this.closed = reason;
    for (const pending of [...this.queue, ...this.busy.values()]) pending.reject(reason);
    this.queue.length = 0;
    this.busy.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One worker per core this process may use, at least one. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}
