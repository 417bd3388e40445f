import { z } from 'zod';

import { CheckSchema } from '../src/contracts/case-events';
import type { BenchApi, CaseEventBody, DecisionBody, OpenCaseBody } from './api';
import { openCaseBody } from './api';
import type { Params } from './flags';
import type { CpuSample } from './process-cpu';
import { cpuPerItem, sampleCpu } from './process-cpu';
import { progress } from './progress';
import type { ServerRequests } from './server-requests';
import { sampleServerRequests, serverRequestsPerItem } from './server-requests';
import type { Stack } from './stack';

/** Every transition of the full lifecycles, timed from request to response. */
export interface LifecycleTimings {
  /** Lifecycles begun: completed and failed. */
  lifecycles: number;
  completed: number;
  seconds: number;
  transitionMs: number[];
  byEvent: Record<string, number[]>;
  cpuPerTransitionMs: CpuSample | undefined;
  serverRequestsPerTransition: ServerRequests | undefined;
}

/** What the lifecycle reads of the assessment's answer: the checks vetting will run. */
const VettingSchema = z.object({ checks: z.record(z.string(), z.string()).nullish() });

/** Posts transitions, times each, and records a failure before it ends its lifecycle. */
class Transitions {
  readonly ms: number[] = [];
  readonly byEvent: Record<string, number[]> = {};

  constructor(
    private readonly api: BenchApi,
    private readonly failures: string[],
  ) {}

  async post(label: string, path: string, token: string, body: OpenCaseBody | CaseEventBody | DecisionBody): Promise<unknown> {
    const reply = await this.api.call('POST', path, token, body);
    if (reply.status !== 200 && reply.status !== 201) {
      this.failures.push(`${label} ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
      throw new Error(`${label}: HTTP ${reply.status}`);
    }
    this.ms.push(reply.ms);
    (this.byEvent[label] ??= []).push(reply.ms);
    return reply.json;
  }
}

/** Open, intake, sponsor, assessment, each check, vetting, recommendation, decision, release, follow-up. */
async function lifecycle(transitions: Transitions, api: BenchApi, caseId: string): Promise<void> {
  const send = (event: CaseEventBody) => transitions.post(event.type, `/cases/${caseId}/events`, api.caseManager, event);
  await transitions.post('OPEN_CASE', '/cases', api.caseManager, openCaseBody(caseId, new Date()));
  await send({ type: 'COMPLETE_INTAKE' });
  await send({ type: 'IDENTIFY_SPONSOR', sponsor: { category: '1' }, reason: 'Mother located' });
  const vetting = VettingSchema.parse(await send({ type: 'COMPLETE_ASSESSMENT' }));
  for (const [check, status] of Object.entries(vetting.checks ?? {})) {
    if (status === 'pending') await send({ type: 'CLEAR_CHECK', check: CheckSchema.parse(check) });
  }
  await send({ type: 'COMPLETE_VETTING' });
  await send({ type: 'RECOMMEND_RELEASE', recommendation: 'release' });
  const decision: DecisionBody = { type: 'DECIDE_RELEASE', decision: 'approve' };
  await transitions.post(decision.type, `/cases/${caseId}/decision`, api.reviewer, decision);
  await send({ type: 'RELEASE_CHILD' });
  await send({ type: 'COMPLETE_FOLLOW_UP' });
}

/**
 * Full lifecycles over HTTP, `concurrency` cases at a time: `cases` of them, or as many as
 * `durationSeconds` allows. A failed request ends its lifecycle and is kept in `failures`.
 */
export async function runLifecycles(stack: Stack, params: Params, failures: string[]): Promise<LifecycleTimings> {
  const transitions = new Transitions(stack.api, failures);
  const requestsBefore = await sampleServerRequests(stack.serverMetricsUrl);
  const cpuBefore = sampleCpu();
  const start = performance.now();
  let begun = 0;
  let completed = 0;
  let failed = 0;
  let lastReport = 0;
  const deadline = params.durationSeconds > 0 ? Date.now() + params.durationSeconds * 1000 : Infinity;
  const more = () => (Number.isFinite(deadline) ? Date.now() < deadline : begun < params.cases);
  await Promise.all(
    Array.from({ length: params.concurrency }, async () => {
      while (more()) {
        const i = begun++;
        await lifecycle(transitions, stack.api, `BENCH-${stack.started.toString(36)}-${i}`).then(
          () => (completed += 1),
          () => (failed += 1),
        );
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          progress(`Lifecycles: ${completed} done, ${failed} failed`);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  // Both windows end once the server's counters settle, so that they hold the transitions' work left
  // behind (the last bursts' projections, held up to a second after their answers).
  const requestsAfter = await sampleServerRequests(stack.serverMetricsUrl);
  const cpuPerTransitionMs = cpuPerItem(cpuBefore, sampleCpu(), transitions.ms.length);
  const serverRequestsPerTransition = serverRequestsPerItem(requestsBefore, requestsAfter, transitions.ms.length);
  progress(`Lifecycles done: ${completed} (${failed} failed) in ${seconds.toFixed(1)} s`);
  return {
    lifecycles: completed + failed,
    completed,
    seconds,
    transitionMs: transitions.ms,
    byEvent: transitions.byEvent,
    cpuPerTransitionMs,
    serverRequestsPerTransition,
  };
}
