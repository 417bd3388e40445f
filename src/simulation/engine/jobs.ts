import type { ChildOutcome, ChildStart } from './child';
import { drawCategory, runChild } from './child';
import { machineFor } from './machine';
import type { Plan } from './plan';
import { DAY_MS } from './plan';
import { Rng } from './rng';
import type { CategoryKey } from './scenario';
import type { Tally } from './tally';
import { alertCounter, emptyTally, recordAwaiting, recordChild } from './tally';

/**
 * Units of work, as plain data, so that the same job runs in this thread (tests) or in a worker
 * thread (the CLI and the API): `stays` measures whole stays of children admitted on the start day
 * (calibration, and the stays the initial population is drawn from); `children` simulates a slice
 * of a run's children over the period, deadlines included, and tallies them.
 */

export type Job =
  | { kind: 'stays'; plan: Plan; seeds: number[] }
  /**
   * `initial`: children in care when the period starts (admitted before it); `awaiting`: released
   * before it, their follow-up call still to come; `arrivals`: admitted during it.
   */
  | { kind: 'children'; plan: Plan; initial: ChildStart[]; awaiting: ChildStart[]; arrivals: ChildStart[] };

export type JobResult = { kind: 'stays'; stays: StaySample[]; events: number } | { kind: 'children'; tally: Tally };

export interface StaySample {
  seed: number;
  category: CategoryKey;
  /** Admission to leaving care, in days; null when the child was still in care after 20 years. */
  days: number | null;
  /** Release to the follow-up call that closes the case, in days (0 when not released). */
  followUpDays: number;
}

const HORIZON_MS = 20 * 365 * DAY_MS;

/** The category a child's seed gives: the first draw of its stream, as `runChild` makes it. */
export const categoryOfSeed = (plan: Plan, seed: number): CategoryKey => drawCategory(plan, new Rng(seed));

function runStays(job: Extract<Job, { kind: 'stays' }>): Extract<JobResult, { kind: 'stays' }> {
  const machine = machineFor(job.plan.scenario.profile, job.plan.scenario.start);
  const stays: StaySample[] = [];
  let events = 0;
  for (const seed of job.seeds) {
    const start = { index: seed, seed, admittedMs: job.plan.startMs };
    const outcome = runChild(job.plan, machine, start, job.plan.startMs + HORIZON_MS);
    const days = outcome.dischargedMs === null ? null : (outcome.dischargedMs - outcome.admittedMs) / DAY_MS;
    const released = outcome.exit === 'released' && outcome.closedMs !== null && outcome.dischargedMs !== null;
    stays.push({
      seed,
      category: outcome.category,
      days,
      followUpDays: released ? (outcome.closedMs! - outcome.dischargedMs!) / DAY_MS : 0,
    });
    events += outcome.events;
  }
  return { kind: 'stays', stays, events };
}

/**
 * Replays an open case from its admission before the start. Date-dependent rules (a birthday, the
 * profile in force) can move the replayed stay so that the case is not where it was drawn to be at
 * the start (in care, or awaiting its call); it is then admitted closer to the start, up to four
 * times, or left out and counted.
 */
function runOpenCase(plan: Plan, child: ChildStart, tally: Tally, untilMs: number, inCare: boolean): void {
  const machine = machineFor(plan.scenario.profile, plan.scenario.start);
  let offset = plan.startMs - child.admittedMs;
  for (let attempt = 0; attempt < 4; attempt += 1, offset /= 2) {
    const scratch = emptyTally(tally.days);
    const start = { ...child, admittedMs: plan.startMs - offset };
    const outcome: ChildOutcome = runChild(plan, machine, start, untilMs, alertCounter(scratch, plan.startMs));
    const left = outcome.dischargedMs ?? Infinity;
    const closed = outcome.closedMs ?? Infinity;
    const where = left > plan.startMs ? 'in care' : closed > plan.startMs ? 'awaiting' : 'closed';
    if (where !== (inCare ? 'in care' : 'awaiting')) continue;
    tally.alertsFired += scratch.alertsFired;
    for (let i = 0; i < scratch.alerts.length; i += 1) tally.alerts[i]! += scratch.alerts[i]!;
    if (inCare) recordChild(tally, plan.startMs, outcome, true);
    else recordAwaiting(tally, plan.startMs, outcome);
    return;
  }
  tally.initialMissed += 1;
}

function runChildren(job: Extract<Job, { kind: 'children' }>): Tally {
  const { plan } = job;
  const tally = emptyTally(plan.scenario.days);
  const untilMs = plan.startMs + plan.scenario.days * DAY_MS;
  const machine = machineFor(plan.scenario.profile, plan.scenario.start);
  for (const child of job.initial) runOpenCase(plan, child, tally, untilMs, true);
  for (const child of job.awaiting) runOpenCase(plan, child, tally, untilMs, false);
  const sink = alertCounter(tally, plan.startMs);
  for (const child of job.arrivals) recordChild(tally, plan.startMs, runChild(plan, machine, child, untilMs, sink), false);
  return tally;
}

export function executeJob(job: Job): JobResult {
  return job.kind === 'stays' ? runStays(job) : { kind: 'children', tally: runChildren(job) };
}
