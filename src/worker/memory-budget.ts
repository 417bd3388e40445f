/**
 * What the case worker's workflow cache costs in V8 heap, so that a cache larger than the heap can
 * hold is said at start-up rather than found as an out-of-memory crash at the 1,000th open case.
 *
 * Measured with `npm run bench:worker-memory` (SDK 1.24, reuseV8Context, the SDK's default): one
 * cached case holds about 170 KiB of heap once opened, its own state and the workflow modules that
 * are not shared; the pure modules (the zod contracts, the statechart, the policy tables) are
 * evaluated once per worker thread (src/worker/workflow-bundle.ts; 1.7 MiB a case before they were
 * shared). 0.25 MiB leaves room for a case's history of transitions. The base is the workflow
 * thread's own: the bundle, the shared modules and the SDK.
 */
export const HEAP_PER_CACHED_CASE_MIB = 0.25;
export const HEAP_BASE_MIB = 100;
/** Garbage V8 lets accumulate between collections, on top of the live cache. */
const GC_HEADROOM = 1.25;

/** The heap a cache of `maxCachedWorkflows` cases needs (MiB). */
export function heapNeededMiB(maxCachedWorkflows: number): number {
  return Math.ceil(HEAP_BASE_MIB + maxCachedWorkflows * HEAP_PER_CACHED_CASE_MIB * GC_HEADROOM);
}

/** Why the cache does not fit the heap limit the worker runs under, or undefined when it does. */
export function cacheOverHeap(maxCachedWorkflows: number, heapLimitMiB: number): string | undefined {
  const needed = heapNeededMiB(maxCachedWorkflows);
  if (needed <= heapLimitMiB) return undefined;
  const fits = Math.max(0, Math.floor((heapLimitMiB - HEAP_BASE_MIB) / (HEAP_PER_CACHED_CASE_MIB * GC_HEADROOM)));
  return (
    `WORKER_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows} needs about ${needed} MiB of V8 heap, but this worker may use ` +
    `${Math.round(heapLimitMiB)} MiB (node --max-old-space-size): set WORKER_MAX_CACHED_WORKFLOWS to at most ${fits}, ` +
    `or raise --max-old-space-size to ${needed}`
  );
}
