import type { DataConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';

import type { CaseActivityDeps } from '../../src/activities/case-activities';
import type { HttpOptions } from '../../src/api/app';
import { buildApp } from '../../src/api/app';
import type { ServiceConnections } from '../../src/services/app-services';
import { createCaseWorker } from '../../src/worker/create-worker';
import { testVerify } from './auth';
import { bundleCaseWorkflows, createDevServerEnv, uniqueName } from './temporal';
import type { TestDatabase } from './test-db';
import { createTestDatabase } from './test-db';

/** The whole stack on real parts for one end-to-end test file: dev server, database, worker, API. */
export interface Stack {
  env: TestWorkflowEnvironment;
  db: TestDatabase;
  app: FastifyInstance;
  base: string;
  taskQueue: string;
}

export interface StackOptions {
  dataConverter?: DataConverter;
  worker?: Partial<Omit<CaseActivityDeps, 'prisma'>>;
  app?: Partial<HttpOptions & Omit<ServiceConnections, 'temporal' | 'prisma' | 'taskQueue'>>;
}

/** Registers beforeAll/afterAll; the returned object is filled in once the stack is up. */
export function useStack(options: StackOptions | (() => StackOptions) = {}): Stack {
  const stack = {} as Stack;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  beforeAll(async () => {
    const opts = typeof options === 'function' ? options() : options;
    const [env, db, bundle] = await Promise.all([createDevServerEnv(opts.dataConverter), createTestDatabase(), bundleCaseWorkflows()]);
    const taskQueue = uniqueName('e2e');
    worker = await createCaseWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { prisma: db.prisma, temporal: env.client, ...opts.worker },
      workflowBundle: bundle,
      ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    });
    workerRun = worker.run();
    const app = await buildApp({ temporal: env.client, prisma: db.prisma, taskQueue, verify: testVerify, ...opts.app });
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    Object.assign(stack, { env, db, app, base, taskQueue });
  });
  afterAll(async () => {
    await stack.app?.close();
    worker?.shutdown();
    await workerRun;
    await stack.db?.destroy();
    await stack.env?.teardown();
  });
  return stack;
}
