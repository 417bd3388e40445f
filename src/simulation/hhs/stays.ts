import type { ArrivalSource } from './arrivals';
import { dailyArrivals } from './arrivals';
import type { HhsSeries } from './series';
import { HhsDataError, addDays, daysBetween } from './series';

/**
 * The length of care of a span of the HHS series, by Little's law (mean children in care /
 * discharges a day):
 * - `reported`: discharges averaged over the reported days, as the data README computes it. Fridays
 *   and Saturdays are never reported, and in care falls most over those gaps, so this reads high.
 * - `balanced`: discharges a calendar day from the flow balance: the admissions fed to the
 *   simulator over the span minus the change in care, per day. (Where admissions are themselves
 *   derived from the balance, the two differ only by the discharges interpolated on missing days.)
 */
export type StayEstimate = 'reported' | 'balanced';
/** One mean stay for the whole window, or one per calendar month (each from the 1st). */
export type StayGranularity = 'period' | 'month';

export const nextMonth = (month: string): string => addDays(`${month}-28`, 7).slice(0, 7);
export const monthEnd = (month: string): string => addDays(`${nextMonth(month)}-01`, -1);

/** The mean stay over the reported days of [from, to], by the chosen estimate. */
export function littlesLawStay(series: HhsSeries, from: string, to: string, estimate: StayEstimate, source: ArrivalSource): number {
  const rows = series.reportedIn(from, to);
  const meanInCare = rows.reduce((a, r) => a + r.hhs_in_care, 0) / rows.length;
  let perDay = rows.reduce((a, r) => a + r.hhs_discharged, 0) / rows.length;
  if (estimate === 'balanced' && rows.length >= 2) {
    const [first, last] = [rows[0]!, rows.at(-1)!];
    const admitted = dailyArrivals(series, addDays(first.date, 1), last.date, source).perDay.reduce((a, b) => a + b, 0);
    perDay = (admitted - (last.hhs_in_care - first.hhs_in_care)) / daysBetween(first.date, last.date);
  }
  if (rows.length === 0 || !(perDay > 0)) throw new HhsDataError(`No discharges between ${from} and ${to}: no length of care`);
  return meanInCare / perDay;
}

export interface StaySegmentsOptions {
  /** The span the stays describe, and the simulation's first day (the first segment starts there). */
  from: string;
  to: string;
  start: string;
  estimate: StayEstimate;
  granularity: StayGranularity;
  source: ArrivalSource;
}

/** The scenario's `lengthOfCare`: one segment for the span, or one per month measured over the whole month. */
export function staySegments(series: HhsSeries, o: StaySegmentsOptions): { from: string; meanDays: number }[] {
  const stay = (from: string, to: string) => littlesLawStay(series, from, to, o.estimate, o.source);
  if (o.granularity === 'period') return [{ from: o.start, meanDays: stay(o.from, o.to) }];
  const segments: { from: string; meanDays: number }[] = [];
  for (let month = o.from.slice(0, 7); month <= o.to.slice(0, 7); month = nextMonth(month)) {
    const first = `${month}-01`;
    segments.push({ from: first < o.start ? o.start : first, meanDays: stay(first, monthEnd(month)) });
  }
  return segments;
}
