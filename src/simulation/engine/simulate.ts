import { arrivalStarts } from './arrivals';
import type { CalibrationReport } from './calibrate';
import { calibrateCategories, calibrateRegime } from './calibrate';
import type { Executor } from './executor';
import { chunks } from './executor';
import { initialPopulation, poolSize } from './initial';
import type { Job, JobResult } from './jobs';
import type { Plan } from './plan';
import { DAY_MS, basePlan, whatIfPlan } from './plan';
import type { SimulationResult } from './result';
import { STREAM, mixSeed } from './rng';
import type { SimulationRequest } from './scenario';
import { CATEGORY_KEYS } from './scenario';
import type { RunMetrics } from './summary';
import { comparisonOf, outcomeOf, runMetrics } from './summary';
import { mergeTallies } from './tally';

/**
 * The whole simulation, as a pure orchestration over an executor: calibrate, draw each run's
 * children in care at the start, simulate every run of the base (and the what-if, with the same
 * seeds), then summarise. Nothing here reads a clock, a file or the environment.
 */

export interface Progress {
  phase: 'calibrating' | 'simulating';
  /** Children simulated so far in this phase, and in all (known once the phase starts). */
  done: number;
  total: number;
}

export interface SimulateOptions {
  progress?: (progress: Progress) => void;
  /** Children in each calibration pilot (default 3000). */
  calibrationChildren?: number;
  /** Children per job (default 1000). */
  chunkSize?: number;
}

interface Work {
  children: number;
  events: number;
}

const DEFAULT_ASSUMPTIONS = [
  'Children do not compete for case managers or beds: durations do not lengthen when caseloads or occupancy rise.',
  'No supervisor acknowledges an alert, so every escalation repeats as the deadlines schedule says.',
  'Caseload per case manager is open cases (in care, or released and awaiting the follow-up call) divided evenly among case managers.',
  'Length of care is counted for the children discharged in the period (release, age-out or departure), by the category planned at admission.',
];

type OnResult = (result: JobResult) => void;

function counter(work: Work, onChildren: (n: number) => void): OnResult {
  return (result) => {
    const n = result.kind === 'stays' ? result.stays.length : result.tally.children + result.tally.initialMissed;
    work.children += n;
    work.events += result.kind === 'stays' ? result.events : result.tally.events;
    onChildren(n);
  };
}

/**
 * Children a request will simulate, calibration pilots and every run included (admissions at their
 * expected number): what bounds a request before it starts.
 */
export function estimateChildren(request: SimulationRequest, calibrationChildren: number): number {
  const s = request.scenario;
  const expected =
    s.arrivals.kind === 'series'
      ? s.arrivals.perDay.reduce((a, b) => a + b, 0)
      : s.arrivals.perDay * s.days * (1 + (s.arrivals.seasonality?.amplitude ?? 0));
  const meanStays = request.whatIf?.changes.filter((c) => c.change === 'mean_stay').length ?? 0;
  const calibration = 3 * calibrationChildren * ((s.lengthOfCare ? 1 : 0) + meanStays);
  const initial = Math.round(s.initialInCare * request.sample);
  const scenarios = request.whatIf ? 2 : 1;
  // Open cases at the start: in care, and about as many again awaiting the follow-up call.
  return Math.ceil(calibration + request.runs * (poolSize(initial) + scenarios * (2 * initial + expected * request.sample)));
}

async function calibrate(request: SimulationRequest, executor: Executor, options: SimulateOptions, onResult: OnResult) {
  const size = options.calibrationChildren ?? 3000;
  const regime = await calibrateRegime(basePlan(request.scenario), executor, request.seed, size, onResult);
  const whatIf = request.whatIf
    ? await calibrateCategories(whatIfPlan(regime.plan, request.whatIf), request.whatIf, executor, request.seed, size, onResult)
    : null;
  const report: CalibrationReport = {
    lengthOfCare: regime.lengthOfCare,
    achievedMeanDays: regime.achievedMeanDays,
    categoryFactors: whatIf?.categoryFactors ?? {},
    categoryAchievedMeanDays: whatIf?.categoryAchievedMeanDays ?? {},
  };
  return { base: regime.plan, whatIf: whatIf?.plan ?? null, report };
}

export async function simulate(request: SimulationRequest, executor: Executor, options: SimulateOptions = {}): Promise<SimulationResult> {
  const work: Work = { children: 0, events: 0 };
  let done = 0;
  const report = (phase: Progress['phase'], total: () => number) => (n: number) =>
    options.progress?.({ phase, done: (done += n), total: total() });
  const {
    base,
    whatIf,
    report: calibration,
  } = await calibrate(
    request,
    executor,
    options,
    counter(
      work,
      report('calibrating', () => NaN),
    ),
  );
  const plans = whatIf ? [base, whatIf] : [base];
  const runSeeds = Array.from({ length: request.runs }, (_, r) => mixSeed(request.seed, STREAM.run, r));
  const initialCount = Math.round(request.scenario.initialInCare * request.sample);
  const arrivals = runSeeds.map((s) => arrivalStarts(base, s, request.sample, initialCount));
  const arrived = arrivals.reduce((a, b) => a + b.length, 0);
  done = 0;
  let total = runSeeds.length * poolSize(initialCount) + arrived * plans.length;
  const onResult = counter(
    work,
    report('simulating', () => total),
  );
  const initial = await Promise.all(runSeeds.map((s) => initialPopulation(base, s, initialCount, executor, onResult)));
  total += initial.reduce((a, p) => a + p.inCare.length + p.awaiting.length, 0) * plans.length;
  const size = options.chunkSize ?? 1000;
  const perRun = await Promise.all(
    plans.map((plan) =>
      Promise.all(
        runSeeds.map(async (_, r) => {
          const open = initial[r]!;
          const jobs: Job[] = [
            ...chunks(open.inCare, size).map((slice) => ({ kind: 'children' as const, plan, initial: slice, awaiting: [], arrivals: [] })),
            ...chunks(open.awaiting, size).map((slice) => ({
              kind: 'children' as const,
              plan,
              initial: [],
              awaiting: slice,
              arrivals: [],
            })),
            ...chunks(arrivals[r]!, size).map((slice) => ({ kind: 'children' as const, plan, initial: [], awaiting: [], arrivals: slice })),
          ];
          const results = await executor.run(jobs, onResult);
          return mergeTallies(
            plan.scenario.days,
            results.flatMap((x) => (x.kind === 'children' ? [x.tally] : [])),
          );
        }),
      ),
    ),
  );
  return assemble(request, plans, perRun, calibration, work);
}

function assemble(
  request: SimulationRequest,
  plans: Plan[],
  perRun: ReturnType<typeof mergeTallies>[][],
  calibration: CalibrationReport,
  work: Work,
): SimulationResult {
  const metrics: RunMetrics[][] = plans.map((plan, i) => perRun[i]!.map((tally) => runMetrics(tally, plan, request.sample)));
  const base = plans[0]!;
  const dates = Array.from({ length: base.scenario.days }, (_, d) => new Date(base.startMs + d * DAY_MS).toISOString().slice(0, 10));
  const allTallies = perRun.flat();
  const fill = (partial: Partial<Record<string, number>>) =>
    Object.fromEntries(CATEGORY_KEYS.map((c) => [c, partial[c] ?? 1])) as Record<(typeof CATEGORY_KEYS)[number], number>;
  return {
    start: base.scenario.start,
    days: base.scenario.days,
    dates,
    runs: request.runs,
    seed: request.seed,
    sample: request.sample,
    base: outcomeOf(base, metrics[0]!),
    whatIf: plans[1] ? outcomeOf(plans[1], metrics[1]!) : null,
    comparison: plans[1] ? comparisonOf(metrics[0]!, metrics[1]!) : null,
    calibration: {
      lengthOfCare: calibration.lengthOfCare,
      achievedMeanDays: calibration.achievedMeanDays,
      categoryFactors: fill(calibration.categoryFactors),
      categoryAchievedMeanDays: Object.fromEntries(Object.entries(calibration.categoryAchievedMeanDays)) as Record<string, number>,
    },
    work: {
      children: work.children,
      machineEvents: work.events,
      alertsFired: allTallies.reduce((a, t) => a + t.alertsFired, 0),
      initialMissed: allTallies.reduce((a, t) => a + t.initialMissed, 0),
    },
    assumptions: DEFAULT_ASSUMPTIONS,
  };
}
