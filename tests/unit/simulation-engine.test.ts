import type { CaseEvent } from '../../src/contracts/case-events';
import { CaseCommandSchema, ReleaseDecisionSchema } from '../../src/contracts/case-events';
import { runChild } from '../../src/simulation/engine/child';
import { inThisThread } from '../../src/simulation/engine/executor';
import { fitDurations } from '../../src/simulation/engine/fit';
import type { TransitionRow } from '../../src/simulation/engine/fit';
import { machineFor } from '../../src/simulation/engine/machine';
import { basePlan } from '../../src/simulation/engine/plan';
import { STREAM, mixSeed } from '../../src/simulation/engine/rng';
import type { SimulationRequestInput } from '../../src/simulation/engine/scenario';
import { ScenarioSchema, SimulationRequestSchema } from '../../src/simulation/engine/scenario';
import { simulate } from '../../src/simulation/engine/simulate';

/** The pure engine, in this thread: no workers, no files. */

// Simulations take seconds (more on a busy machine); the limit only stops a hung test, it times nothing.
jest.setTimeout(300_000);

const run = (input: SimulationRequestInput, chunkSize?: number) =>
  simulate(SimulationRequestSchema.parse(input), inThisThread, { calibrationChildren: 400, chunkSize });

const NO_JUDGEMENT_CALLS = {
  flagCheck: 0,
  flagShowsRisk: 0,
  homeStudyUnfavourable: 0,
  discretionaryHomeStudy: 0,
  moreAssessment: 0,
  denial: 0,
  remand: 0,
  withdrawal: 0,
  departure: 0,
};
const fixed = (days: number) => ({ kind: 'fixed' as const, days });
const zeros = (n: number) => new Array<number>(n).fill(0);

/**
 * One ten-year-old Category 1 child admitted on day 0 (at a random hour), every step a fixed
 * number of days, no red flags: the expedited path of the baseline profile (identity, relationship,
 * public records, sex offender checks, 2 days each) releases on day 8.
 */
const ONE_CHILD: SimulationRequestInput = {
  scenario: {
    start: '2024-03-01',
    days: 50,
    arrivals: { kind: 'series', perDay: [1, ...zeros(49)] },
    mix: {
      categories: { '1': 1 },
      ageYears: [...zeros(10), 1, ...zeros(7)],
      traffickingVictim: 0,
      disability: 0,
      abuseVictim: 0,
      sponsorPresentsRisk: 0,
    },
    process: NO_JUDGEMENT_CALLS,
    durations: {
      stages: {
        intake: fixed(1),
        sponsor_identification: fixed(1),
        application: fixed(1),
        vetting: fixed(0),
        recommendation: fixed(1),
        release_decision: fixed(1),
        release_approved: fixed(1),
        released: fixed(31),
      },
      checks: {
        identity: fixed(2),
        relationship: fixed(2),
        public_records: fixed(2),
        sex_offender: fixed(2),
        fbi_fingerprint: fixed(5.5),
        can_registry: fixed(2),
        prior_sponsorship: fixed(2),
      },
    },
    profile: 'baseline-2015',
    caseManagers: 1,
    fundedBeds: 1,
  },
  runs: 1,
  seed: 3,
};

const SMALL: SimulationRequestInput = {
  scenario: {
    start: '2024-02-01',
    days: 30,
    initialInCare: 80,
    arrivals: { kind: 'rate', perDay: 12 },
    lengthOfCare: [{ from: '2024-02-01', meanDays: 20 }],
    caseManagers: 20,
    fundedBeds: 400,
  },
  whatIf: { label: 'Category 1 stages x0.5', changes: [{ change: 'scale_durations', category: '1', factor: 0.5 }] },
  runs: 2,
  seed: 11,
};

describe('a hand-checkable child', () => {
  it('is released on day 8, warned on day 7 (Category 1 at 70% of 10 days) and at the follow-up call on day 38', async () => {
    const result = await run(ONE_CHILD);
    const inCare = result.base.daily.inCare.mean;
    expect(inCare.slice(0, 8)).toEqual(new Array(8).fill(1));
    expect(inCare.slice(8)).toEqual(zeros(42));
    expect(result.base.summary.lengthOfCare['1'].mean.mean).toBe(8);
    expect(result.base.summary.category1.releasedWithin10Days.mean).toBe(1);
    const alerts = result.base.daily.alertsSupervisor.mean;
    expect(alerts.flatMap((n, day) => (n > 0 ? [[day, n]] : []))).toEqual([
      [7, 1],
      [38, 1],
    ]);
    expect(result.base.daily.alertsProgramLead.mean.every((n) => n === 0)).toBe(true);
    // intake, sponsor, assessment, 4 checks, vetting, recommendation, decision, release, follow-up
    expect(result.work.machineEvents).toBe(12);
  });

  it('under FG26 needs fingerprints too (5.5 days): released at 11.5 days, over the 10-day target and the vetting target', async () => {
    const result = await run({ ...ONE_CHILD, whatIf: { label: 'FG26', changes: [{ change: 'profile', profile: 'fg26-2025' }] } });
    const whatIf = result.whatIf!;
    expect(whatIf.summary.lengthOfCare['1'].mean.mean).toBe(11.5);
    expect(whatIf.summary.category1.releasedWithin10Days.mean).toBe(0);
    // Warnings: length of stay, vetting, follow-up; escalations: length of stay (day 10), vetting (day 8).
    expect(whatIf.daily.alertsSupervisor.mean.reduce((a, b) => a + b, 0)).toBe(5);
    expect(result.comparison!.bedsFreed.daily.mean.slice(8, 11)).toEqual([-1, -1, -1]);
    expect(result.work.machineEvents).toBe(12 + 13);
  });

  it('takes what-if durations: Category 1 stages x0.5 releases on day 4; fingerprints 3 days later under FG26 on day 14.5', async () => {
    const halved = await run({
      ...ONE_CHILD,
      whatIf: { label: 'half', changes: [{ change: 'scale_durations', category: '1', factor: 0.5 }] },
    });
    expect(halved.whatIf!.summary.lengthOfCare['1'].mean.mean).toBe(4);
    const later = await run({
      ...ONE_CHILD,
      whatIf: {
        label: 'later',
        changes: [
          { change: 'profile', profile: 'fg26-2025' },
          { change: 'add_days', checks: ['fbi_fingerprint'], days: 3 },
        ],
      },
    });
    expect(later.whatIf!.summary.lengthOfCare['1'].mean.mean).toBe(14.5);
  });
});

describe('the engine', () => {
  it('gives the same result for the same seed, however the work is cut, and another for another seed', async () => {
    const first = await run(SMALL);
    expect(await run(SMALL, 37)).toEqual(first);
    expect(first.base.daily.inCare.mean[0]).toBeGreaterThan(80);
    const other = await run({ ...SMALL, seed: 12 });
    expect(other.base.daily.inCare.mean).not.toEqual(first.base.daily.inCare.mean);
  });

  it.each([1, 0.5])(
    'conserves children (sample %s): in care at the start + admissions - discharges = in care at the end',
    async (sample) => {
      const result = await run({ ...SMALL, runs: 1, sample });
      for (const outcome of [result.base, result.whatIf!]) {
        const admitted = outcome.daily.arrivals.mean.reduce((a, b) => a + b, 0);
        const discharged = outcome.daily.discharges.mean.reduce((a, b) => a + b, 0);
        expect(80 + admitted - discharged).toBeCloseTo(outcome.daily.inCare.mean.at(-1)!, 6);
        expect(outcome.summary.lengthOfCare.all.discharged.mean).toBe(discharged);
        expect(admitted).toBeGreaterThan(12 * 30 * 0.7);
      }
      expect(result.work.initialMissed).toBe(0);
    },
  );

  it('calibrates the mean stay asked for, and a what-if mean stay for one category', async () => {
    const result = await run({
      ...SMALL,
      whatIf: { label: 'Category 1 at 7 days', changes: [{ change: 'mean_stay', category: '1', days: 7 }] },
    });
    expect(Math.abs(result.calibration.achievedMeanDays! - 20)).toBeLessThan(0.2);
    expect(Math.abs(result.calibration.categoryAchievedMeanDays['1']! - 7)).toBeLessThan(0.35);
    expect(result.comparison!.bedsFreed.mean.mean).toBeGreaterThan(0);
    expect(result.whatIf!.summary.category1.meanDays.mean!).toBeLessThan(result.base.summary.category1.meanDays.mean!);
  });
});

describe('simulated people', () => {
  it('send only events the API would accept and the case allows, on every path (flags, home studies, denials, remands, Category 4, exits)', () => {
    const scenario = ScenarioSchema.parse({
      start: '2025-01-10',
      days: 400,
      arrivals: { kind: 'rate', perDay: 1 },
      mix: {
        categories: { '1': 1, '2A': 1, '2B': 1, '3': 1, '4': 1 },
        traffickingVictim: 0.2,
        disability: 0.1,
        abuseVictim: 0.1,
        sponsorPresentsRisk: 0.1,
        unrelatedRepeatSponsor: 0.5,
      },
      process: {
        flagCheck: 0.2,
        flagShowsRisk: 0.5,
        homeStudyUnfavourable: 0.3,
        discretionaryHomeStudy: 0.3,
        moreAssessment: 0.3,
        denial: 0.2,
        remand: 0.3,
        withdrawal: 0.2,
        departure: 0.1,
      },
      caseManagers: 1,
      fundedBeds: 1,
    });
    const plan = basePlan(scenario);
    const machine = machineFor('by-date', scenario.start);
    const sent: CaseEvent[] = [];
    let closed = 0;
    for (let i = 0; i < 300; i += 1) {
      const start = { index: i, seed: mixSeed(5, STREAM.child, i), admittedMs: plan.startMs };
      const outcome = runChild(plan, machine, start, plan.startMs + 20 * 365 * 86_400_000, {
        alert: () => undefined,
        transition: (e) => sent.push(e),
      });
      if (outcome.closedMs !== null) closed += 1;
    }
    expect(closed).toBe(300);
    for (const event of sent) (event.type === 'DECIDE_RELEASE' ? ReleaseDecisionSchema : CaseCommandSchema).parse(event);
    const types = new Set(sent.map((e) => e.type));
    for (const type of [
      'NO_VIABLE_SPONSOR',
      'FLAG_CHECK',
      'COMPLETE_HOME_STUDY',
      'REQUEST_HOME_STUDY',
      'REVIEW_CASE',
      'SPONSOR_WITHDREW',
      'DEPART',
      'AGE_OUT',
    ]) {
      expect(types).toContain(type);
    }
    const decisions = new Set(sent.flatMap((e) => (e.type === 'DECIDE_RELEASE' ? [e.decision] : [])));
    expect([...decisions].sort()).toEqual(['approve', 'approve_with_services', 'deny', 'remand']);
  });
});

describe('durations fitted from transitions', () => {
  it('recover the stage durations the transitions were made with', () => {
    const scenario = ScenarioSchema.parse({
      start: '2024-02-01',
      days: 400,
      arrivals: { kind: 'rate', perDay: 1 },
      caseManagers: 1,
      fundedBeds: 1,
    });
    const plan = basePlan(scenario);
    const machine = machineFor('by-date', scenario.start);
    const rows: TransitionRow[] = [];
    const categories = new Map<string, string | null>();
    for (let i = 0; i < 1500; i += 1) {
      const caseId = `C-${i}`;
      let seq = 0;
      rows.push({ caseId, seq: seq++, event: 'OPEN', toStatus: 'intake', atMs: plan.startMs });
      const outcome = runChild(
        plan,
        machine,
        { index: i, seed: mixSeed(9, STREAM.child, i), admittedMs: plan.startMs },
        plan.startMs + 3650 * 86_400_000,
        {
          transition: (e, toStatus, atMs) => rows.push({ caseId, seq: seq++, event: e.type, toStatus, atMs }),
        },
      );
      categories.set(caseId, outcome.category === '4' ? null : outcome.category);
    }
    const fit = fitDurations(rows, categories);
    expect(fit.cases).toBe(1500);
    // Built-in means: intake 1, application 7 (Category 2B), follow-up call 31 days after release.
    expect(fit.durations.stages.intake).toMatchObject({ kind: 'lognormal' });
    const meanOf = (d: unknown) => (d as { mean: number }).mean;
    expect(meanOf(fit.durations.stages.intake)).toBeCloseTo(1, 0);
    expect(Math.abs(meanOf(fit.durations.byCategory['2B']!.stages!.application) - 7) / 7).toBeLessThan(0.15);
    expect(Math.abs(meanOf(fit.durations.stages.released) - 31) / 31).toBeLessThan(0.03);
    expect(fit.samples.check).toBeGreaterThan(1500 * 4);
  });
});
