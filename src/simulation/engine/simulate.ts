import { arrivalStarts } from './arrivals';
import type { CalibrationReport } from './calibrate';
import { calibrateCategories, calibrateRegime, pilotStays } from './calibrate';
import type { ChildStart } from './child';
import type { Executor } from './executor';
import { chunks } from './executor';
import type { Job, JobResult } from './jobs';
import type { Plan } from './plan';
import { DAY_MS, basePlan, whatIfPlan } from './plan';
import type { SimulationResult } from './result';
import { Rng, STREAM, mixSeed } from './rng';
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

/** Stays piloted to draw a run's children in care at the start from. */
const poolSize = (count: number): number => (count === 0 ? 0 : Math.min(Math.max(count, 200), 20_000));

/**
 * Children a request will simulate, calibration pilots and every run included (admissions at their
 * expected number): what bounds a request before it starts.
 */
export function estimateChildren(request: SimulationRequest, calibrationChildren: number): number {
  const s = request.scenario;
  const expected = s.arrivals.kind === 'series' ? s.arrivals.perDay.reduce((a, b) => a + b, 0) : s.arrivals.perDay * s.days * (1 + (s.arrivals.seasonality?.amplitude ?? 0));
  const meanStays = request.whatIf?.changes.filter((c) => c.change === 'mean_stay').length ?? 0;
  const calibration = 3 * calibrationChildren * ((s.lengthOfCare ? 1 : 0) + meanStays);
  const initial = Math.round(s.initialInCare * request.sample);
  const scenarios = request.whatIf ? 2 : 1;
  return Math.ceil(calibration + request.runs * (poolSize(initial) + scenarios * (initial + expected * request.sample)));
}

/** Children in care when the run starts: stays drawn in proportion to their length, each at a uniform point. */
async function initialPopulation(plan: Plan, runSeed: number, count: number, executor: Executor, onResult: OnResult): Promise<ChildStart[]> {
  if (count === 0) return [];
  const seeds = Array.from({ length: poolSize(count) }, (_, j) => mixSeed(runSeed, STREAM.pool, j));
  const stays = (await pilotStays(plan, seeds, executor, onResult)).filter((s) => s.days !== null);
  const cumulative: number[] = [];
  let total = 0;
  for (const s of stays) cumulative.push((total += s.days!));
  const rng = new Rng(mixSeed(runSeed, STREAM.initial));
  return Array.from({ length: count }, (_, index) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    const stay = stays[lo]!;
    return { index, seed: stay.seed, admittedMs: plan.startMs - rng.next() * stay.days! * DAY_MS };
  });
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
  const report = (phase: Progress['phase'], total: number) => (n: number) => options.progress?.({ phase, done: (done += n), total });
  const { base, whatIf, report: calibration } = await calibrate(request, executor, options, counter(work, report('calibrating', NaN)));
  const plans = whatIf ? [base, whatIf] : [base];
  const runSeeds = Array.from({ length: request.runs }, (_, r) => mixSeed(request.seed, STREAM.run, r));
  const initialCount = Math.round(request.scenario.initialInCare * request.sample);
  const arrivals = runSeeds.map((s) => arrivalStarts(base, s, request.sample, initialCount));
  const arrived = arrivals.reduce((a, b) => a + b.length, 0);
  const total = runSeeds.length * (poolSize(initialCount) + initialCount * plans.length) + arrived * plans.length;
  done = 0;
  const onResult = counter(work, report('simulating', total));
  const initial = await Promise.all(runSeeds.map((s) => initialPopulation(base, s, initialCount, executor, onResult)));
  const size = options.chunkSize ?? 1000;
  const perRun = await Promise.all(
    plans.map((plan) =>
      Promise.all(
        runSeeds.map(async (_, r) => {
          const jobs: Job[] = [
            ...chunks(initial[r]!, size).map((slice) => ({ kind: 'children' as const, plan, initial: slice, arrivals: [] })),
            ...chunks(arrivals[r]!, size).map((slice) => ({ kind: 'children' as const, plan, initial: [], arrivals: slice })),
          ];
          const results = await executor.run(jobs, onResult);
          return mergeTallies(plan.scenario.days, results.flatMap((x) => (x.kind === 'children' ? [x.tally] : [])));
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
  const fill = (partial: Partial<Record<string, number>>) => Object.fromEntries(CATEGORY_KEYS.map((c) => [c, partial[c] ?? 1])) as Record<(typeof CATEGORY_KEYS)[number], number>;
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
