import type { CategoryGroup, CategoryOne, Cohorts, DaysStats, Flow, LengthOfStay, Risk, StageDays } from '../contracts/analytics';
import { CATEGORY_GROUPS, CategoryGroupSchema, ExitSchema } from '../contracts/analytics';
import type { CaseStatus } from '../contracts/case-status';
import { CaseStatusSchema } from '../contracts/case-status';
import type { PrismaClient } from './generated/client';
import { Prisma } from './generated/client';

/**
 * The outcome figures, each one SQL statement over the read model's cases and transitions. What
 * each figure means, and why, is in docs/outcomes.md; the tests check them against hand-computed
 * fixtures (tests/db/analytics.test.ts).
 */

/** A period as instants: [from, to) in UTC, and the instant open cases are measured at. */
export interface AnalyticsQuery {
  from: Date;
  to: Date;
  asOf: Date;
  category?: CategoryGroup;
  careProviderId?: string;
  policyProfile?: string;
}

export interface Analytics {
  lengthOfStay(q: AnalyticsQuery): Promise<Omit<LengthOfStay, 'period'>>;
  categoryOne(q: AnalyticsQuery): Promise<Omit<CategoryOne, 'period'>>;
  stageDays(q: AnalyticsQuery): Promise<Omit<StageDays, 'period'>>;
  cohorts(q: AnalyticsQuery): Promise<Omit<Cohorts, 'period'>>;
  flow(q: AnalyticsQuery): Promise<Omit<Flow, 'period'>>;
  risk(q: Omit<AnalyticsQuery, 'from' | 'to'>): Promise<Risk>;
}

const DISCHARGE_EVENTS = Prisma.sql`('RELEASE_CHILD', 'AGE_OUT', 'DEPART')`;
const EXIT_OF_EVENT = Prisma.sql`CASE t.event WHEN 'RELEASE_CHILD' THEN 'released' WHEN 'AGE_OUT' THEN 'aged_out' ELSE 'departed' END`;
/** Stages in which the child is in care: after release only the follow-up call remains. */
const CARE_STAGES = CaseStatusSchema.options.filter((s) => s !== 'released' && s !== 'closed');
const DAYS = (interval: Prisma.Sql) => Prisma.sql`(EXTRACT(EPOCH FROM ${interval}) / 86400.0)::float8`;

/** The filters on the case itself: its sponsor category and policy profile. */
function caseWhere(q: AnalyticsQuery | Omit<AnalyticsQuery, 'from' | 'to'>): Prisma.Sql {
  const parts = [Prisma.sql`TRUE`];
  if (q.category) parts.push(Prisma.sql`COALESCE(c.sponsor_category, 'none') = ${q.category}`);
  if (q.policyProfile) parts.push(Prisma.sql`c.policy_profile = ${q.policyProfile}`);
  return Prisma.join(parts, ' AND ');
}

/** The care-provider filter on an expression naming the provider that holds the child. */
const providerIs = (q: { careProviderId?: string }, provider: Prisma.Sql): Prisma.Sql =>
  q.careProviderId ? Prisma.sql`${provider} = ${q.careProviderId}` : Prisma.sql`TRUE`;

const round2 = (x: number | null): number | null => (x === null ? null : Math.round(x * 100) / 100);
const stats = (r: { children: number; mean: number | null; median: number | null; p90: number | null }): DaysStats => ({
  children: r.children,
  meanDays: round2(r.mean),
  medianDays: round2(r.median),
  p90Days: round2(r.p90),
});

export function sqlAnalytics(prisma: PrismaClient): Analytics {
  return {
    lengthOfStay: (q) => lengthOfStay(prisma, q),
    categoryOne: (q) => categoryOne(prisma, q),
    stageDays: (q) => stageDays(prisma, q),
    cohorts: (q) => cohorts(prisma, q),
    flow: (q) => flow(prisma, q),
    risk: (q) => risk(prisma, q),
  };
}

/** Children discharged in the period (their first release, age-out or departure), with days from admission. */
function dischargedInPeriod(q: AnalyticsQuery): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id, COALESCE(c.sponsor_category, 'none') AS category, x.exit, ${DAYS(Prisma.sql`x.at - c.admitted_at`)} AS days
    FROM (SELECT DISTINCT ON (t.case_id) t.case_id, t.occurred_at AS at, t.care_provider_id AS provider, ${EXIT_OF_EVENT} AS exit
          FROM case_transitions t
          WHERE t.event IN ${DISCHARGE_EVENTS} AND t.occurred_at >= ${q.from} AND t.occurred_at < ${q.to}
          ORDER BY t.case_id, t.seq) x
    JOIN cases c ON c.id = x.case_id
    WHERE ${caseWhere(q)} AND ${providerIs(q, Prisma.sql`x.provider`)}`;
}

type StatsRow = { children: number; mean: number | null; median: number | null; p90: number | null };

async function lengthOfStay(prisma: PrismaClient, q: AnalyticsQuery): Promise<Omit<LengthOfStay, 'period'>> {
  const rows = await prisma.$queryRaw<(StatsRow & { by: 'all' | 'category' | 'exit'; category: string | null; exit: string | null })[]>`
    WITH d AS (${dischargedInPeriod(q)})
    SELECT CASE GROUPING(category, exit) WHEN 3 THEN 'all' WHEN 1 THEN 'category' ELSE 'exit' END AS by,
           category, exit, count(*)::int AS children, avg(days)::float8 AS mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) AS p90
    FROM d GROUP BY GROUPING SETS ((), (category), (exit))`;
  const all = rows.find((r) => r.by === 'all');
  return {
    all: all ? stats(all) : { children: 0, meanDays: null, medianDays: null, p90Days: null },
    byCategory: rows
      .filter((r) => r.by === 'category')
      .map((r) => ({ category: CategoryGroupSchema.parse(r.category), ...stats(r) }))
      .sort((a, b) => CATEGORY_GROUPS.indexOf(a.category) - CATEGORY_GROUPS.indexOf(b.category)),
    byExit: rows
      .filter((r) => r.by === 'exit')
      .map((r) => ({ exit: ExitSchema.parse(r.exit), ...stats(r) }))
      .sort((a, b) => ExitSchema.options.indexOf(a.exit) - ExitSchema.options.indexOf(b.exit)),
  };
}

const TARGET_DAYS = 10;
const AVERAGE_TARGET_DAYS = 7;

async function categoryOne(prisma: PrismaClient, q: AnalyticsQuery): Promise<Omit<CategoryOne, 'period'>> {
  const one = { ...q, category: q.category ?? '1' };
  // Another category filtered on leaves no Category 1 child to count.
  const none = q.category !== undefined && q.category !== '1';
  const [released] = await prisma.$queryRaw<{ children: number; within: number; mean: number | null }[]>`
    WITH d AS (${dischargedInPeriod(one)})
    SELECT count(*)::int AS children, count(*) FILTER (WHERE days <= ${TARGET_DAYS})::int AS within, avg(days)::float8 AS mean
    FROM d WHERE exit = 'released' AND NOT ${none}`;
  const [open] = await prisma.$queryRaw<{ children: number; within: number; mean: number | null }[]>`
    WITH o AS (
      SELECT ${DAYS(Prisma.sql`${q.asOf}::timestamptz - c.admitted_at`)} AS days
      FROM cases c
      WHERE c.sponsor_category = '1' AND NOT ${none} AND ${caseWhere({ ...q, category: undefined })}
        AND c.admitted_at <= ${q.asOf} AND (c.discharged_at IS NULL OR c.discharged_at > ${q.asOf})
        AND ${providerIs(q, Prisma.sql`care_provider_at(c.id, ${q.asOf}::timestamptz)`)})
    SELECT count(*)::int AS children, count(*) FILTER (WHERE days <= ${TARGET_DAYS})::int AS within, avg(days)::float8 AS mean FROM o`;
  const share = (r: { children: number; within: number } | undefined) => (r && r.children > 0 ? round2(r.within / r.children) : null);
  const mean = round2(released?.mean ?? null);
  return {
    targetDays: TARGET_DAYS,
    averageTargetDays: AVERAGE_TARGET_DAYS,
    released: {
      children: released?.children ?? 0,
      withinTarget: released?.within ?? 0,
      shareWithinTarget: share(released),
      meanDays: mean,
      meanMinusAverageTarget: mean === null ? null : round2(mean - AVERAGE_TARGET_DAYS),
    },
    open: {
      children: open?.children ?? 0,
      withinTarget: open?.within ?? 0,
      shareWithinTarget: share(open),
      meanDaysSoFar: round2(open?.mean ?? null),
    },
  };
}

/**
 * Stage visits: each change of status starts a visit of the new stage (the opening counts from
 * admission), which ends at the next change; a transfer keeps the stage and so the visit. A visit
 * belongs to the care provider holding the child when it ended (or at asOf, while it runs).
 */
async function stageDays(prisma: PrismaClient, q: AnalyticsQuery): Promise<Omit<StageDays, 'period'>> {
  const rows = await prisma.$queryRaw<
    {
      stage: CaseStatus;
      category: CategoryGroup;
      visits: number;
      mean: number | null;
      median: number | null;
      in_progress: number;
      mean_so_far: number | null;
    }[]
  >`
    WITH t AS (
      SELECT t.case_id, t.seq, t.from_status, t.to_status, COALESCE(c.sponsor_category, 'none') AS category,
             CASE WHEN t.seq = 0 THEN c.admitted_at ELSE t.occurred_at END AS at,
             lag(t.care_provider_id) OVER (PARTITION BY t.case_id ORDER BY t.seq) AS provider_before
      FROM case_transitions t JOIN cases c ON c.id = t.case_id
      WHERE ${caseWhere(q)}
    ), v AS (
      SELECT case_id, to_status AS stage, category, at AS entered,
             lead(at) OVER w AS left_at, lead(provider_before) OVER w AS provider_at_end
      FROM t WHERE from_status IS DISTINCT FROM to_status
      WINDOW w AS (PARTITION BY case_id ORDER BY seq)
    ), m AS (
      SELECT stage, category,
             left_at >= ${q.from} AND left_at < ${q.to} AND ${providerIs(q, Prisma.sql`provider_at_end`)} AS completed,
             entered <= ${q.asOf} AND (left_at IS NULL OR left_at > ${q.asOf})
               AND ${providerIs(q, Prisma.sql`care_provider_at(case_id, ${q.asOf}::timestamptz)`)} AS running,
             ${DAYS(Prisma.sql`left_at - entered`)} AS days,
             ${DAYS(Prisma.sql`${q.asOf}::timestamptz - entered`)} AS days_so_far
      FROM v WHERE stage IN (${Prisma.join(CARE_STAGES)})
    )
    SELECT stage, category,
           count(*) FILTER (WHERE completed)::int AS visits,
           (avg(days) FILTER (WHERE completed))::float8 AS mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE completed) AS median,
           count(*) FILTER (WHERE running)::int AS in_progress,
           (avg(days_so_far) FILTER (WHERE running))::float8 AS mean_so_far
    FROM m WHERE completed OR running
    GROUP BY stage, category`;
  const order = (r: { stage: CaseStatus; category: CategoryGroup }) =>
    CaseStatusSchema.options.indexOf(r.stage) * 10 + CATEGORY_GROUPS.indexOf(r.category);
  return {
    stages: rows
      .map((r) => ({
        stage: r.stage,
        category: r.category,
        visits: r.visits,
        meanDays: round2(r.mean),
        medianDays: round2(r.median),
        inProgress: r.in_progress,
        meanDaysSoFar: round2(r.mean_so_far),
      }))
      .sort((a, b) => order(a) - order(b)),
  };
}

async function cohorts(prisma: PrismaClient, q: AnalyticsQuery): Promise<Omit<Cohorts, 'period'>> {
  const rows = await prisma.$queryRaw<(StatsRow & { week: Date; admitted: number; discharged: number })[]>`
    WITH a AS (
      SELECT date_trunc('week', c.admitted_at AT TIME ZONE 'UTC')::date AS week,
             c.discharged_at IS NOT NULL AND c.discharged_at <= ${q.asOf} AS discharged,
             ${DAYS(Prisma.sql`c.discharged_at - c.admitted_at`)} AS days
      FROM cases c
      WHERE c.admitted_at >= ${q.from} AND c.admitted_at < ${q.to} AND ${caseWhere(q)}
        AND ${providerIs(q, Prisma.sql`care_provider_at(c.id, LEAST(COALESCE(c.discharged_at, ${q.asOf}::timestamptz), ${q.asOf}::timestamptz))`)}
    )
    SELECT week, count(*)::int AS admitted, count(*) FILTER (WHERE discharged)::int AS discharged,
           (avg(days) FILTER (WHERE discharged))::float8 AS mean,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY days) FILTER (WHERE discharged) AS median,
           percentile_cont(0.9) WITHIN GROUP (ORDER BY days) FILTER (WHERE discharged) AS p90,
           0 AS children
    FROM a GROUP BY week ORDER BY week`;
  return {
    weeks: rows.map((r) => {
      const { meanDays, medianDays, p90Days } = stats(r);
      return {
        week: r.week.toISOString().slice(0, 10),
        admitted: r.admitted,
        discharged: r.discharged,
        inCare: r.admitted - r.discharged,
        meanDays,
        medianDays,
        p90Days,
      };
    }),
  };
}

export const FLOW_THRESHOLDS = { alertAtOrBelow: 2, warnAtOrBelow: 2.4 } as const;

/**
 * Children in care per day, from the moves into and out of the selection: admissions and
 * discharges, and with a care provider, transfers in and out. The census at each day's end is the
 * moves before the period plus those up to that day.
 */
async function flow(prisma: PrismaClient, q: AnalyticsQuery): Promise<Omit<Flow, 'period'>> {
  const matches = (provider: Prisma.Sql) => providerIs(q, provider);
  const rows = await prisma.$queryRaw<
    { day: Date; admissions: number; discharges: number; transfers_in: number; transfers_out: number; in_care: number }[]
  >`
    WITH t AS (
      SELECT t.seq, t.event, t.occurred_at, c.admitted_at, t.care_provider_id AS provider,
             lag(t.care_provider_id) OVER (PARTITION BY t.case_id ORDER BY t.seq) AS prev_provider
      FROM case_transitions t JOIN cases c ON c.id = t.case_id
      WHERE ${caseWhere(q)}
    ), moves AS (
      SELECT (admitted_at AT TIME ZONE 'UTC')::date AS day, 'admission' AS kind, 1 AS delta FROM t WHERE seq = 0 AND ${matches(Prisma.sql`provider`)}
      UNION ALL
      SELECT (occurred_at AT TIME ZONE 'UTC')::date, 'discharge', -1 FROM t WHERE event IN ${DISCHARGE_EVENTS} AND ${matches(Prisma.sql`provider`)}
      UNION ALL
      SELECT (occurred_at AT TIME ZONE 'UTC')::date, 'transfer_in', 1 FROM t
        WHERE event = 'TRANSFER_CARE_PROVIDER' AND ${matches(Prisma.sql`provider`)} AND NOT ${matches(Prisma.sql`prev_provider`)}
      UNION ALL
      SELECT (occurred_at AT TIME ZONE 'UTC')::date, 'transfer_out', -1 FROM t
        WHERE event = 'TRANSFER_CARE_PROVIDER' AND ${matches(Prisma.sql`prev_provider`)} AND NOT ${matches(Prisma.sql`provider`)}
    ), before AS (
      SELECT COALESCE(sum(delta), 0)::int AS census FROM moves WHERE day < (${q.from}::timestamptz AT TIME ZONE 'UTC')::date
    ), per_day AS (
      SELECT day, count(*) FILTER (WHERE kind = 'admission')::int AS admissions, count(*) FILTER (WHERE kind = 'discharge')::int AS discharges,
             count(*) FILTER (WHERE kind = 'transfer_in')::int AS transfers_in, count(*) FILTER (WHERE kind = 'transfer_out')::int AS transfers_out,
             sum(delta)::int AS net
      FROM moves GROUP BY day
    ), series AS (
      SELECT generate_series((${q.from}::timestamptz AT TIME ZONE 'UTC')::date, (${q.to}::timestamptz AT TIME ZONE 'UTC')::date - 1, interval '1 day')::date AS day
    )
    SELECT s.day, COALESCE(p.admissions, 0) AS admissions, COALESCE(p.discharges, 0) AS discharges,
           COALESCE(p.transfers_in, 0) AS transfers_in, COALESCE(p.transfers_out, 0) AS transfers_out,
           ((SELECT census FROM before) + sum(COALESCE(p.net, 0)) OVER (ORDER BY s.day))::int AS in_care
    FROM series s LEFT JOIN per_day p ON p.day = s.day ORDER BY s.day`;
  return {
    thresholds: FLOW_THRESHOLDS,
    days: rows.map((r) => {
      // In care as the day began: the day's end, less what came in, plus what went out.
      const atStart = r.in_care - r.admissions - r.transfers_in + r.discharges + r.transfers_out;
      const rate = atStart > 0 ? round2((100 * r.discharges) / atStart) : null;
      return {
        day: r.day.toISOString().slice(0, 10),
        inCare: r.in_care,
        admissions: r.admissions,
        discharges: r.discharges,
        transfersIn: r.transfers_in,
        transfersOut: r.transfers_out,
        dischargesPer100: rate,
        signal:
          rate === null ? null : rate <= FLOW_THRESHOLDS.alertAtOrBelow ? 'alert' : rate <= FLOW_THRESHOLDS.warnAtOrBelow ? 'warn' : 'ok',
      };
    }),
  };
}

/** Open cases by stage and provider, at risk (a warning has fallen due) and breached (a deadline missed), at asOf. */
async function risk(prisma: PrismaClient, q: Omit<AnalyticsQuery, 'from' | 'to'>): Promise<Risk> {
  const rows = await prisma.$queryRaw<{ stage: CaseStatus; provider: string; open: number; at_risk: number; breached: number }[]>`
    SELECT c.status AS stage, c.care_provider_id AS provider, count(*)::int AS open,
           count(*) FILTER (WHERE c.next_deadline_at > ${q.asOf} AND c.at_risk_at <= ${q.asOf})::int AS at_risk,
           count(*) FILTER (WHERE c.next_deadline_at <= ${q.asOf})::int AS breached
    FROM cases c
    WHERE c.status <> 'closed' AND ${caseWhere(q)} AND ${providerIs(q, Prisma.sql`c.care_provider_id`)}
    GROUP BY c.status, c.care_provider_id`;
  const sorted = rows
    .map((r) => ({ stage: r.stage, careProviderId: r.provider, open: r.open, atRisk: r.at_risk, breached: r.breached }))
    .sort(
      (a, b) =>
        CaseStatusSchema.options.indexOf(a.stage) - CaseStatusSchema.options.indexOf(b.stage) ||
        a.careProviderId.localeCompare(b.careProviderId),
    );
  const total = (key: 'open' | 'atRisk' | 'breached') => sorted.reduce((sum, r) => sum + r[key], 0);
  return {
    asOf: q.asOf.toISOString(),
    rows: sorted,
    totals: { open: total('open'), atRisk: total('atRisk'), breached: total('breached') },
  };
}
