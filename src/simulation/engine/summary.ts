import type { Plan } from './plan';
import type { Comparison, Outcome } from './result';
import type { CategoryKey } from './scenario';
import { CATEGORY_KEYS } from './scenario';
import type { Band as RawBand, Interval as RawInterval } from './stats';
import { band, interval, mean, quantileSorted, round } from './stats';
import type { Tally } from './tally';
import { ALERT_SERIES } from './tally';

/** From one run's tally to its figures, then from the runs to means and intervals. */

export interface RunMetrics {
  arrivals: number[];
  inCare: number[];
  discharges: number[];
  dischargesPer100: number[];
  open: number[];
  caseload: number[];
  alertsSupervisor: number[];
  alertsProgramLead: number[];
  warnings: number[];
  stays: Record<CategoryKey | 'all', number[]>;
  category1Released: number[];
  /** 1 / sample: what one simulated child stands for. */
  scale: number;
}

const cumulative = (delta: readonly number[], days: number, scale: number): number[] => {
  const out: number[] = [];
  let level = 0;
  for (let d = 0; d < days; d += 1) {
    level += delta[d]!;
    out.push(level * scale);
  }
  return out;
};

export function runMetrics(tally: Tally, plan: Plan, sample: number): RunMetrics {
  const { days } = tally;
  const scale = 1 / sample;
  const series = (i: number) => tally.alerts.slice(i * days, (i + 1) * days).map((v) => v * scale);
  const inCare = cumulative(tally.inCareDelta, days, scale);
  const open = cumulative(tally.openDelta, days, scale);
  const discharges = tally.discharges.map((v) => v * scale);
  const warnings = series(ALERT_SERIES.indexOf('warning'));
  const escalations = series(ALERT_SERIES.indexOf('escalation_supervisor'));
  const sortedStays = Object.fromEntries(CATEGORY_KEYS.map((c) => [c, [...tally.stays[c]].sort((a, b) => a - b)]));
  return {
    arrivals: tally.arrivals.map((v) => v * scale),
    inCare,
    discharges,
    dischargesPer100: discharges.map((d, i) => (inCare[i]! > 0 ? (100 * d) / inCare[i]! : 0)),
    open,
    caseload: open.map((o) => o / plan.scenario.caseManagers),
    alertsSupervisor: warnings.map((w, i) => w + escalations[i]!),
    alertsProgramLead: series(ALERT_SERIES.indexOf('escalation_program_lead')),
    warnings,
    stays: { ...sortedStays, all: CATEGORY_KEYS.flatMap((c) => tally.stays[c]).sort((a, b) => a - b) } as RunMetrics['stays'],
    category1Released: tally.category1Released,
    scale,
  };
}

const out = (i: RawInterval, digits = 2) => ({
  mean: Number.isFinite(i.mean) ? round(i.mean, digits) : null,
  low: i.low === null ? null : round(i.low, digits),
  high: i.high === null ? null : round(i.high, digits),
});
const outBand = (b: RawBand) => ({ mean: b.mean.map((v) => round(v)), low: b.low.map((v) => round(v)), high: b.high.map((v) => round(v)) });
const over = (runs: readonly RunMetrics[], figure: (r: RunMetrics) => number, digits = 2) => out(interval(runs.map(figure)), digits);
const daily = (runs: readonly RunMetrics[], pick: (r: RunMetrics) => number[]) => outBand(band(runs.map(pick)));
const peak = (values: readonly number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);
const last = (values: readonly number[]) => values[values.length - 1] ?? NaN;

function staySummary(runs: readonly RunMetrics[], key: CategoryKey | 'all') {
  return {
    discharged: over(runs, (r) => r.stays[key].length * r.scale, 0),
    mean: over(runs, (r) => mean(r.stays[key]), 1),
    median: over(runs, (r) => quantileSorted(r.stays[key], 0.5), 1),
    p90: over(runs, (r) => quantileSorted(r.stays[key], 0.9), 1),
  };
}

export function outcomeOf(plan: Plan, runs: readonly RunMetrics[]): Outcome {
  const beds = plan.scenario.fundedBeds;
  const within10 = (r: RunMetrics) =>
    r.category1Released.length ? r.category1Released.filter((d) => d <= 10).length / r.category1Released.length : NaN;
  return {
    label: plan.scenario.label,
    profile: plan.scenario.profile,
    fundedBeds: beds,
    caseManagers: plan.scenario.caseManagers,
    daily: {
      arrivals: daily(runs, (r) => r.arrivals),
      inCare: daily(runs, (r) => r.inCare),
      discharges: daily(runs, (r) => r.discharges),
      dischargesPer100InCare: daily(runs, (r) => r.dischargesPer100),
      alertsSupervisor: daily(runs, (r) => r.alertsSupervisor),
      alertsProgramLead: daily(runs, (r) => r.alertsProgramLead),
      openCases: daily(runs, (r) => r.open),
      caseloadPerCaseManager: daily(runs, (r) => r.caseload),
    },
    summary: {
      inCare: {
        mean: over(runs, (r) => mean(r.inCare), 0),
        peak: over(runs, (r) => peak(r.inCare), 0),
        end: over(runs, (r) => last(r.inCare), 0),
      },
      fundedBeds: {
        daysOver: over(runs, (r) => r.inCare.filter((n) => n > beds).length, 1),
        meanOccupancy: over(runs, (r) => (beds > 0 ? mean(r.inCare) / beds : NaN), 3),
      },
      dischargesPer100InCare: over(runs, (r) => mean(r.dischargesPer100), 3),
      lengthOfCare: Object.fromEntries(
        [...CATEGORY_KEYS, 'all' as const].map((k) => [k, staySummary(runs, k)]),
      ) as Outcome['summary']['lengthOfCare'],
      category1: {
        releasedWithin10Days: over(runs, within10, 3),
        meanDays: over(runs, (r) => mean(r.category1Released), 2),
        meanOverTarget7: over(runs, (r) => mean(r.category1Released) - 7, 2),
      },
      alertsPerDay: {
        supervisor: over(runs, (r) => mean(r.alertsSupervisor), 1),
        programLead: over(runs, (r) => mean(r.alertsProgramLead), 1),
        warnings: over(runs, (r) => mean(r.warnings), 1),
      },
      caseloadPerCaseManager: { mean: over(runs, (r) => mean(r.caseload), 2), peak: over(runs, (r) => peak(r.caseload), 2) },
    },
  };
}

/** What-if against base, run by run (the same seeds: the pairs share their randomness). */
export function comparisonOf(base: readonly RunMetrics[], whatIf: readonly RunMetrics[]): Comparison {
  const pairs = base.map((b, i) => ({ b, w: whatIf[i]! }));
  const freed = pairs.map(({ b, w }) => b.inCare.map((n, d) => n - w.inCare[d]!));
  const tail = Math.min(30, freed[0]?.length ?? 0);
  const diff = (figure: (r: RunMetrics) => number) => out(interval(pairs.map(({ b, w }) => figure(w) - figure(b))), 2);
  return {
    bedsFreed: {
      daily: outBand(band(freed)),
      mean: out(interval(freed.map((f) => mean(f))), 0),
      lastDays: out(interval(freed.map((f) => mean(f.slice(f.length - tail)))), 0),
      peak: out(interval(freed.map((f) => peak(f))), 0),
    },
    alertsPerDayChange: { supervisor: diff((r) => mean(r.alertsSupervisor)), programLead: diff((r) => mean(r.alertsProgramLead)) },
    category1MeanDaysChange: diff((r) => mean(r.category1Released)),
    caseloadPerCaseManagerChange: diff((r) => mean(r.caseload)),
  };
}
