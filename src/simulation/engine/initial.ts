import { pilotStays } from './calibrate';
import type { ChildStart } from './child';
import type { Executor } from './executor';
import type { JobResult, StaySample } from './jobs';
import type { Plan } from './plan';
import { DAY_MS } from './plan';
import { Rng, STREAM, mixSeed } from './rng';

/**
 * The cases already open when a run starts, as a steady program would have them: children in care
 * (each stay drawn in proportion to its length, the child at a uniform point of it: longer stays
 * are more likely to be under way) and children released and awaiting their follow-up call (drawn
 * in proportion to that wait). Both come from a pilot of stays run under the plan; each is then
 * replayed from its admission before the start with the deadlines running, so the alerts and the
 * caseload of the first weeks are those of a program under way, not of one starting empty.
 */

export interface InitialPopulation {
  inCare: ChildStart[];
  awaiting: ChildStart[];
}

/** Stays piloted to draw a run's open cases from (a larger start population reuses them, each at its own point). */
export const poolSize = (count: number): number => (count === 0 ? 0 : Math.min(Math.max(count, 200), 5000));

/** Draws indices with the given weights, by binary search over their running total. */
function weightedDraws(weights: readonly number[], count: number, rng: Rng): number[] {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return Array.from({ length: count }, () => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
}

function draw(plan: Plan, stays: StaySample[], count: number, rng: Rng, firstIndex: number, awaiting: boolean): ChildStart[] {
  const weights = stays.map((s) => (awaiting ? s.followUpDays : s.days!));
  return weightedDraws(weights, count, rng).map((j, k) => {
    const stay = stays[j]!;
    const before = awaiting ? stay.days! + rng.next() * stay.followUpDays : rng.next() * stay.days!;
    return { index: firstIndex + k, seed: stay.seed, admittedMs: plan.startMs - before * DAY_MS };
  });
}

export async function initialPopulation(
  plan: Plan,
  runSeed: number,
  count: number,
  executor: Executor,
  onResult: (r: JobResult) => void,
): Promise<InitialPopulation> {
  if (count === 0) return { inCare: [], awaiting: [] };
  const seeds = Array.from({ length: poolSize(count) }, (_, j) => mixSeed(runSeed, STREAM.pool, j));
  const stays = (await pilotStays(plan, seeds, executor, onResult)).filter((s) => s.days !== null);
  const rng = new Rng(mixSeed(runSeed, STREAM.initial));
  const sum = (pick: (s: StaySample) => number) => stays.reduce((a, s) => a + pick(s), 0);
  // At a steady pace, open cases awaiting the call stand to those in care as the mean wait to the mean stay.
  const awaitingCount = Math.round((count * sum((s) => s.followUpDays)) / sum((s) => s.days!));
  const inCare = draw(plan, stays, count, rng, 0, false);
  return { inCare, awaiting: draw(plan, stays, awaitingCount, rng, count, true) };
}
