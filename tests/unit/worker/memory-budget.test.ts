import { cacheOverHeap, heapNeededMiB } from '../../../src/worker/memory-budget';

describe('the worker memory budget', () => {
  it('lets the default cache fit the heap limit that npm run start:worker sets', () => {
    expect(heapNeededMiB(2000)).toBeLessThanOrEqual(1024);
    expect(cacheOverHeap(2000, 1024)).toBeUndefined();
  });

  it('says which cache fits, or which heap limit the cache needs, when they do not match', () => {
    const why = cacheOverHeap(5000, 1024);
    expect(why).toMatch(/^WORKER_MAX_CACHED_WORKFLOWS=5000 needs about 1663 MiB of V8 heap, but this worker may use 1024 MiB/);
    expect(why).toMatch(/set WORKER_MAX_CACHED_WORKFLOWS to at most 2956, or raise --max-old-space-size to 1663$/);
    expect(cacheOverHeap(10, 100)).toMatch(/needs about 104 MiB.*at most 0,/);
  });
});
