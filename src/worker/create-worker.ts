import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';

import type { CaseActivityDeps } from '../activities/case-activities';
import { createCaseActivities } from '../activities/case-activities';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { WORKER_WORKFLOW_OPTIONS } from './workflow-bundle';

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

/**
 * A worker for case workflows and their activities. Before it is made, the namespace is checked
 * for the case's search attributes (registered if missing); no other side effect until `run()`.
 */
export async function createCaseWorker(options: CaseWorkerOptions): Promise<Worker> {
  await ensureSearchAttributes(options.connection, options.namespace);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : WORKER_WORKFLOW_OPTIONS),
    activities: createCaseActivities(options.deps),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
  });
}
