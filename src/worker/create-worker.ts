import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';

import type { CaseActivityDeps } from '../activities/case-activities';
import { createCaseActivities } from '../activities/case-activities';

export interface CaseWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: CaseActivityDeps;
  /** Open cases kept in memory (the rest are replayed from history when they next wake). */
  maxCachedWorkflows?: number;
  /** Encrypts payloads (src/temporal/codec.ts); must match the clients'. */
  dataConverter?: WorkerOptions['dataConverter'];
  /** A prebuilt bundle (tests build one per file); otherwise the workflows are bundled now. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** Where the workflow bundle's entry lives; the worker bundles it with webpack. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/** A worker for case workflows and their activities. No side effects until `run()`. */
export function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
    activities: createCaseActivities(options.deps),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
