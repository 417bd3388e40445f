import type { EChartsCoreOption } from 'echarts/core';
import type { z } from 'zod';

import type { Flow } from '../../../src/contracts/analytics';
import type { SimulationBodySchema, SimulationResponseSchema } from '../../../src/contracts/simulations';

/**
 * The outcomes page's what-if: a few levers a supervisor understands, made into a request for the
 * simulator (POST /simulations), and its answer read back as sentences. Pure.
 */

export type SimulationBody = z.input<typeof SimulationBodySchema>;
export type SimulationAnswer = z.infer<typeof SimulationResponseSchema>;

export interface WhatIfLevers {
  /** Days simulated from today. */
  days: number;
  arrivalsPerDay: number;
  inCareNow: number;
  caseManagers: number;
  fundedBeds: number;
  /** The what-if: Category 1 children stay this many days on average. */
  category1MeanDays: number;
  /** Stage durations fitted from this instance's own transitions, rather than the domain's timings. */
  fitFromDatabase: boolean;
}

/** Starting levers from the flow the page already shows: its mean admissions a day and the last day's children in care. */
export function leversFrom(flow: Flow | undefined): WhatIfLevers {
  const days = flow?.days ?? [];
  const admissions = days.reduce((sum, d) => sum + d.admissions, 0);
  const arrivalsPerDay = days.length > 0 ? Math.max(1, Math.round((admissions / days.length) * 10) / 10) : 10;
  const inCareNow = days.at(-1)?.inCare ?? 100;
  return {
    days: 90,
    arrivalsPerDay,
    inCareNow,
    caseManagers: Math.max(1, Math.ceil(inCareNow / 12)),
    fundedBeds: Math.max(10, Math.ceil(inCareNow * 1.2)),
    category1MeanDays: 7,
    fitFromDatabase: false,
  };
}

/** The request: today's program as the base, and Category 1 at the chosen mean stay as the what-if. */
export function simulationBody(levers: WhatIfLevers, today: string): SimulationBody {
  return {
    scenario: {
      label: 'As it runs',
      start: today,
      days: levers.days,
      initialInCare: levers.inCareNow,
      arrivals: { kind: 'rate', perDay: levers.arrivalsPerDay },
      caseManagers: levers.caseManagers,
      fundedBeds: levers.fundedBeds,
    },
    whatIf: {
      label: `Category 1 at ${levers.category1MeanDays} days`,
      changes: [{ change: 'mean_stay', category: '1', days: levers.category1MeanDays }],
    },
    runs: 3,
    fitFromDatabase: levers.fitFromDatabase,
  };
}

const round = (value: number | null, digits = 0): string => (value === null ? '—' : value.toFixed(digits));

/** "1,234 (1,100 to 1,300)": a mean and its 95% interval over the runs. */
export function interval(value: { mean: number | null; low: number | null; high: number | null }, digits = 0): string {
  if (value.mean === null) return '—';
  const format = (n: number | null) => (n === null ? '—' : Number(n.toFixed(digits)).toLocaleString('en-US'));
  return `${format(value.mean)} (${format(value.low)} to ${format(value.high)})`;
}

export interface WhatIfFinding {
  label: string;
  base: string;
  whatIf: string;
}

/** The answer as rows a person compares: the base against the what-if. */
export function findings(answer: SimulationAnswer): { bedsFreed: string; rows: WhatIfFinding[] } {
  const { base, whatIf, comparison } = answer;
  const pair = (label: string, pick: (o: SimulationAnswer['base']) => string): WhatIfFinding => ({
    label,
    base: pick(base),
    whatIf: whatIf ? pick(whatIf) : '—',
  });
  return {
    bedsFreed: comparison ? interval(comparison.bedsFreed.lastDays) : '—',
    rows: [
      pair('Category 1 mean days in care', (o) => interval(o.summary.category1.meanDays, 1)),
      pair('Category 1 released within 10 days', (o) =>
        o.summary.category1.releasedWithin10Days.mean === null ? '—' : `${round(o.summary.category1.releasedWithin10Days.mean * 100)}%`,
      ),
      pair('Children in care at the end', (o) => interval(o.summary.inCare.end)),
      pair('Days over funded beds', (o) => interval(o.summary.fundedBeds.daysOver)),
      pair('Supervisor alerts a day', (o) => interval(o.summary.alertsPerDay.supervisor, 1)),
    ],
  };
}

/** Children in care each day, as it runs and as changed: the means, each with its 95% band drawn faintly. */
export function inCareOption(answer: SimulationAnswer): EChartsCoreOption {
  const outcomes = [answer.base, ...(answer.whatIf ? [answer.whatIf] : [])];
  const colours = ['#1d4ed8', '#166534'];
  // An interval over a few runs can reach below zero; no count of children does.
  const lows = outcomes.map((o) => o.daily.inCare.low.map((v) => Math.max(0, v)));
  return {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: outcomes.map((o) => o.label) },
    grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: answer.dates },
    yAxis: { type: 'value', name: 'in care', min: 0 },
    series: outcomes.flatMap((o, i) => [
      { type: 'line', name: o.label, showSymbol: false, color: colours[i], data: o.daily.inCare.mean.map((v) => Math.round(v)) },
      // The band: the low edge, then the width above it stacked on it.
      {
        type: 'line',
        name: `${o.label} low`,
        stack: `band-${i}`,
        showSymbol: false,
        lineStyle: { opacity: 0 },
        data: lows[i],
        tooltip: { show: false },
      },
      {
        type: 'line',
        name: `${o.label} 95%`,
        stack: `band-${i}`,
        showSymbol: false,
        lineStyle: { opacity: 0 },
        areaStyle: { color: colours[i], opacity: 0.15 },
        data: o.daily.inCare.high.map((high, day) => Math.max(0, high - lows[i]![day]!)),
        tooltip: { show: false },
      },
    ]),
  };
}
