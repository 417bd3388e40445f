import type { Principal } from '../auth/tokens';
import type { AnalyticsFilter, CategoryOne, Cohorts, Flow, LengthOfStay, Risk, StageDays } from '../contracts/analytics';
import type { Analytics, AnalyticsQuery } from '../db/analytics';
import { listScope } from './access';
import { AppError } from './errors';

/** The outcome figures for a verified caller: a scoped caller sees only their care provider's. */
export interface AnalyticsService {
  lengthOfStay(principal: Principal, filter: AnalyticsRequest): Promise<LengthOfStay>;
  categoryOne(principal: Principal, filter: AnalyticsRequest): Promise<CategoryOne>;
  stageDays(principal: Principal, filter: AnalyticsRequest): Promise<StageDays>;
  cohorts(principal: Principal, filter: AnalyticsRequest): Promise<Cohorts>;
  flow(principal: Principal, filter: AnalyticsRequest): Promise<Flow>;
  risk(principal: Principal, filter: Omit<AnalyticsRequest, 'from' | 'to'>): Promise<Risk>;
  /** The length-of-stay report as CSV, for the monthly report a program office sends on. */
  lengthOfStayCsv(principal: Principal, filter: AnalyticsRequest): Promise<{ csv: string; filename: string }>;
}

/** The filters as a caller sends them: the period's days may be left out. */
export type AnalyticsRequest = Partial<Pick<AnalyticsFilter, 'from' | 'to'>> & Omit<AnalyticsFilter, 'from' | 'to'>;

const DAY_MS = 86_400_000;
/** The longest period one request may span: three years of days. */
const MAX_DAYS = 1_100;
const DEFAULT_DAYS = 90;

type Period = { from: string; to: string; asOf: string };

/** The period as days and as instants: [from 00:00Z, the day after `to` 00:00Z), measured at its end or now. */
export function resolvePeriod(
  request: Pick<AnalyticsRequest, 'from' | 'to'>,
  now: Date,
): { period: Period; query: Pick<AnalyticsQuery, 'from' | 'to' | 'asOf'> } {
  const to = request.to ?? now.toISOString().slice(0, 10);
  const from = request.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
  const start = new Date(`${from}T00:00:00Z`);
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS);
  if (start >= end) throw new AppError('invalid_request', `The period's first day (from=${from}) is after its last (to=${to}).`);
  if ((end.getTime() - start.getTime()) / DAY_MS > MAX_DAYS) {
    throw new AppError('invalid_request', `The period from ${from} to ${to} is longer than ${MAX_DAYS} days: ask for a shorter one.`);
  }
  const asOf = new Date(Math.min(end.getTime(), now.getTime()));
  return { period: { from, to, asOf: asOf.toISOString() }, query: { from: start, to: end, asOf } };
}

export function createAnalyticsService({
  analytics,
  now = () => new Date(),
}: {
  analytics: Analytics;
  now?: () => Date;
}): AnalyticsService {
  const scoped = (principal: Principal, request: AnalyticsRequest) => {
    const { period, query } = resolvePeriod(request, now());
    const careProviderId = listScope(principal, request.careProviderId, 'figures');
    return { period, query: { ...query, category: request.category, policyProfile: request.policyProfile, careProviderId } };
  };
  const figure =
    <T>(read: (q: AnalyticsQuery) => Promise<T>) =>
    async (principal: Principal, request: AnalyticsRequest): Promise<T & { period: Period }> => {
      const { period, query } = scoped(principal, request);
      return { period, ...(await read(query)) };
    };
  return {
    lengthOfStay: figure((q) => analytics.lengthOfStay(q)),
    categoryOne: figure((q) => analytics.categoryOne(q)),
    stageDays: figure((q) => analytics.stageDays(q)),
    cohorts: figure((q) => analytics.cohorts(q)),
    flow: figure((q) => analytics.flow(q)),
    risk: (principal, request) =>
      analytics.risk({ ...request, careProviderId: listScope(principal, request.careProviderId, 'figures'), asOf: now() }),
    async lengthOfStayCsv(principal, request) {
      const { period, query } = scoped(principal, request);
      const [los, one] = await Promise.all([analytics.lengthOfStay(query), analytics.categoryOne(query)]);
      return { csv: lengthOfStayCsv(period, los, one), filename: `length-of-stay_${period.from}_${period.to}.csv` };
    },
  };
}

const CSV_HEADER = [
  'from',
  'to',
  'dimension',
  'group',
  'children',
  'mean_days',
  'median_days',
  'p90_days',
  'within_10_days',
  'share_within_10_days',
];

/**
 * One row per figure: every discharge, by category, by exit, then Category 1 released and still
 * open (days so far). Every cell is a number, a date or one of our own words, so no cell can be
 * read as a spreadsheet formula.
 */
function lengthOfStayCsv(period: Period, los: Omit<LengthOfStay, 'period'>, one: Omit<CategoryOne, 'period'>): string {
  const cell = (v: string | number | null) => (v === null ? '' : String(v));
  const row = (
    dimension: string,
    group: string,
    s: { children: number; meanDays: number | null; medianDays?: number | null; p90Days?: number | null },
    within?: [number, number | null],
  ) =>
    [period.from, period.to, dimension, group, s.children, s.meanDays, s.medianDays ?? null, s.p90Days ?? null, ...(within ?? [null, null])]
      .map(cell)
      .join(',');
  return (
    [
      CSV_HEADER.join(','),
      row('all', 'all', los.all),
      ...los.byCategory.map((s) => row('category', s.category, s)),
      ...los.byExit.map((s) => row('exit', s.exit, s)),
      row('category_1_released', '1', one.released, [one.released.withinTarget, one.released.shareWithinTarget]),
      row('category_1_open_days_so_far', '1', { children: one.open.children, meanDays: one.open.meanDaysSoFar }, [
        one.open.withinTarget,
        one.open.shareWithinTarget,
      ]),
    ].join('\r\n') + '\r\n'
  );
}
