import { setTimeout as sleep } from 'node:timers/promises';

import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { openCaseBody } from './api';
import type { Params } from './flags';
import { progress } from './progress';
import type { CapacityResult, Memory } from './report';
import type { Stack } from './stack';
import { mib, percentiles, pool, roundTo, rssOf, rssOfDevServer } from './stats';

/** Sponsor identification escalates this long after admission, under the default targets. */
const ESCALATE_AFTER_MS = DEFAULT_TARGETS.stages.find((stage) => stage.name === 'sponsor_identified')!.days * 86_400_000;

/** How the open cases divide: most with timers days away, the last falling due through the window. */
interface Plan {
  prefix: string;
  farCases: number;
  dueCases: number;
}

/**
 * Capacity: `openCases` cases left open, each with its timers, the memory they take, then how late
 * escalations fire. Most cases are admitted now (deadlines days away, timers pending); the last
 * `duePerSecond x timerSeconds` are admitted 3 days before a moment in the measuring window, so
 * that their escalations fall due evenly through it, `duePerSecond` a second.
 */
export async function measureCapacity(stack: Stack, params: Params, failures: string[]): Promise<CapacityResult> {
  if (params.openCases === 0) return { skipped: true };
  const dueCases = Math.min(params.openCases, params.duePerSecond * params.timerSeconds);
  const plan: Plan = { prefix: `CAP-${stack.started.toString(36)}`, farCases: params.openCases - dueCases, dueCases };
  const opener = new CaseOpener(stack, params, plan.prefix, failures);
  const windowStart = await openAll(opener, stack, params, plan);
  const openSeconds = (performance.now() - opener.start) / 1000;
  if (Date.now() > windowStart)
    progress(`The window opened ${Date.now() - windowStart} ms before the cases settled; early escalations will show it`);
  const before = memoryNow(stack);
  const { temporal } = stack.config;
  const devServerRss = temporal.address ? null : rssOfDevServer(temporal.devServerPort);
  progress(
    `Opened ${params.openCases} cases in ${openSeconds.toFixed(1)} s; ${stack.workerProcess ? `worker process RSS ${before.workerProcessRssMiB} MiB, ` : ''}this process RSS ${before.processRssMiB} MiB`,
  );
  const rows = await escalations(stack, params, plan, windowStart);
  // Only escalations that fell due after their case was open measure the timers.
  const measured = rows.filter((r) => r.dueAt.getTime() > (opener.openedAt.get(r.caseId) ?? Infinity));
  const lateness = measured.map((r) => r.firedAt.getTime() - r.dueAt.getTime());
  const after = memoryNow(stack);
  return {
    openCases: params.openCases,
    openSeconds: roundTo(openSeconds, 1),
    opensPerSecond: roundTo(params.openCases / openSeconds, 1),
    openLatencyMs: percentiles(opener.openMs),
    windowSeconds: params.timerSeconds,
    escalationsDue: dueCases,
    escalationsDuePerSecond: params.duePerSecond,
    escalationsFired: rows.length,
    escalationsMeasured: measured.length,
    timerLatenessMs: percentiles(lateness),
    lateOver1s: lateness.filter((ms) => ms > 1000).length,
    memoryWithOpenCases: memoryWithOpenCases(before, after, devServerRss),
  };
}

/** Opens the cases over HTTP, times each, and waits for the read model to hold them. */
class CaseOpener {
  readonly start = performance.now();
  readonly openMs: number[] = [];
  /** When each case was open, to tell the escalations that fell due before it. */
  readonly openedAt = new Map<string, number>();
  private lastReport = 0;

  constructor(
    private readonly stack: Stack,
    private readonly params: Params,
    private readonly prefix: string,
    private readonly failures: string[],
  ) {}

  async open(i: number, admittedAt: Date): Promise<void> {
    const caseId = `${this.prefix}-${i}`;
    const reply = await this.stack.api.call('POST', '/cases', this.stack.api.caseManager, openCaseBody(caseId, admittedAt));
    if (reply.status !== 201) this.failures.push(`open ${reply.status} ${JSON.stringify(reply.json).slice(0, 200)}`);
    this.openMs.push(reply.ms);
    this.openedAt.set(caseId, Date.now());
  }

  report(done: number): void {
    if (Date.now() - this.lastReport > 5000) {
      this.lastReport = Date.now();
      progress(`Open cases: ${done}/${this.params.openCases}`);
    }
  }

  /**
   * Opening answers once a case's workflow runs; its first projection may still be queued. Waits for
   * the read model to hold `count` cases, so the window measures timers, not the opening's backlog.
   */
  async settled(count: number): Promise<void> {
    for (;;) {
      const projected = await this.stack.prisma.case.count({ where: { id: { startsWith: this.prefix } } });
      if (projected >= count) return;
      progress(`Waiting for the opened cases to be projected: ${projected}/${count}`);
      await sleep(2000);
    }
  }
}

/** Opens the far cases, then the due ones; returns when the measuring window opens (ms since the epoch). */
async function openAll(opener: CaseOpener, stack: Stack, params: Params, { farCases, dueCases }: Plan): Promise<number> {
  // In batches the worker's cache holds: a backlog larger than the cache makes every queued task
  // replay its case from history, which slows the worker further (measured: 10 tasks/s).
  const batch = Math.max(50, Math.floor(stack.config.workerMaxCachedWorkflows / 2));
  for (let from = 0; from < farCases; from += batch) {
    const size = Math.min(batch, farCases - from);
    await pool(
      size,
      params.openConcurrency,
      (i) => opener.open(from + i, new Date()),
      (done) => opener.report(from + done),
    );
    await opener.settled(from + size);
  }
  // The window opens once the due cases are open and settled too, at the rate measured so far.
  const rate = farCases > 0 ? farCases / ((performance.now() - opener.start) / 1000) : 20;
  const windowStart = Date.now() + Math.ceil((dueCases / rate) * 1.5 + 10) * 1000;
  await pool(
    dueCases,
    params.openConcurrency,
    (j) => opener.open(farCases + j, new Date(windowStart + Math.round((j * 1000) / params.duePerSecond) - ESCALATE_AFTER_MS)),
    (done) => opener.report(farCases + done),
  );
  await opener.settled(params.openCases);
  return windowStart;
}

/** The due cases' escalations, once all have fired or a minute after the window closes. */
async function escalations(stack: Stack, params: Params, { prefix, farCases, dueCases }: Plan, windowStart: number) {
  const window = params.timerSeconds;
  const dueIds = Array.from({ length: dueCases }, (_, j) => `${prefix}-${farCases + j}`);
  const waitUntil = windowStart + (window + 60) * 1000;
  const fired = () =>
    stack.prisma.alert.findMany({
      where: { caseId: { in: dueIds }, rule: 'stage', kind: 'escalation' },
      select: { caseId: true, dueAt: true, firedAt: true },
    });
  let rows = await fired();
  while (Date.now() < waitUntil && rows.length < dueCases) {
    progress(
      `Escalations fired: ${rows.length}/${dueCases} (window ${Math.max(0, Math.round((Date.now() - windowStart) / 1000))}/${window} s)`,
    );
    await sleep(5000);
    rows = await fired();
  }
  return rows;
}

/** This process's memory and the worker process's, in MiB. */
interface MemorySnapshot {
  processRssMiB: number | null;
  processHeapUsedMiB: number | null;
  workerProcessRssMiB: number | null;
}

function memoryNow(stack: Stack): MemorySnapshot {
  const memory = process.memoryUsage();
  return {
    processRssMiB: mib(memory.rss),
    processHeapUsedMiB: mib(memory.heapUsed),
    workerProcessRssMiB: stack.workerProcess ? mib(rssOf(stack.workerProcess.child.pid)) : null,
  };
}

function memoryWithOpenCases(before: MemorySnapshot, after: MemorySnapshot, devServerRss: number | null): Memory {
  return {
    workerProcessRssMiB: before.workerProcessRssMiB,
    workerProcessRssAfterTimersMiB: after.workerProcessRssMiB,
    processRssMiB: before.processRssMiB,
    processHeapUsedMiB: before.processHeapUsedMiB,
    processRssAfterTimersMiB: after.processRssMiB,
    devServerRssMiB: mib(devServerRss),
  };
}
