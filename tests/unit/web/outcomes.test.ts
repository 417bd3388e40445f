import type { CategoryOne, Flow, Risk, StageDays } from '../../../src/contracts/analytics';
import { SimulationBodySchema } from '../../../src/contracts/simulations';
import { bulkSummary } from '../../../web/src/lib/bulk';
import {
  analyticsQuery,
  categoryOneHeadlines,
  daysText,
  defaultPeriod,
  filterSummary,
  flowOption,
  latestSignal,
  percent,
  riskByProvider,
  stageDaysOption,
  stageTable,
} from '../../../web/src/lib/outcomes';
import type { SimulationAnswer } from '../../../web/src/lib/what-if';
import { inCareOption, interval, leversFrom, simulationBody } from '../../../web/src/lib/what-if';

const period = { from: '2026-09-01', to: '2026-11-29', asOf: '2026-11-29T23:59:59.999Z' };

const categoryOne = (released: Partial<CategoryOne['released']>, open: Partial<CategoryOne['open']> = {}): CategoryOne => ({
  period,
  targetDays: 10,
  averageTargetDays: 7,
  released: { children: 4, withinTarget: 3, shareWithinTarget: 0.75, meanDays: 8.5, meanMinusAverageTarget: 1.5, ...released },
  open: { children: 2, withinTarget: 2, shareWithinTarget: 1, meanDaysSoFar: 3.25, ...open },
});

describe('the outcomes page', () => {
  it('asks for the last 90 days by default, and puts only the filters set in the query', () => {
    expect(defaultPeriod(new Date('2026-11-30T08:00:00Z'))).toEqual({ from: '2026-09-02', to: '2026-11-30' });
    expect(analyticsQuery({ from: '2026-09-01', to: '2026-11-29' })).toBe('?from=2026-09-01&to=2026-11-29');
    expect(analyticsQuery({ from: '2026-09-01', to: '2026-11-29', category: '2A', careProviderId: 'shelter tx' })).toBe(
      '?from=2026-09-01&to=2026-11-29&category=2A&careProviderId=shelter+tx',
    );
    expect(analyticsQuery({ from: '2026-09-01', to: '2026-11-29', category: '1' }, { period: false })).toBe('?category=1');
    expect(filterSummary({ from: '2026-09-01', to: '2026-11-29', category: 'none' })).toBe('2026-09-01 to 2026-11-29 · No sponsor');
  });

  it('says whether Category 1 meets its two targets, in words and figures', () => {
    const [within, average, open] = categoryOneHeadlines(categoryOne({}));
    expect(within).toEqual({
      label: 'Category 1 released within 10 days',
      value: '75%',
      detail: '3 of 4 released in the period',
      meets: false,
    });
    expect(average).toMatchObject({ value: '8.5 days', detail: '1.5 days over the long-run average', meets: false });
    expect(open).toMatchObject({ value: '100%', detail: '2 of 2 in care; 3.3 days so far on average', meets: true });

    const good = categoryOneHeadlines(categoryOne({ withinTarget: 4, shareWithinTarget: 1, meanDays: 6, meanMinusAverageTarget: -1 }));
    expect(good.map((h) => h.meets)).toEqual([true, true, true]);
    expect(good[1]!.detail).toBe('1.0 days under the long-run average');

    const none = categoryOneHeadlines(
      categoryOne(
        { children: 0, withinTarget: 0, shareWithinTarget: null, meanDays: null, meanMinusAverageTarget: null },
        { children: 0, withinTarget: 0, shareWithinTarget: null, meanDaysSoFar: null },
      ),
    );
    expect(none.map((h) => [h.value, h.meets])).toEqual([
      ['—', null],
      ['—', null],
      ['—', null],
    ]);
    expect(none[1]!.detail).toBe('No Category 1 release in the period');
    expect(none[2]!.detail).toBe('No Category 1 child in care');
  });

  it('formats shares and days, and an empty figure as a dash', () => {
    expect([percent(0.666), percent(0), percent(null)]).toEqual(['67%', '0%', '—']);
    expect([daysText(1), daysText(6.44), daysText(null)]).toEqual(['1.0 day', '6.4 days', '—']);
  });

  it('lays days per stage out in the statechart order, a column per category that had visits', () => {
    const visit = (stage: StageDays['stages'][number]['stage'], category: StageDays['stages'][number]['category'], meanDays: number) => ({
      stage,
      category,
      visits: 2,
      meanDays,
      medianDays: meanDays,
      inProgress: 0,
      meanDaysSoFar: null,
    });
    const data: StageDays = {
      period,
      stages: [
        visit('vetting', '2A', 5),
        visit('intake', '1', 1),
        visit('vetting', '1', 3),
        { ...visit('application', '3', 9), visits: 0 },
      ],
    };
    expect(stageTable(data)).toEqual({
      stages: ['intake', 'vetting'],
      categories: ['1', '2A'],
      mean: [
        [1, null],
        [3, 5],
      ],
    });
    const option = stageDaysOption(data) as { yAxis: { data: string[] }; series: { name: string; data: (number | null)[] }[] };
    expect(option.yAxis.data).toEqual(['Intake', 'Vetting']);
    expect(option.series.map((s) => [s.name, s.data])).toEqual([
      ['Category 1', [1, 3]],
      ['Category 2A', [null, 5]],
    ]);
  });

  it("draws the flow against ORR's thresholds, and names the latest day's signal", () => {
    const day = (d: string, inCare: number, per100: number | null, signal: Flow['days'][number]['signal']) => ({
      day: d,
      inCare,
      admissions: 1,
      discharges: 1,
      transfersIn: 0,
      transfersOut: 0,
      dischargesPer100: per100,
      signal,
    });
    const flow: Flow = {
      period,
      thresholds: { alertAtOrBelow: 2, warnAtOrBelow: 2.4 },
      days: [day('2026-11-27', 50, 2.2, 'warn'), day('2026-11-28', 52, 1.9, 'alert'), day('2026-11-29', 0, null, null)],
    };
    expect(latestSignal(flow)?.day).toBe('2026-11-28');
    expect(latestSignal({ ...flow, days: [day('2026-11-29', 0, null, null)] })).toBeNull();
    const option = flowOption(flow) as { series: { data: unknown[]; markLine?: { data: { yAxis: number }[] } }[] };
    expect(option.series[0]!.data).toEqual([50, 52, 0]);
    expect(option.series[1]!.markLine!.data.map((m) => m.yAxis)).toEqual([2, 2.4]);
  });

  it('sums risk by provider, most breached first', () => {
    const risk: Risk = {
      asOf: period.asOf,
      rows: [
        { stage: 'vetting', careProviderId: 'b', open: 3, atRisk: 1, breached: 0 },
        { stage: 'intake', careProviderId: 'a', open: 2, atRisk: 0, breached: 1 },
        { stage: 'application', careProviderId: 'b', open: 1, atRisk: 1, breached: 0 },
        { stage: 'intake', careProviderId: 'c', open: 1, atRisk: 0, breached: 0 },
      ],
      totals: { open: 7, atRisk: 2, breached: 1 },
    };
    expect(riskByProvider(risk)).toEqual([
      { careProviderId: 'a', open: 2, atRisk: 0, breached: 1 },
      { careProviderId: 'b', open: 4, atRisk: 2, breached: 0 },
      { careProviderId: 'c', open: 1, atRisk: 0, breached: 0 },
    ]);
  });
});

describe('the what-if', () => {
  it("starts from the flow's mean admissions and the last day's children in care, and asks a valid request", () => {
    const flow = {
      period,
      thresholds: { alertAtOrBelow: 2, warnAtOrBelow: 2.4 },
      days: [3, 5, 4].map((admissions, i) => ({
        day: `2026-11-2${i}`,
        inCare: 40 + i,
        admissions,
        discharges: 0,
        transfersIn: 0,
        transfersOut: 0,
        dischargesPer100: 0,
        signal: 'alert' as const,
      })),
    } satisfies Flow;
    const levers = leversFrom(flow);
    expect(levers).toEqual({
      days: 90,
      arrivalsPerDay: 4,
      inCareNow: 42,
      caseManagers: 4,
      fundedBeds: 51,
      category1MeanDays: 7,
      fitFromDatabase: false,
    });
    const body = SimulationBodySchema.parse(simulationBody(levers, '2026-11-30'));
    expect(body.scenario).toMatchObject({ start: '2026-11-30', days: 90, initialInCare: 42, arrivals: { kind: 'rate', perDay: 4 } });
    expect(body.whatIf?.changes).toEqual([{ change: 'mean_stay', category: '1', days: 7 }]);
    expect(leversFrom(undefined).arrivalsPerDay).toBe(10);
  });

  it('charts children in care, as it runs and as changed, each with its band stacked on its low edge', () => {
    const outcome = (label: string, mean: number[], low: number[], high: number[]) => ({ label, daily: { inCare: { mean, low, high } } });
    // Only what the chart reads of an answer.
    const answer = {
      dates: ['2026-11-30', '2026-12-01'],
      base: outcome('As it runs', [10.4, 12], [9, 11], [12, 14]),
      whatIf: outcome('Category 1 at 7 days', [8, 7.6], [7, -0.5], [9, 8]),
    } as unknown as SimulationAnswer;
    const option = inCareOption(answer) as { legend: { data: string[] }; series: { name: string; data: number[]; stack?: string }[] };
    expect(option.legend.data).toEqual(['As it runs', 'Category 1 at 7 days']);
    expect(option.series.map((s) => [s.name, s.data, s.stack])).toEqual([
      ['As it runs', [10, 12], undefined],
      ['As it runs low', [9, 11], 'band-0'],
      ['As it runs 95%', [3, 3], 'band-0'],
      ['Category 1 at 7 days', [8, 8], undefined],
      ['Category 1 at 7 days low', [7, 0], 'band-1'],
      ['Category 1 at 7 days 95%', [2, 8], 'band-1'],
    ]);
  });

  it('reads an interval as the mean and its range', () => {
    expect(interval({ mean: 1582.4, low: 1532, high: 1632.2 })).toBe('1,582 (1,532 to 1,632)');
    expect(interval({ mean: 6.44, low: 6.1, high: 6.8 }, 1)).toBe('6.4 (6.1 to 6.8)');
    expect(interval({ mean: null, low: null, high: null })).toBe('—');
  });
});

describe('bulk actions', () => {
  it('sums up the outcome, naming refusals and items not tried', () => {
    const items = [{ id: 'UC-1', outcome: 'applied' as const }];
    expect(bulkSummary({ applied: 3, refused: 0, failed: 0, items }, 'Reassign')).toBe('Reassign: 3 applied.');
    expect(bulkSummary({ applied: 1, refused: 1, failed: 2, items }, 'Transfer')).toBe(
      'Transfer: 1 applied, 1 refused, 2 not tried (try again).',
    );
  });
});
