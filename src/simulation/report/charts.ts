import * as echarts from 'echarts';

import type { SimulationResult } from '../engine/result';
import type { ValidationReport } from '../hhs/validation';

/**
 * Charts as SVG strings, drawn by ECharts' server-side renderer (no DOM, no browser): the same
 * option objects a web page could hand to ECharts in the browser.
 */

type Option = echarts.EChartsCoreOption;
type BandData = { mean: number[]; low: number[]; high: number[] };

const WIDTH = 960;
const HEIGHT = 440;
const BASE = '#1f5fa8';
const WHAT_IF = '#c8501e';
const BEDS = '#555555';
const OBSERVED = '#111111';

export function renderSvg(option: Option, width = WIDTH, height = HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif' }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** A mean line with its 95% band, as three line series (the band stacked from its low edge). */
function bandSeries(name: string, band: BandData, color: string, stack: string, bandName = `${name}: 95% interval`) {
  return [
    {
      name: `${name} (95% low)`,
      type: 'line',
      data: band.low,
      stack,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      silent: true,
      legendHoverLink: false,
    },
    {
      name: bandName,
      type: 'line',
      data: band.high.map((h, i) => h - band.low[i]!),
      stack,
      symbol: 'none',
      lineStyle: { opacity: 0 },
      areaStyle: { color, opacity: 0.18 },
      // The legend draws its mark in this colour: the shading's, not the palette's next one.
      itemStyle: { color, opacity: 0.35 },
      silent: true,
    },
    { name, type: 'line', data: band.mean, symbol: 'none', lineStyle: { color, width: 2 }, itemStyle: { color } },
  ];
}

const frame = (title: string, subtitle: string, dates: string[], yName: string) => ({
  title: { text: title, subtext: subtitle, left: 16, top: 8, textStyle: { fontSize: 16 }, subtextStyle: { fontSize: 12, color: '#444' } },
  xAxis: { type: 'category', data: dates, boundaryGap: false, axisLabel: { hideOverlap: true } },
  yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 52, scale: true },
});

/**
 * The legend in rows of our own at the bottom, one legend component a row: ECharts' server-side
 * renderer measures text narrower than browsers and rsvg draw it, so its own wrapping overflows.
 */
function legendRows(names: string[]): string[][] {
  const rows: string[][] = [[]];
  let used = 0;
  for (const name of names) {
    const width = name.length * 7.5 + 64;
    if (used + width > WIDTH - 48 && rows.at(-1)!.length > 0) {
      rows.push([]);
      used = 0;
    }
    rows.at(-1)!.push(name);
    used += width;
  }
  return rows;
}

/** The legend at the bottom, and the room the plot leaves it. */
const legend = (names: string[]) => {
  const rows = legendRows(names);
  const mark = (name: string) => (/(95% interval|±10%)$/.test(name) ? { name, icon: 'rect' } : name);
  return {
    legend: rows.map((row, i) => ({ data: row.map(mark), bottom: 8 + 26 * (rows.length - 1 - i), itemGap: 28 })),
    grid: { left: 72, right: 32, top: 84, bottom: 48 + 26 * rows.length },
  };
};

/** Children in care each day against funded beds, base and what-if. */
export function inCareChart(result: SimulationResult): string {
  const { base, whatIf } = result;
  const series: unknown[] = [...bandSeries(base.label, base.daily.inCare, BASE, 'base')];
  if (whatIf) series.push(...bandSeries(whatIf.label, whatIf.daily.inCare, WHAT_IF, 'whatIf'));
  series.push({
    name: `Funded beds (${base.fundedBeds.toLocaleString('en-US')})`,
    type: 'line',
    data: result.dates.map(() => base.fundedBeds),
    symbol: 'none',
    lineStyle: { color: BEDS, type: 'dashed', width: 1.5 },
    itemStyle: { color: BEDS },
  });
  const names = [base.label, ...(whatIf ? [whatIf.label] : []), `Funded beds (${base.fundedBeds.toLocaleString('en-US')})`];
  const freed = result.comparison?.bedsFreed.lastDays;
  const subtitle = freed
    ? `Mean of ${result.runs} seeded runs, shaded: 95% interval. Beds freed over the last 30 days: ${freed.mean} (${freed.low ?? '-'} to ${freed.high ?? '-'}).`
    : `Mean of ${result.runs} seeded runs, shaded: 95% interval.`;
  return renderSvg({ ...frame('Children in care', subtitle, result.dates, 'children in care'), ...legend(names), series });
}

/** Alerts fired each day, by the level they reach. */
export function alertsChart(result: SimulationResult): string {
  const series: unknown[] = [];
  const names: string[] = [];
  const add = (label: string, data: number[], color: string, dashed: boolean) => {
    names.push(label);
    series.push({
      name: label,
      type: 'line',
      data,
      symbol: 'none',
      lineStyle: { color, type: dashed ? 'dashed' : 'solid', width: 2 },
      itemStyle: { color },
    });
  };
  for (const [outcome, color] of [
    [result.base, BASE],
    [result.whatIf, WHAT_IF],
  ] as const) {
    if (!outcome) continue;
    add(`${outcome.label}: to supervisors`, outcome.daily.alertsSupervisor.mean, color, false);
    add(`${outcome.label}: to the program lead`, outcome.daily.alertsProgramLead.mean, color, true);
  }
  return renderSvg({
    ...frame(
      'Alerts a day, by level',
      'From the deadline schedule the case workflows run; no acknowledgements. Mean of seeded runs.',
      result.dates,
      'alerts a day',
    ),
    ...legend(names),
    series,
  });
}

/** Mean, median and 90th percentile of days in care, by planned sponsor category. */
export function lengthOfCareChart(result: SimulationResult): string {
  const keys = ['1', '2A', '2B', '3', '4', 'all'] as const;
  const series: unknown[] = [];
  const names: string[] = [];
  for (const [outcome, color] of [
    [result.base, BASE],
    [result.whatIf, WHAT_IF],
  ] as const) {
    if (!outcome) continue;
    for (const [stat, opacity] of [
      ['mean', 1],
      ['median', 0.65],
      ['p90', 0.35],
    ] as const) {
      const name = `${outcome.label}: ${stat}`;
      names.push(name);
      series.push({
        name,
        type: 'bar',
        data: keys.map((k) => outcome.summary.lengthOfCare[k][stat].mean ?? 0),
        itemStyle: { color, opacity },
      });
    }
  }
  return renderSvg({
    title: {
      text: 'Length of care by sponsor category (days)',
      subtext: 'Children discharged in the period; 4: no viable sponsor at first',
      left: 16,
      top: 8,
    },
    xAxis: { type: 'category', data: keys.map((k) => (k === 'all' ? 'All' : `Category ${k}`)) },
    yAxis: { type: 'value', name: 'days', nameLocation: 'middle', nameGap: 48 },
    ...legend(names),
    series,
  });
}

/** Open cases per case manager each day. */
export function caseloadChart(result: SimulationResult): string {
  const series: unknown[] = [...bandSeries(result.base.label, result.base.daily.caseloadPerCaseManager, BASE, 'base')];
  if (result.whatIf) series.push(...bandSeries(result.whatIf.label, result.whatIf.daily.caseloadPerCaseManager, WHAT_IF, 'whatIf'));
  const names = [result.base.label, ...(result.whatIf ? [result.whatIf.label] : [])];
  const sub = `${result.base.caseManagers} case managers; open cases (in care or awaiting the follow-up call) each.`;
  return renderSvg({ ...frame('Open caseload per case manager', sub, result.dates, 'cases each'), ...legend(names), series });
}

/** Observed children in care (HHS) against the simulation, with ±10% around the observed. */
export function validationChart(report: ValidationReport, title: string): string {
  const dates = report.days.map((d) => d.date);
  const sim = { mean: report.days.map((d) => d.simulated), low: report.days.map((d) => d.low), high: report.days.map((d) => d.high) };
  const tolerance = {
    mean: report.days.map((d) => d.observed),
    low: report.days.map((d) => d.observed * 0.9),
    high: report.days.map((d) => d.observed * 1.1),
  };
  const series = [
    ...bandSeries('Observed', tolerance, '#888888', 'tolerance', 'Observed ±10%').slice(0, 2),
    {
      name: 'Observed (HHS)',
      type: 'line',
      data: tolerance.mean,
      symbol: 'circle',
      symbolSize: 5,
      lineStyle: { color: OBSERVED, width: 1 },
      itemStyle: { color: OBSERVED },
    },
    ...bandSeries('Simulated', sim, BASE, 'sim'),
  ];
  const sub = `${Math.round(report.within10Share * 100)}% of ${report.days.length} reported days within 10%; mean |error| ${(report.meanAbsError * 100).toFixed(1)}%, worst ${(report.maxAbsError * 100).toFixed(1)}%.`;
  return renderSvg({
    ...frame(title, sub, dates, 'children in care'),
    ...legend(['Observed (HHS)', 'Observed ±10%', 'Simulated', 'Simulated: 95% interval']),
    series,
  });
}
