import type { AnalyticsQuery } from '../../src/db/analytics';
import { sqlAnalytics } from '../../src/db/analytics';
import { writeOutcomeFixture } from '../helpers/outcome-fixture';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

/**
 * Every figure against the fixture in tests/helpers/outcome-fixture.ts, worked out by hand for
 * March 2026, measured at the period's end (2026-04-01T00:00Z). The arithmetic is in the comments.
 */
const testDb = useTestDatabase();
const MARCH: AnalyticsQuery = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-04-01T00:00:00Z'),
  asOf: new Date('2026-04-01T00:00:00Z'),
};
const analytics = () => sqlAnalytics(testDb.db.prisma);

beforeAll(async () => {
  await writeOutcomeFixture(testDb.db.prisma);
});

describe('length of stay of children discharged in the period', () => {
  it('counts A 8, B 14, C 15 (released) and D 11 (aged out) days; F left in February, E and G are in care', async () => {
    const los = await analytics().lengthOfStay(MARCH);
    // [8, 11, 14, 15]: mean 12, median (11 + 14) / 2, p90 at rank 0.9 x 3 = 2.7: 14 + 0.7.
    expect(los.all).toEqual({ children: 4, meanDays: 12, medianDays: 12.5, p90Days: 14.7 });
    expect(los.byCategory).toEqual([
      // [8, 14]: p90 8 + 0.9 x 6.
      { category: '1', children: 2, meanDays: 11, medianDays: 11, p90Days: 13.4 },
      { category: '2A', children: 1, meanDays: 15, medianDays: 15, p90Days: 15 },
      { category: 'none', children: 1, meanDays: 11, medianDays: 11, p90Days: 11 },
    ]);
    expect(los.byExit).toEqual([
      // [8, 14, 15]: mean 37 / 3, p90 at rank 1.8: 14 + 0.8.
      { exit: 'released', children: 3, meanDays: 12.33, medianDays: 14, p90Days: 14.8 },
      { exit: 'aged_out', children: 1, meanDays: 11, medianDays: 11, p90Days: 11 },
    ]);
  });

  it('counts a transferred child at the care provider that discharged it, and filters by category and policy profile', async () => {
    const p1 = await analytics().lengthOfStay({ ...MARCH, careProviderId: 'P1' });
    expect(p1.all).toMatchObject({ children: 2, meanDays: 11 }); // A, B
    const p2 = await analytics().lengthOfStay({ ...MARCH, careProviderId: 'P2' });
    expect(p2.all).toMatchObject({ children: 2, meanDays: 13 }); // C (transferred in), D
    expect((await analytics().lengthOfStay({ ...MARCH, category: '2A' })).all).toMatchObject({ children: 1, meanDays: 15 });
    expect((await analytics().lengthOfStay({ ...MARCH, category: 'none' })).byExit).toEqual([
      { exit: 'aged_out', children: 1, meanDays: 11, medianDays: 11, p90Days: 11 },
    ]);
    expect((await analytics().lengthOfStay({ ...MARCH, policyProfile: 'baseline-2015' })).all).toMatchObject({ children: 1, meanDays: 15 });
  });
});

describe('Category 1 against its targets', () => {
  it('A released within 10 days, B not: half within, a mean of 11 against 7; E open 7 days so far', async () => {
    expect(await analytics().categoryOne(MARCH)).toEqual({
      targetDays: 10,
      averageTargetDays: 7,
      released: { children: 2, withinTarget: 1, shareWithinTarget: 0.5, meanDays: 11, meanMinusAverageTarget: 4 },
      open: { children: 1, withinTarget: 1, shareWithinTarget: 1, meanDaysSoFar: 7 },
    });
  });

  it('has no Category 1 child to count when another category is filtered on', async () => {
    const other = await analytics().categoryOne({ ...MARCH, category: '2A' });
    expect(other.released.children + other.open.children).toBe(0);
  });
});

describe('where the days go', () => {
  it('counts each visit of a stage that ended in the period, a re-entered stage twice, and visits still running at the end', async () => {
    const { stages } = await analytics().stageDays(MARCH);
    const row = (stage: string, category: string) => stages.find((s) => s.stage === stage && s.category === category);
    // A intake 1, B 1, E 1; F's ended in February.
    expect(row('intake', '1')).toEqual({
      stage: 'intake',
      category: '1',
      visits: 3,
      meanDays: 1,
      medianDays: 1,
      inProgress: 0,
      meanDaysSoFar: null,
    });
    // A 2; B 2, then 3 after the remand: three visits.
    expect(row('vetting', '1')).toMatchObject({ visits: 3, meanDays: 2.33, medianDays: 2 });
    // A 1, B 2; E in it since 03-27: 5 days so far.
    expect(row('application', '1')).toEqual({
      stage: 'application',
      category: '1',
      visits: 2,
      meanDays: 1.5,
      medianDays: 1.5,
      inProgress: 1,
      meanDaysSoFar: 5,
    });
    // C: 03-06 to 03-10, the transfer on 03-08 does not start a new visit.
    expect(row('sponsor_identification', '2A')).toMatchObject({ visits: 1, meanDays: 4 });
    expect(row('sponsor_identification', 'none')).toMatchObject({ visits: 1, meanDays: 10 }); // D, until it aged out
    // G: application 02-25 to 03-02 ends in March (5 days); vetting 8; home study running 22 days.
    expect(row('application', '2B')).toMatchObject({ visits: 1, meanDays: 5 });
    expect(row('vetting', '2B')).toMatchObject({ visits: 1, meanDays: 8 });
    expect(row('home_study', '2B')).toEqual({
      stage: 'home_study',
      category: '2B',
      visits: 0,
      meanDays: null,
      medianDays: null,
      inProgress: 1,
      meanDaysSoFar: 22,
    });
    expect(row('release_decision', '1')).toMatchObject({ visits: 3, meanDays: 1 });
    expect(row('release_approved', '2A')).toMatchObject({ visits: 1, meanDays: 2 });
    expect(stages.some((s) => s.stage === 'released' || s.stage === 'closed')).toBe(false);
  });

  it('gives a visit to the care provider holding the child when it ended', async () => {
    const { stages } = await analytics().stageDays({ ...MARCH, careProviderId: 'P2' });
    // C's intake ended at P1 (before the transfer); its sponsor identification at P2.
    expect(stages.find((s) => s.stage === 'intake' && s.category === '2A')).toBeUndefined();
    expect(stages.find((s) => s.stage === 'sponsor_identification' && s.category === '2A')).toMatchObject({ visits: 1, meanDays: 4 });
    expect(stages.filter((s) => s.category === '1')).toEqual([]);
  });
});

describe('weekly admission cohorts', () => {
  it('groups March admissions by the Monday of their week, with days to discharge of those discharged', async () => {
    const { weeks } = await analytics().cohorts(MARCH);
    expect(weeks).toEqual([
      // 2026-03-01 is a Sunday: A and B belong to the week of Monday 02-23. [8, 14]
      { week: '2026-02-23', admitted: 2, discharged: 2, inCare: 0, meanDays: 11, medianDays: 11, p90Days: 13.4 },
      { week: '2026-03-02', admitted: 1, discharged: 1, inCare: 0, meanDays: 15, medianDays: 15, p90Days: 15 },
      { week: '2026-03-09', admitted: 1, discharged: 1, inCare: 0, meanDays: 11, medianDays: 11, p90Days: 11 },
      { week: '2026-03-23', admitted: 1, discharged: 0, inCare: 1, meanDays: null, medianDays: null, p90Days: null },
    ]);
  });
});

describe('flow of children per day', () => {
  it('starts from those in care before the period (G) and counts admissions and discharges day by day', async () => {
    const { days, thresholds } = await analytics().flow(MARCH);
    expect(thresholds).toEqual({ alertAtOrBelow: 2, warnAtOrBelow: 2.4 });
    expect(days).toHaveLength(31);
    const on = (d: string) => days.find((x) => x.day === `2026-03-${d}`)!;
    expect(on('01')).toMatchObject({ inCare: 3, admissions: 2, discharges: 0, dischargesPer100: 0, signal: 'alert' });
    expect(on('04').inCare).toBe(3);
    expect(on('05')).toMatchObject({ inCare: 4, admissions: 1 });
    // A leaves on 03-09: 4 in care as the day began, 1 discharge: 25 per 100.
    expect(on('09')).toMatchObject({ inCare: 3, discharges: 1, dischargesPer100: 25, signal: 'ok' });
    expect([on('10'), on('15'), on('20'), on('21'), on('25'), on('31')].map((d) => d.inCare)).toEqual([4, 3, 2, 1, 2, 2]);
    expect(days.every((d) => d.transfersIn === 0 && d.transfersOut === 0)).toBe(true);
  });

  it("follows a care provider's census through transfers in and out", async () => {
    const p1 = await analytics().flow({ ...MARCH, careProviderId: 'P1' });
    const p2 = await analytics().flow({ ...MARCH, careProviderId: 'P2' });
    const on = (flow: typeof p1, d: string) => flow.days.find((x) => x.day === `2026-03-${d}`)!;
    expect(['01', '05', '08', '09', '15', '25'].map((d) => on(p1, d).inCare)).toEqual([2, 3, 2, 1, 0, 1]);
    expect(on(p1, '08')).toMatchObject({ transfersOut: 1, transfersIn: 0 });
    // P2 had G before March; C comes in on 03-08, D is admitted on 03-10; C and D leave on 03-20 and 03-21.
    expect(['01', '08', '10', '20', '21'].map((d) => on(p2, d).inCare)).toEqual([1, 2, 3, 2, 1]);
    expect(on(p2, '08')).toMatchObject({ transfersIn: 1, transfersOut: 0 });
    // C on 03-20: 3 in care as the day began, 1 discharge.
    expect(on(p2, '20').dischargesPer100).toBe(33.33);
  });
});

describe('open cases at risk and breached', () => {
  it("reads each open case's deadlines at the time asked: E breached (due 03-28), G at risk (warned 03-30), A on track", async () => {
    const risk = await analytics().risk({ asOf: MARCH.asOf });
    expect(risk.rows).toEqual([
      { stage: 'application', careProviderId: 'P1', open: 1, atRisk: 0, breached: 1 },
      // G's row is as the read model holds it now: in recommendation since 04-03.
      { stage: 'recommendation', careProviderId: 'P2', open: 1, atRisk: 1, breached: 0 },
      { stage: 'released', careProviderId: 'P1', open: 1, atRisk: 0, breached: 0 },
      { stage: 'released', careProviderId: 'P2', open: 1, atRisk: 0, breached: 0 },
    ]);
    expect(risk.totals).toEqual({ open: 4, atRisk: 1, breached: 1 });
    const earlier = await analytics().risk({ asOf: new Date('2026-03-27T12:00:00Z'), careProviderId: 'P1' });
    expect(earlier.totals).toEqual({ open: 2, atRisk: 1, breached: 0 });
  });
});
