import type { ChildStart } from './child';
import type { Plan } from './plan';
import { DAY_MS } from './plan';
import { Rng, STREAM, mixSeed } from './rng';

/**
 * Admissions of one run: a given daily series (fractional values, from imputed days, are rounded
 * up or down at random with the fraction's odds) or a Poisson rate with a yearly cosine season.
 * Each admission gets a uniform time of day and its own child stream. `sample` keeps that share of
 * children (counts are scaled back up in the summary).
 */

function expectedOn(plan: Plan, day: number): number {
  const arrivals = plan.scenario.arrivals;
  if (arrivals.kind === 'series') return arrivals.perDay[day]!;
  if (!arrivals.seasonality) return arrivals.perDay;
  const date = new Date(plan.startMs + day * DAY_MS);
  const dayOfYear = Math.floor((date.getTime() - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
  const { amplitude, peakDayOfYear } = arrivals.seasonality;
  return arrivals.perDay * (1 + amplitude * Math.cos((2 * Math.PI * (dayOfYear - peakDayOfYear)) / 365.25));
}

export function arrivalStarts(plan: Plan, runSeed: number, sample: number, firstIndex: number): ChildStart[] {
  const rng = new Rng(mixSeed(runSeed, STREAM.arrivals));
  const starts: ChildStart[] = [];
  const poisson = plan.scenario.arrivals.kind === 'rate';
  for (let day = 0; day < plan.scenario.days; day += 1) {
    const expected = expectedOn(plan, day) * sample;
    const count = poisson ? rng.poisson(expected) : rng.round(expected);
    const times: number[] = [];
    for (let k = 0; k < count; k += 1) times.push(plan.startMs + (day + rng.next()) * DAY_MS);
    times.sort((a, b) => a - b);
    for (const admittedMs of times) {
      const index = firstIndex + starts.length;
      starts.push({ index, seed: mixSeed(runSeed, STREAM.child, index), admittedMs });
    }
  }
  return starts;
}
