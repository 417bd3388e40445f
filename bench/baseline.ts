import type { WorkflowHandle } from '@temporalio/client';

import type { baselineWorkflow } from './baseline-workflow';
import { ping, stop } from './baseline-workflow';
import type { Params } from './flags';
import type { CpuSample } from './process-cpu';
import { cpuPerItem, sampleCpu } from './process-cpu';
import { progress } from './progress';
import type { BaselineResult } from './report';
import type { ServerRequests } from './server-requests';
import { sampleServerRequests, serverRequestsPerItem } from './server-requests';
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

/** One pass of the baseline: the raw samples, so that passes can be pooled. */
export interface BaselinePass {
  sequential: number[];
  concurrent: number[];
  cpuPerUpdateMs: CpuSample | undefined;
  serverRequestsPerUpdate: ServerRequests | undefined;
}

/**
 * Temporal's own Update round trip: `baseline` no-op Updates one at a time, then as many again
 * `concurrency` at a time, with one baseline workflow per concurrent caller, as each Reunify
 * lifecycle has its own case. `pass` names the pass's workflows (the run measures before and after
 * the lifecycles); `costs`: also what the concurrent Updates cost (CPU, server requests).
 */
export async function measureBaseline(stack: Stack, params: Params, pass: string, { costs = true } = {}): Promise<BaselinePass> {
  const handles = await Promise.all(Array.from({ length: params.concurrency }, (_, i) => startBaselineWorkflow(stack, `${pass}-${i}`)));
  const sequential: number[] = [];
  for (let i = 0; i < params.baseline; i += 1) {
    sequential.push(await elapsedMs(() => handles[0]!.executeUpdate(ping, { args: [i] })));
  }
  const concurrent: number[] = [];
  let slot = 0;
  const requestsBefore = costs ? await sampleServerRequests(stack.serverMetricsUrl) : undefined;
  const cpuBefore = costs ? sampleCpu() : undefined;
  await Promise.all(
    handles.map(async (handle) => {
      while (slot < params.baseline) {
        slot += 1;
        concurrent.push(await elapsedMs(() => handle.executeUpdate(ping, { args: [slot] })));
      }
    }),
  );
  // A raw Update leaves no work behind: its CPU window ends with the phase (waiting for the server's
  // counters to settle would add seconds of idle processes to a window of about one).
  const cpuPerUpdateMs = cpuBefore ? cpuPerItem(cpuBefore, sampleCpu(), concurrent.length) : undefined;
  const serverRequestsPerUpdate = requestsBefore
    ? serverRequestsPerItem(requestsBefore, await sampleServerRequests(stack.serverMetricsUrl), concurrent.length)
    : undefined;
  await Promise.all(handles.map((handle) => handle.signal(stop)));
  progress(
    `Baseline (${pass}): ${params.baseline} Updates sequentially (p50 ${percentiles(sequential).p50} ms) and ${params.concurrency} at a time (p50 ${percentiles(concurrent).p50} ms)`,
  );
  return { sequential, concurrent, cpuPerUpdateMs, serverRequestsPerUpdate };
}

/**
 * The baseline of the run: its passes pooled. A pass is a few seconds long, and a moment of the
 * machine's (a checkpoint of the dev server's database, a collection) can move a pass's p50 by a
 * third; measured before and after the lifecycles, the baseline is taken over the conditions they
 * ran in. What an Update costs (CPU, server requests) is the first pass's: the pass after the
 * lifecycles runs while their last projections and closing cases still finish, which it would
 * count as its own.
 */
export function pooledBaseline(passes: BaselinePass[]): BaselineResult {
  const first = passes[0];
  return {
    sequentialMs: percentiles(passes.flatMap((p) => p.sequential)),
    concurrentMs: percentiles(passes.flatMap((p) => p.concurrent)),
    concurrentP50ByPass: passes.map((p) => percentiles(p.concurrent).p50),
    ...(first?.cpuPerUpdateMs ? { cpuPerUpdateMs: first.cpuPerUpdateMs } : {}),
    ...(first?.serverRequestsPerUpdate ? { serverRequestsPerUpdate: first.serverRequestsPerUpdate } : {}),
  };
}
