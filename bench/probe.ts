import { setTimeout as sleep } from 'node:timers/promises';

import { caseWorkflowId } from '../src/contracts/ids';
import { caseCommandUpdate } from '../src/contracts/messages';
import type { CaseEventBody } from './api';
import { CASE_MANAGER, openCaseBody } from './api';
import { startBaselineWorkflow } from './baseline';
import { ping, stop } from './baseline-workflow';
import type { Params } from './flags';
import { progress } from './progress';
import type { ProbeMeasure, ProbeResult } from './report';
import type { Stack } from './stack';
import { elapsedMs, percentiles } from './stats';

/** The same two events each way (cases alternate): the first at rest, the second right after. */
const AT_REST: CaseEventBody = { type: 'COMPLETE_INTAKE' };
const BACK_TO_BACK: CaseEventBody = { type: 'IDENTIFY_SPONSOR', sponsor: { category: '1' } };

/**
 * Where the time goes: one case Update at a time, straight to Temporal (no HTTP, no auth, no
 * response validation) and over HTTP; each sent to a case at rest (its last transition already
 * projected) and back to back (right after the previous answer, as the lifecycles do). "At rest":
 * a quarter of a second after the previous call, when its projection is done; the baseline is
 * timed the same way, since an idle connection and worker answer slower than busy ones.
 */
export async function probeUpdates(stack: Stack, params: Params): Promise<ProbeResult> {
  const samples: Record<ProbeMeasure, number[]> = {
    baselineAtRest: [],
    directAtRest: [],
    httpAtRest: [],
    directBackToBack: [],
    httpBackToBack: [],
  };
  const baseline = await startBaselineWorkflow(stack, 'probe');
  const rounds = Math.max(4, Math.min(40, params.cases * 2));
  for (let i = 0; i < rounds; i += 1) {
    const caseId = `PROBE-${stack.started.toString(36)}-${i}`;
    const viaHttp = i % 2 === 1;
    await sleep(250);
    samples.baselineAtRest.push(await elapsedMs(() => baseline.executeUpdate(ping, { args: [i] })));
    await stack.api.call('POST', '/cases', stack.api.caseManager, openCaseBody(caseId, new Date()));
    await projected(stack, caseId, 0);
    await sleep(250);
    (viaHttp ? samples.httpAtRest : samples.directAtRest).push(await elapsedMs(() => send(stack, caseId, viaHttp, AT_REST)));
    (viaHttp ? samples.httpBackToBack : samples.directBackToBack).push(await elapsedMs(() => send(stack, caseId, viaHttp, BACK_TO_BACK)));
  }
  await baseline.signal(stop);
  const result: ProbeResult = {
    baselineAtRest: percentiles(samples.baselineAtRest),
    directAtRest: percentiles(samples.directAtRest),
    httpAtRest: percentiles(samples.httpAtRest),
    directBackToBack: percentiles(samples.directBackToBack),
    httpBackToBack: percentiles(samples.httpBackToBack),
  };
  progress(
    `Probe (p50): at rest, baseline ${result.baselineAtRest.p50} ms, direct ${result.directAtRest.p50} ms, HTTP ${result.httpAtRest.p50} ms; back to back, direct ${result.directBackToBack.p50} ms, HTTP ${result.httpBackToBack.p50} ms`,
  );
  return result;
}

/** Waits until the read model holds the case's transition `seq`, polling every 10 ms, 200 times at the most. */
async function projected(stack: Stack, caseId: string, seq: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const row = await stack.prisma.case.findUnique({ where: { id: caseId }, select: { lastSeq: true } });
    if (row && row.lastSeq >= seq) return;
    await sleep(10);
  }
}

/** One case Update: over HTTP, or straight to the case's workflow as the API would send it. */
async function send(stack: Stack, caseId: string, viaHttp: boolean, event: CaseEventBody): Promise<void> {
  if (!viaHttp) {
    await stack.client.workflow
      .getHandle(caseWorkflowId(caseId))
      .executeUpdate(caseCommandUpdate, { args: [{ ...event, actor: CASE_MANAGER }] });
    return;
  }
  const reply = await stack.api.call('POST', `/cases/${caseId}/events`, stack.api.caseManager, event);
  if (reply.status !== 200) throw new Error(`probe ${event.type}: HTTP ${reply.status}`);
}
