/** Small statistics for the summaries: means, quantiles, and 95% intervals over seeded runs. */

export interface Interval {
  mean: number;
  /** The 95% interval over runs (Student's t); null with a single run. */
  low: number | null;
  high: number | null;
}

/** Student's t, two-sided 95%, for 1 to 30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let total = 0;
  for (const v of values) total += v;
  return total / values.length;
}

/** The q-quantile of values sorted ascending (linear interpolation between order statistics). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lower = Math.floor(pos);
  const upper = Math.min(sorted.length - 1, lower + 1);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (pos - lower);
}

/** Mean and 95% interval of one figure measured once per run; NaN runs (no data) are left out. */
export function interval(perRun: readonly number[]): Interval {
  const values = perRun.filter((v) => Number.isFinite(v));
  const m = mean(values);
  if (values.length < 2) return { mean: m, low: null, high: null };
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  const half = (T975[Math.min(values.length - 1, T975.length) - 1]! * Math.sqrt(ss / (values.length - 1))) / Math.sqrt(values.length);
  return { mean: m, low: m - half, high: m + half };
}

export interface Band {
  mean: number[];
  low: number[];
  high: number[];
}

/** A daily series measured once per run: per day, the mean and 95% interval over runs. */
export function band(perRun: readonly (readonly number[])[]): Band {
  const days = perRun[0]?.length ?? 0;
  const out: Band = { mean: [], low: [], high: [] };
  for (let d = 0; d < days; d += 1) {
    const i = interval(perRun.map((series) => series[d]!));
    out.mean.push(i.mean);
    out.low.push(i.low ?? i.mean);
    out.high.push(i.high ?? i.mean);
  }
  return out;
}

/** Rounds for output: figures that read as counts or days do not need 15 digits. */
export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};
