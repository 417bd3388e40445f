import type { EChartsCoreOption } from 'echarts/core';

import type { CategoryGroup, CategoryOne, Cohorts, Flow, Risk, StageDays } from '../../../src/contracts/analytics';
import { CATEGORY_GROUPS } from '../../../src/contracts/analytics';
import { CaseStatusSchema } from '../../../src/contracts/case-status';
import type { CaseStatus } from '../../../src/contracts/case-status';
import { statusLabel } from './labels';
import { queryString } from './query-string';

/**
 * The outcomes page's figures as a person reads them, and its charts as ECharts options. Pure: the
 * page passes the API's answers in, and the tests check what comes out.
 */

export interface OutcomesFilter {
  from: string;
  to: string;
  category?: CategoryGroup;
  careProviderId?: string;
}

const DAY_MS = 86_400_000;

/** The default period: the last 90 days, today included (the API's own default). */
export function defaultPeriod(now: Date): { from: string; to: string } {
  const to = now.toISOString().slice(0, 10);
  const from = new Date(now.getTime() - 89 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

/** The query string the analytics routes and the CSV take; the risk of open cases is as of now, so it takes no period. */
export function analyticsQuery(filter: OutcomesFilter, { period = true } = {}): string {
  const dates = period ? { from: filter.from, to: filter.to } : {};
  return queryString({ ...dates, category: filter.category, careProviderId: filter.careProviderId });
}

/** The filter in words, for captions and the CSV's file name. */
export function filterSummary(filter: OutcomesFilter): string {
  const parts = [`${filter.from} to ${filter.to}`];
  if (filter.category) parts.push(categoryLabel(filter.category));
  if (filter.careProviderId) parts.push(filter.careProviderId);
  return parts.join(' · ');
}

export function categoryLabel(category: CategoryGroup): string {
  return category === 'none' ? 'No sponsor' : `Category ${category}`;
}

/** "42%" or "—" when there is nothing to divide. */
export function percent(share: number | null): string {
  return share === null ? '—' : `${Math.round(share * 100)}%`;
}

/** "6.4 days" or "—". */
export function daysText(days: number | null): string {
  if (days === null) return '—';
  return `${days.toFixed(1)} day${days === 1 ? '' : 's'}`;
}

export interface Headline {
  label: string;
  value: string;
  detail: string;
  /** Whether the figure meets its target; null when there is no figure or no target. */
  meets: boolean | null;
}

/** The two targets of the origin documents, as the page's headline figures. */
export function categoryOneHeadlines(data: CategoryOne): Headline[] {
  const { released, open } = data;
  return [
    {
      label: `Category 1 released within ${data.targetDays} days`,
      value: percent(released.shareWithinTarget),
      detail: `${released.withinTarget} of ${released.children} released in the period`,
      meets: released.shareWithinTarget === null ? null : released.shareWithinTarget === 1,
    },
    {
      label: `Category 1 average against ${data.averageTargetDays} days`,
      value: daysText(released.meanDays),
      detail:
        released.meanMinusAverageTarget === null
          ? 'No Category 1 release in the period'
          : released.meanMinusAverageTarget > 0
            ? `${released.meanMinusAverageTarget.toFixed(1)} days over the long-run average`
            : `${Math.abs(released.meanMinusAverageTarget).toFixed(1)} days under the long-run average`,
      meets: released.meanMinusAverageTarget === null ? null : released.meanMinusAverageTarget <= 0,
    },
    {
      label: `Category 1 in care now, within ${data.targetDays} days so far`,
      value: percent(open.shareWithinTarget),
      detail:
        open.children === 0
          ? 'No Category 1 child in care'
          : `${open.withinTarget} of ${open.children} in care; ${daysText(open.meanDaysSoFar)} so far on average`,
      meets: open.shareWithinTarget === null ? null : open.shareWithinTarget === 1,
    },
  ];
}

const IN_ORDER = CaseStatusSchema.options;

/** Mean days per stage visit, one row per stage (in the statechart's order) and a column per category. */
export function stageTable(data: StageDays): { stages: CaseStatus[]; categories: CategoryGroup[]; mean: (number | null)[][] } {
  const categories = CATEGORY_GROUPS.filter((c) => data.stages.some((s) => s.category === c && s.visits > 0));
  const stages = IN_ORDER.filter((stage) => data.stages.some((s) => s.stage === stage && s.visits > 0));
  const mean = stages.map((stage) =>
    categories.map((category) => data.stages.find((s) => s.stage === stage && s.category === category)?.meanDays ?? null),
  );
  return { stages, categories, mean };
}

const base = { animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' } };

export function stageDaysOption(data: StageDays): EChartsCoreOption {
  const { stages, categories, mean } = stageTable(data);
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: 'days per visit', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'category', inverse: true, data: stages.map(statusLabel) },
    series: categories.map((category, column) => ({
      type: 'bar',
      name: categoryLabel(category),
      data: mean.map((row) => row[column]),
    })),
  };
}

export function cohortsOption(data: Cohorts): EChartsCoreOption {
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: data.weeks.map((w) => w.week) },
    yAxis: [
      { type: 'value', name: 'children', minInterval: 1 },
      { type: 'value', name: 'days', splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: 'Admitted', data: data.weeks.map((w) => w.admitted) },
      { type: 'bar', name: 'Still in care', data: data.weeks.map((w) => w.inCare) },
      { type: 'line', name: 'Median days to discharge', yAxisIndex: 1, data: data.weeks.map((w) => w.medianDays) },
    ],
  };
}

export function flowOption(data: Flow): EChartsCoreOption {
  const { alertAtOrBelow, warnAtOrBelow } = data.thresholds;
  return {
    ...base,
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: data.days.map((d) => d.day) },
    yAxis: [
      { type: 'value', name: 'in care', minInterval: 1 },
      { type: 'value', name: 'per 100', splitLine: { show: false } },
    ],
    series: [
      { type: 'line', name: 'Children in care', showSymbol: false, data: data.days.map((d) => d.inCare) },
      {
        type: 'line',
        name: 'Discharges per 100 in care',
        yAxisIndex: 1,
        showSymbol: false,
        data: data.days.map((d) => d.dischargesPer100),
        markLine: {
          symbol: 'none',
          data: [
            // The two lines lie close together: one label above its line, the other below.
            {
              yAxis: alertAtOrBelow,
              name: `alert ≤ ${alertAtOrBelow}`,
              lineStyle: { color: '#991b1b', type: 'dashed' },
              label: { formatter: '{b}', position: 'insideStartBottom' },
            },
            {
              yAxis: warnAtOrBelow,
              name: `warn ≤ ${warnAtOrBelow}`,
              lineStyle: { color: '#854d0e', type: 'dotted' },
              label: { formatter: '{b}', position: 'insideEndTop' },
            },
          ],
        },
      },
    ],
  };
}

export interface ProviderRisk {
  careProviderId: string;
  open: number;
  atRisk: number;
  breached: number;
}

/** Open, at-risk and breached cases per care provider: most breached first, then most at risk. */
export function riskByProvider(data: Risk): ProviderRisk[] {
  const byProvider = new Map<string, ProviderRisk>();
  for (const row of data.rows) {
    const sum = byProvider.get(row.careProviderId) ?? { careProviderId: row.careProviderId, open: 0, atRisk: 0, breached: 0 };
    sum.open += row.open;
    sum.atRisk += row.atRisk;
    sum.breached += row.breached;
    byProvider.set(row.careProviderId, sum);
  }
  return [...byProvider.values()].sort(
    (a, b) => b.breached - a.breached || b.atRisk - a.atRisk || a.careProviderId.localeCompare(b.careProviderId),
  );
}

/** The flow's latest day with a signal: what ORR's old dashboard would show now. */
export function latestSignal(data: Flow): Flow['days'][number] | null {
  for (let i = data.days.length - 1; i >= 0; i--) {
    if (data.days[i]!.signal !== null) return data.days[i]!;
  }
  return null;
}
