import { parentPort } from 'node:worker_threads';

import type { Job } from '../engine/jobs';
import { executeJob } from '../engine/jobs';

/** A worker thread of the pool: runs each job it is sent and answers with the result or the error. */
if (!parentPort) throw new Error('src/simulation/runtime/worker.ts runs as a worker thread only');
const port = parentPort;

port.on('message', (job: Job) => {
  try {
    port.postMessage({ result: executeJob(job) });
  } catch (err) {
    port.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
});
