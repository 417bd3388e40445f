import type { BundleOptions, WorkerOptions } from '@temporalio/worker';

/** Where the workflow bundle's entry lives; the worker bundles it with webpack. */
export const WORKFLOWS_PATH = require.resolve('../workflows');

/**
 * The pure modules the case workflows import (rules, the statechart, the contracts' schemas):
 * evaluated once per worker thread and shared by every case it runs, instead of once per case.
 * Measured (`npm run bench:worker-memory`), evaluating them was most of what a cached case cost in
 * heap and most of what a new or evicted case cost in CPU. They keep no state between calls that a
 * case could see (their caches are keyed by a case's own objects, and the statechart's inert scope,
 * kept per machine, never reaches a snapshot: src/machines/case-logic.ts), which is what sharing needs;
 * tests/unit/worker/workflow-bundle.test.ts checks that every such import of the workflows is here.
 */
export const SHARED_MODULES = [
  '../contracts/alerts',
  '../contracts/case-events',
  '../contracts/case-input',
  '../contracts/case-view',
  '../contracts/failures',
  '../contracts/idempotency',
  '../contracts/issues',
  '../contracts/messages',
  '../contracts/search-attributes',
  '../contracts/targets',
  '../domain/case-alerts',
  '../domain/deadlines',
  '../domain/policy',
  '../domain/policy-evaluation',
  '../domain/refusals',
  '../machines/case-logic',
  '../machines/case-people',
  '../machines/case-status',
].map((module) => require.resolve(module));

/**
 * How every worker and replayer bundles the workflows: the shared modules preloaded, then sealed
 * for sharing (src/workflows/sharing/seal-shared-modules.ts: frozen, but for zod's schemas).
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: WORKFLOWS_PATH,
  preloadModules: [...SHARED_MODULES, require.resolve('../workflows/sharing/seal-shared-modules')],
} satisfies Pick<BundleOptions, 'workflowsPath' | 'preloadModules'>;

/** The same, as a worker that bundles the workflows itself takes them. */
export const WORKER_WORKFLOW_OPTIONS = {
  workflowsPath: WORKFLOW_BUNDLE_OPTIONS.workflowsPath,
  bundlerOptions: { preloadModules: WORKFLOW_BUNDLE_OPTIONS.preloadModules },
} satisfies Pick<WorkerOptions, 'workflowsPath' | 'bundlerOptions'>;
