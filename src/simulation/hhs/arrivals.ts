import type { HhsSeries } from './series';
import { addDays, daysBetween, inRepeatedBlock } from './series';

/**
 * Daily admissions to HHS care for the simulator, with where each day's figure comes from.
 *
 * - `transfers`: the day's reported `transferred_to_hhs`.
 * - `transfers_interpolated`: a day with no row (Fridays, Saturdays, some holidays): a straight line
 *   between the transfers of the reported days around it.
 * - `derived`: inside a block where transfers repeat earlier values (or when asked), on a reported
 *   day that follows a reported day: the change in children in care plus that day's discharges.
 * - `derived_gap`: the same over a run of missing days: the change in care from the last reported
 *   day to the next plus the discharges in between (reported on the last day, a straight line on the
 *   missing ones), spread evenly over the days.
 *
 * A derived figure below zero (care fell by more than the discharges explain) is set to zero and
 * counted in `clampedChildren`.
 */

export type ArrivalSource = 'auto' | 'transfers' | 'derived';
export type Provenance = 'transfers' | 'transfers_interpolated' | 'derived' | 'derived_gap';

export interface DailyArrivals {
  dates: string[];
  perDay: number[];
  provenance: Provenance[];
  clampedChildren: number;
}

function derived(series: HhsSeries, date: string): { value: number; provenance: Provenance } {
  const { before, after } = series.around(date);
  const span = daysBetween(before.date, after.date);
  let discharges = 0;
  for (let k = 1; k <= span; k += 1) discharges += series.value(addDays(before.date, k), 'hhs_discharged');
  const total = after.hhs_in_care - before.hhs_in_care + discharges;
  return { value: total / span, provenance: span === 1 ? 'derived' : 'derived_gap' };
}

/** Admissions on each calendar day from `from` to `to`, both included. */
export function dailyArrivals(series: HhsSeries, from: string, to: string, source: ArrivalSource): DailyArrivals {
  const out: DailyArrivals = { dates: [], perDay: [], provenance: [], clampedChildren: 0 };
  for (let date = from; date <= to; date = addDays(date, 1)) {
    const useDerived = source === 'derived' || (source === 'auto' && inRepeatedBlock(date));
    let value: number;
    let provenance: Provenance;
    if (useDerived) ({ value, provenance } = derived(series, date));
    else if (series.get(date)) [value, provenance] = [series.get(date)!.transferred_to_hhs, 'transfers'];
    else [value, provenance] = [series.value(date, 'transferred_to_hhs'), 'transfers_interpolated'];
    if (value < 0) {
      out.clampedChildren += -value;
      value = 0;
    }
    out.dates.push(date);
    out.perDay.push(value);
    out.provenance.push(provenance);
  }
  return out;
}

/** How many days came from each source. */
export function provenanceCounts(arrivals: DailyArrivals): Record<Provenance, number> {
  const counts: Record<Provenance, number> = { transfers: 0, transfers_interpolated: 0, derived: 0, derived_gap: 0 };
  for (const p of arrivals.provenance) counts[p] += 1;
  return counts;
}
