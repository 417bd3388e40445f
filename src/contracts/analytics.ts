import { z } from 'zod';

import { CaseStatusSchema } from './case-status';

/**
 * The outcome figures the API serves (GET /analytics/..., GET /reports/length-of-stay.csv): how long
 * children stay, where the days go, and how the flow of children runs. Each figure's definition is
 * in docs/outcomes.md. Days are elapsed time in days (24 h), to two decimals.
 */

/** Sponsor categories in ORR's order of preference, then `none`: no sponsor when measured (Category 4, or between sponsors). */
export const CATEGORY_GROUPS = ['1', '2A', '2B', '3', 'none'] as const;
// zod keeps an enum's values as object keys, which puts '1' and '3' first: order by CATEGORY_GROUPS.
export const CategoryGroupSchema = z.enum(CATEGORY_GROUPS);
export type CategoryGroup = z.infer<typeof CategoryGroupSchema>;

/** How a child left ORR care. */
export const ExitSchema = z.enum(['released', 'aged_out', 'departed']);
export type Exit = z.infer<typeof ExitSchema>;

const day = z.iso.date();

/** Every figure's period and filters. */
export const AnalyticsFilterSchema = z.strictObject({
  from: day.describe('First day of the period (UTC), YYYY-MM-DD; default 89 days before `to`'),
  to: day.describe('Last day of the period (UTC), inclusive; default today'),
  category: CategoryGroupSchema.optional().describe("The case's sponsor category (none: no sponsor)"),
  careProviderId: z.string().trim().min(1).max(64).optional().describe('The care provider holding the child (see docs/outcomes.md)'),
  policyProfile: z.string().trim().min(1).max(64).optional().describe('The policy profile the last sponsor was assessed under'),
});
export type AnalyticsFilter = z.infer<typeof AnalyticsFilterSchema>;

const days = z.number().describe('Days, two decimals');
const nullableDays = days.nullable();

export const DaysStatsSchema = z.object({
  children: z.int(),
  meanDays: nullableDays,
  medianDays: nullableDays,
  p90Days: nullableDays,
});
export type DaysStats = z.infer<typeof DaysStatsSchema>;

const periodOf = z.object({
  from: day,
  to: day,
  asOf: z.string().describe('The instant open cases are measured at: the period end, or now'),
});

export const LengthOfStaySchema = z.object({
  period: periodOf,
  all: DaysStatsSchema,
  byCategory: z.array(DaysStatsSchema.extend({ category: CategoryGroupSchema })),
  byExit: z.array(DaysStatsSchema.extend({ exit: ExitSchema })),
});
export type LengthOfStay = z.infer<typeof LengthOfStaySchema>;

export const CategoryOneSchema = z.object({
  period: periodOf,
  targetDays: z.literal(10),
  averageTargetDays: z.literal(7),
  released: z.object({
    children: z.int(),
    withinTarget: z.int().describe('Released within 10 days of admission'),
    shareWithinTarget: z.number().nullable().describe('0 to 1'),
    meanDays: nullableDays,
    meanMinusAverageTarget: nullableDays.describe('Mean days minus 7: above 0 misses the long-run average'),
  }),
  open: z.object({
    children: z.int().describe('Category 1 children in care at asOf'),
    withinTarget: z.int().describe('In care 10 days or fewer so far'),
    shareWithinTarget: z.number().nullable(),
    meanDaysSoFar: nullableDays,
  }),
});
export type CategoryOne = z.infer<typeof CategoryOneSchema>;

export const StageDaysSchema = z.object({
  period: periodOf,
  stages: z.array(
    z.object({
      stage: CaseStatusSchema,
      category: CategoryGroupSchema,
      visits: z.int().describe('Visits that ended in the period (each re-entry counts)'),
      meanDays: nullableDays,
      medianDays: nullableDays,
      inProgress: z.int().describe('Visits still running at asOf'),
      meanDaysSoFar: nullableDays,
    }),
  ),
});
export type StageDays = z.infer<typeof StageDaysSchema>;

export const CohortsSchema = z.object({
  period: periodOf,
  weeks: z.array(
    z.object({
      week: day.describe('Monday of the admission week (UTC)'),
      admitted: z.int(),
      discharged: z.int().describe('Of them, discharged by asOf'),
      inCare: z.int(),
      meanDays: nullableDays.describe('Days to discharge of those discharged'),
      medianDays: nullableDays,
      p90Days: nullableDays,
    }),
  ),
});
export type Cohorts = z.infer<typeof CohortsSchema>;

export const FlowSignalSchema = z.enum(['ok', 'warn', 'alert']);

export const FlowSchema = z.object({
  period: periodOf,
  thresholds: z.object({ alertAtOrBelow: z.literal(2), warnAtOrBelow: z.literal(2.4) }),
  days: z.array(
    z.object({
      day,
      inCare: z.int().describe('Children in care at the end of the day (24:00 UTC)'),
      admissions: z.int(),
      discharges: z.int(),
      transfersIn: z.int().describe('Transfers into the care provider filtered on (0 without one)'),
      transfersOut: z.int(),
      dischargesPer100: z.number().nullable().describe('Discharges per 100 children in care at the start of the day'),
      signal: FlowSignalSchema.nullable().describe("ORR's signal: alert at or below 2.0, warn at or below 2.4"),
    }),
  ),
});
export type Flow = z.infer<typeof FlowSchema>;

export const RiskSchema = z.object({
  asOf: z.string(),
  rows: z.array(
    z.object({
      stage: CaseStatusSchema,
      careProviderId: z.string(),
      open: z.int(),
      atRisk: z.int().describe('A warning has fallen due, no deadline missed yet'),
      breached: z.int().describe('A deadline is missed: an escalation is open'),
    }),
  ),
  totals: z.object({ open: z.int(), atRisk: z.int(), breached: z.int() }),
});
export type Risk = z.infer<typeof RiskSchema>;
