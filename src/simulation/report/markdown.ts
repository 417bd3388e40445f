import type { Outcome, SimulationResult } from '../engine/result';
import type { ValidationReport } from '../hhs/validation';

/** Markdown summaries of a simulation and of a validation, for people and for the README. */

type Interval = { mean: number | null; low: number | null; high: number | null };

const num = (v: number | null, digits = 1): string =>
  v === null ? 'n/a' : v.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: digits });

/** "12.3 (11.8 to 12.9)": the mean and its 95% interval over runs. */
export function fmt(i: Interval, digits = 1, unit = ''): string {
  if (i.mean === null) return 'n/a';
  const range = i.low === null || i.high === null ? '' : ` (${num(i.low, digits)} to ${num(i.high, digits)})`;
  return `${num(i.mean, digits)}${unit}${range}`;
}

const pct = (i: Interval): string =>
  fmt(
    { mean: i.mean === null ? null : i.mean * 100, low: i.low === null ? null : i.low * 100, high: i.high === null ? null : i.high * 100 },
    1,
    '%',
  );

function outcomeRows(o: Outcome): string[][] {
  const s = o.summary;
  return [
    ['Children in care, mean', fmt(s.inCare.mean, 0)],
    ['Children in care, peak', fmt(s.inCare.peak, 0)],
    ['Children in care, last day', fmt(s.inCare.end, 0)],
    [`Days over funded beds (${o.fundedBeds.toLocaleString('en-US')})`, fmt(s.fundedBeds.daysOver, 1)],
    ['Mean occupancy of funded beds', pct(s.fundedBeds.meanOccupancy)],
    ['Discharges a day per 100 in care', fmt(s.dischargesPer100InCare, 2)],
    ['Category 1 released within 10 days', pct(s.category1.releasedWithin10Days)],
    ['Category 1 mean days in care (target 7)', fmt(s.category1.meanDays, 1)],
    ['Alerts a day to supervisors', fmt(s.alertsPerDay.supervisor, 1)],
    ['Alerts a day to the program lead', fmt(s.alertsPerDay.programLead, 1)],
    [`Open cases per case manager (${o.caseManagers})`, fmt(s.caseloadPerCaseManager.mean, 1)],
  ];
}

const table = (header: string[], rows: string[][]): string =>
  [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

function staysTable(outcomes: Outcome[]): string {
  const keys = ['1', '2A', '2B', '3', '4', 'all'] as const;
  const rows = keys.map((k) => [
    k === 'all' ? 'all' : `Category ${k}`,
    ...outcomes.flatMap((o) => {
      const s = o.summary.lengthOfCare[k];
      return [fmt(s.discharged, 0), fmt(s.mean), fmt(s.median), fmt(s.p90)];
    }),
  ]);
  const header = ['category', ...outcomes.flatMap((o) => [`${o.label}: discharged`, 'mean', 'median', 'p90'])];
  return table(header, rows);
}

export function simulationMarkdown(result: SimulationResult): string {
  const outcomes = [result.base, ...(result.whatIf ? [result.whatIf] : [])];
  const rows = outcomeRows(result.base).map((row, i) => [...row, ...(result.whatIf ? [outcomeRows(result.whatIf)[i]![1]!] : [])]);
  const lines = [
    `# Simulation: ${result.base.label}${result.whatIf ? ` against ${result.whatIf.label}` : ''}`,
    '',
    `${result.days} days from ${result.start}; ${result.runs} seeded runs (seed ${result.seed})${result.sample < 1 ? `, ${Math.round(result.sample * 100)}% of children simulated and scaled up` : ''}. Figures: mean over runs (95% interval).`,
    '',
    table(['figure', result.base.label, ...(result.whatIf ? [result.whatIf.label] : [])], rows),
  ];
  if (result.comparison) {
    const c = result.comparison;
    lines.push(
      '',
      '## What the what-if changes',
      '',
      table(
        ['effect', 'mean (95% interval)'],
        [
          ['Beds freed, over the last 30 days', fmt(c.bedsFreed.lastDays, 0)],
          ['Beds freed, over the whole period', fmt(c.bedsFreed.mean, 0)],
          ['Beds freed, at most on a day', fmt(c.bedsFreed.peak, 0)],
          ['Category 1 mean days in care', fmt(c.category1MeanDaysChange, 2)],
          ['Alerts a day to supervisors', fmt(c.alertsPerDayChange.supervisor, 1)],
          ['Alerts a day to the program lead', fmt(c.alertsPerDayChange.programLead, 1)],
          ['Open cases per case manager', fmt(c.caseloadPerCaseManagerChange, 2)],
        ],
      ),
    );
  }
  lines.push('', '## Length of care (days), children discharged in the period', '', staysTable(outcomes));
  const cal = result.calibration;
  if (cal.lengthOfCare.length > 0) {
    lines.push(
      '',
      '## Calibration',
      '',
      ...cal.lengthOfCare.map(
        (s) => `- From ${s.from}: mean length of care ${num(s.meanDays)} days (in-care stages × ${num(s.factor, 3)}).`,
      ),
    );
    if (cal.achievedMeanDays !== null) lines.push(`- Calibration sample at the start: ${num(cal.achievedMeanDays, 2)} days.`);
  }
  for (const [category, days] of Object.entries(cal.categoryAchievedMeanDays)) {
    lines.push(
      `- What-if: Category ${category} stages × ${num(cal.categoryFactors[category as '1']!, 3)}, mean stay of its calibration sample ${num(days ?? null, 2)} days.`,
    );
  }
  lines.push('', '## Assumptions', '', ...result.assumptions.map((a) => `- ${a}`), '');
  lines.push(
    `Work: ${result.work.children.toLocaleString('en-US')} simulated children, ${result.work.machineEvents.toLocaleString('en-US')} statechart transitions, ${result.work.alertsFired.toLocaleString('en-US')} alerts fired by the deadline schedule.`,
    '',
  );
  return lines.join('\n');
}

export function validationMarkdown(reports: { title: string; report: ValidationReport }[]): string {
  const rows = reports.map(({ title, report: r }) => [
    title,
    `${r.setup.source}, stay ${r.setup.stay} per ${r.setup.granularity}`,
    r.lengthOfCare.map((s) => `${s.from}: ${num(s.meanDays)}`).join('; '),
    `${Math.round(r.within10Share * 100)}% of ${r.days.length}`,
    `${(r.meanAbsError * 100).toFixed(1)}%`,
    `${(r.maxAbsError * 100).toFixed(1)}%`,
  ]);
  return table(['period', 'arrivals, length of care', 'mean stay (days) from', 'days within 10%', 'mean |error|', 'worst'], rows);
}
