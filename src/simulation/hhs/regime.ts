import type { ArrivalSource } from './arrivals';
import { dailyArrivals } from './arrivals';
import type { HhsSeries } from './series';
import { HhsDataError } from './series';
import { littlesLawStay, monthEnd } from './stays';

/**
 * A month of the real program as a steady regime for what-if runs: its admissions a day and its
 * length of care (balanced estimate, the one the validation reproduces best), and the children in
 * care at that pace (admissions a day × stay), which starts a run already at its steady level.
 */
export interface Regime {
  month: string;
  arrivalsPerDay: number;
  meanStayDays: number;
  steadyInCare: number;
  observedMeanInCare: number;
}

export function monthRegime(series: HhsSeries, month: string, source: ArrivalSource = 'auto'): Regime {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new HhsDataError(`A regime is a month, YYYY-MM; got ${month}`);
  const first = `${month}-01`;
  const last = monthEnd(month);
  const rows = series.reportedIn(first, last);
  if (rows.length < 2) throw new HhsDataError(`Fewer than two reported days in ${month}`);
  const arrivals = dailyArrivals(series, first, last, source).perDay;
  const arrivalsPerDay = arrivals.reduce((a, b) => a + b, 0) / arrivals.length;
  const meanStayDays = littlesLawStay(series, first, last, 'balanced', source);
  return {
    month,
    arrivalsPerDay,
    meanStayDays,
    steadyInCare: Math.round(arrivalsPerDay * meanStayDays),
    observedMeanInCare: rows.reduce((a, r) => a + r.hhs_in_care, 0) / rows.length,
  };
}
