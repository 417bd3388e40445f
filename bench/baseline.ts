import type { WorkflowHandle } from '@temporalio/client';

import type { baselineWorkflow } from './baseline-workflow';
import { ping, stop } from './baseline-workflow';
import type { Params } from './flags';
import { cpuPerItem, sampleCpu } from './process-cpu';
import { progress } from './progress';
import type { BaselineResult } from './report';
import type { Stack } from './stack';
import { elapsedMs, percentiles } from './stats';

export type BaselineHandle = WorkflowHandle<typeof baselineWorkflow>;

/** A workflow whose Update does nothing, on the same server with the same codec; `stop` signals its end. */
export function startBaselineWorkflow(stack: Stack, name: string): Promise<BaselineHandle> {
  return stack.client.workflow.start<typeof baselineWorkflow>('baselineWorkflow', {
    taskQueue: stack.baselineTaskQueue,
    workflowId: `bench-baseline-${stack.started}-${name}`,
  });
}

/**
 * Temporal's own Update round trip: `baseline` no-op Updates one at a time, then as many again
 * `concurrency` at a time, with one baseline workflow per concurrent caller, as each Reunify
 * lifecycle has its own case.
 */
export async function measureBaseline(stack: Stack, params: Params): Promise<BaselineResult> {
  const handles = await Promise.all(Array.from({ length: params.concurrency }, (_, i) => startBaselineWorkflow(stack, String(i))));
  const sequential: number[] = [];
  for (let i = 0; i < params.baseline; i += 1) {
    sequential.push(await elapsedMs(() => handles[0]!.executeUpdate(ping, { args: [i] })));
  }
  const concurrent: number[] = [];
  let slot = 0;
  const cpuBefore = sampleCpu();
  await Promise.all(
    handles.map(async (handle) => {
      while (slot < params.baseline) {
        slot += 1;
        concurrent.push(await elapsedMs(() => handle.executeUpdate(ping, { args: [slot] })));
      }
    }),
  );
  const cpuPerUpdateMs = cpuPerItem(cpuBefore, sampleCpu(), concurrent.length);
  await Promise.all(handles.map((handle) => handle.signal(stop)));
  progress(`Baseline: ${params.baseline} Updates sequentially and ${params.concurrency} at a time`);
  return { sequentialMs: percentiles(sequential), concurrentMs: percentiles(concurrent), ...(cpuPerUpdateMs ? { cpuPerUpdateMs } : {}) };
}
