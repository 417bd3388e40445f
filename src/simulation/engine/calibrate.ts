import type { Executor } from './executor';
import { chunks } from './executor';
import type { JobResult, StaySample } from './jobs';
import { categoryOfSeed } from './jobs';
import type { Plan } from './plan';
import { dateMs } from './plan';
import { STREAM, mixSeed } from './rng';
import type { CategoryKey, WhatIf } from './scenario';
import { mean } from './stats';

/**
 * Calibration on a pilot sample of children admitted on the start day: the factor on every
 * in-care stage that gives the mean length of care asked for (`lengthOfCare`), and for a what-if's
 * `mean_stay`, the factor on one category's stages. Stays scale almost linearly with the factor (not
 * exactly: birthdays and departures do not move), so a few proportional steps converge. The pilot's
 * seeds depend on the request's seed only: the same request calibrates the same way.
 */

export interface CalibrationReport {
  lengthOfCare: { from: string; meanDays: number; factor: number }[];
  achievedMeanDays: number | null;
  categoryFactors: Partial<Record<CategoryKey, number>>;
  categoryAchievedMeanDays: Partial<Record<CategoryKey, number>>;
}

/** Within 1% after at most three pilots: the pilot's own sampling error is about that size. */
const STEPS = 3;
const TOLERANCE = 0.01;
const STAYS_PER_JOB = 250;

export async function pilotStays(
  plan: Plan,
  seeds: readonly number[],
  executor: Executor,
  onResult?: (r: JobResult) => void,
): Promise<StaySample[]> {
  const results = await executor.run(
    chunks(seeds, STAYS_PER_JOB).map((slice) => ({ kind: 'stays' as const, plan, seeds: slice })),
    onResult,
  );
  return results.flatMap((r) => (r.kind === 'stays' ? r.stays : []));
}

const meanStay = (stays: readonly StaySample[]): number => mean(stays.flatMap((s) => (s.days === null ? [] : [s.days])));

/** Finds the factor at which the pilot's mean stay is `target`; returns it and the mean reached. */
async function solveFactor(target: number, measure: (factor: number) => Promise<number>): Promise<{ factor: number; achieved: number }> {
  let factor = 1;
  let achieved = await measure(factor);
  for (let step = 1; step < STEPS && Math.abs(achieved - target) > TOLERANCE * target; step += 1) {
    factor *= target / achieved;
    achieved = await measure(factor);
  }
  return { factor, achieved };
}

export function calibrationSeeds(seed: number, size: number, plan?: Plan, category?: CategoryKey): number[] {
  const seeds: number[] = [];
  for (let j = 0; seeds.length < size && j < size * 50; j += 1) {
    const s = mixSeed(seed, STREAM.calibration, j);
    if (!category || categoryOfSeed(plan!, s) === category) seeds.push(s);
  }
  return seeds;
}

/** The base plan with its length-of-care regime calibrated (unchanged when none is asked for). */
export async function calibrateRegime(plan: Plan, executor: Executor, seed: number, size: number, onResult?: (r: JobResult) => void) {
  const segments = plan.scenario.lengthOfCare;
  if (!segments) return { plan, lengthOfCare: [], achievedMeanDays: null };
  const inForce = [...segments].reverse().find((s) => s.from <= plan.scenario.start) ?? segments[0]!;
  const seeds = calibrationSeeds(seed, size);
  // The pilot runs under the start's segment alone; later segments keep their ratio to it.
  const constant = (factor: number): Plan => ({ ...plan, regime: { fromMs: [plan.startMs], factor: [factor] } });
  const solved = await solveFactor(inForce.meanDays, async (f) => meanStay(await pilotStays(constant(f), seeds, executor, onResult)));
  const calibrated: Plan = {
    ...plan,
    regime: { fromMs: segments.map((s) => dateMs(s.from)), factor: segments.map((s) => (solved.factor * s.meanDays) / inForce.meanDays) },
  };
  const lengthOfCare = segments.map((s, i) => ({ ...s, factor: calibrated.regime.factor[i]! }));
  return { plan: calibrated, lengthOfCare, achievedMeanDays: solved.achieved };
}

/** The what-if plan with each `mean_stay` change calibrated, in order. */
export async function calibrateCategories(
  plan: Plan,
  whatIf: WhatIf,
  executor: Executor,
  seed: number,
  size: number,
  onResult?: (r: JobResult) => void,
) {
  let current = plan;
  const factors: Partial<Record<CategoryKey, number>> = {};
  const achieved: Partial<Record<CategoryKey, number>> = {};
  for (const change of whatIf.changes) {
    if (change.change !== 'mean_stay') continue;
    const seeds = calibrationSeeds(seed, size, current, change.category);
    const base = current;
    const withFactor = (factor: number): Plan => ({ ...base, categoryFactor: { ...base.categoryFactor, [change.category]: factor } });
    const solved = await solveFactor(change.days, async (f) => meanStay(await pilotStays(withFactor(f), seeds, executor, onResult)));
    current = withFactor(solved.factor);
    factors[change.category] = solved.factor;
    achieved[change.category] = solved.achieved;
  }
  return { plan: current, categoryFactors: factors, categoryAchievedMeanDays: achieved };
}
