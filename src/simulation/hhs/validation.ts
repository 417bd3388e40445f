import type { SimulationResult } from '../engine/result';
import type { SimulationRequest } from '../engine/scenario';
import { SimulationRequestSchema } from '../engine/scenario';
import type { ArrivalSource, DailyArrivals } from './arrivals';
import { dailyArrivals, provenanceCounts } from './arrivals';
import type { HhsSeries } from './series';
import { HhsDataError, addDays, daysBetween } from './series';
import type { StayEstimate, StayGranularity } from './stays';
import { staySegments } from './stays';

/**
 * Validation against the real program: feed the simulator a period's observed admissions and that
 * period's length of care, start it from the children observed in care on the first day, and
 * compare the children in care it produces with those HHS reported, day by day.
 */

export interface ValidationSetup {
  label: string;
  from: string;
  to: string;
  source: ArrivalSource;
  stay: StayEstimate;
  granularity: StayGranularity;
}

export interface PreparedValidation {
  setup: ValidationSetup;
  request: SimulationRequest;
  /** The first reported day: the simulation starts the day after, with these children in care. */
  startRow: string;
  arrivals: DailyArrivals;
  lengthOfCare: { from: string; meanDays: number }[];
  observed: { date: string; inCare: number }[];
}

export function prepareValidation(
  series: HhsSeries,
  setup: ValidationSetup,
  options: { runs: number; seed: number; sample: number },
): PreparedValidation {
  const first = series.reportedIn(setup.from, setup.to)[0];
  if (!first) throw new HhsDataError(`No reported day between ${setup.from} and ${setup.to}`);
  const start = addDays(first.date, 1);
  const days = daysBetween(start, setup.to) + 1;
  const arrivals = dailyArrivals(series, start, setup.to, setup.source);
  const lengthOfCare = staySegments(series, { ...setup, start, estimate: setup.stay });
  const observed = series.reportedIn(start, setup.to).map((r) => ({ date: r.date, inCare: r.hhs_in_care }));
  const request = SimulationRequestSchema.parse({
    scenario: {
      label: setup.label,
      start,
      days,
      initialInCare: first.hhs_in_care,
      arrivals: { kind: 'series', perDay: arrivals.perDay, source: `hhs-uc-daily.csv (${setup.source})` },
      lengthOfCare,
      // Validation compares children in care only; beds and case managers do not enter it.
      caseManagers: 1,
      fundedBeds: 0,
    },
    runs: options.runs,
    seed: options.seed,
    sample: options.sample,
  });
  return { setup, request, startRow: first.date, arrivals, lengthOfCare, observed };
}

export interface DayComparison {
  date: string;
  observed: number;
  simulated: number;
  low: number;
  high: number;
  /** (simulated - observed) / observed */
  error: number;
}

export interface ValidationReport {
  setup: ValidationSetup;
  startRow: string;
  initialInCare: number;
  arrivalSources: ReturnType<typeof provenanceCounts>;
  clampedChildren: number;
  lengthOfCare: { from: string; meanDays: number }[];
  days: DayComparison[];
  within10Share: number;
  meanAbsError: number;
  maxAbsError: number;
}

export function compareWithObserved(prepared: PreparedValidation, result: SimulationResult): ValidationReport {
  const index = new Map(result.dates.map((d, i) => [d, i]));
  const band = result.base.daily.inCare;
  const days = prepared.observed.map(({ date, inCare }) => {
    const i = index.get(date)!;
    const simulated = band.mean[i]!;
    return { date, observed: inCare, simulated, low: band.low[i]!, high: band.high[i]!, error: (simulated - inCare) / inCare };
  });
  const abs = days.map((d) => Math.abs(d.error));
  return {
    setup: prepared.setup,
    startRow: prepared.startRow,
    initialInCare: prepared.request.scenario.initialInCare,
    arrivalSources: provenanceCounts(prepared.arrivals),
    clampedChildren: prepared.arrivals.clampedChildren,
    lengthOfCare: prepared.lengthOfCare,
    days,
    within10Share: abs.filter((e) => e <= 0.1).length / Math.max(1, abs.length),
    meanAbsError: abs.reduce((a, b) => a + b, 0) / Math.max(1, abs.length),
    maxAbsError: abs.reduce((a, b) => Math.max(a, b), 0),
  };
}
