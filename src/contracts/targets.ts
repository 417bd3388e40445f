import { z } from 'zod';

import { BusinessCalendarSchema, US_FEDERAL_CALENDAR } from './business-calendar';
import { CaseStatusSchema } from './case-status';

/**
 * Length-of-stay and stage targets: configuration with defaults from the domain notes
 * (shared/domain/release-policy.md, "Time"). Admins change them at run time (PUT /targets); open
 * cases pick the change up by signal. Days may be fractional (tests use seconds).
 */

const days = z.number().positive().max(3650);

export const StageTargetSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9_]+$/)
    .describe('Names the target in alert ids and messages'),
  statuses: z.array(CaseStatusSchema).min(1).describe('The stages the target covers, counted as one stay'),
  days,
  from: z.enum(['stage_entry', 'admission']).describe('Counted from entering the stages, or from admission'),
  repeatEveryDays: days.optional().describe('Overrides the repeat interval for this target'),
  source: z.string().optional(),
});
export type StageTarget = z.infer<typeof StageTargetSchema>;

export const TargetsSchema = z
  .strictObject({
    lengthOfStayDays: z
      .strictObject({ '1': days, '2A': days, '2B': days, '3': days })
      .describe('Total days in care from admission, by the current sponsor category'),
    warnAtFraction: z.number().gt(0).lt(1).describe('A warning fires at this share of a target'),
    repeatEveryDays: days.describe('While over target, the escalation repeats at this interval'),
    repeatsPerLevel: z.int().min(1).max(50).describe('Repeats at a level before the next level is alerted'),
    stages: z.array(StageTargetSchema),
    ageOutWarningDays: days.describe('First warning this many days before the 18th birthday'),
    ageOutPlanDays: days.describe('The post-18 plan is due this many days before the birthday (escalation)'),
    followUpDueDays: days.describe('The post-release follow-up call is due this many days after release'),
    followUpOverdueDays: days.describe('After this many days the follow-up call is overdue (escalation)'),
    // Defaults, so that targets saved before these existed still parse.
    resultExpiryWarningDays: days
      .default(14)
      .describe('A warning this many days before a required check result expires; the escalation when it expires'),
    businessCalendar: BusinessCalendarSchema.default(US_FEDERAL_CALENDAR).describe(
      'The calendar that deadlines stated in business days count on (appeal acknowledgement, fingerprint appointments)',
    ),
  })
  .superRefine((t, ctx) => {
    const names = t.stages.map((s) => s.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'name'], message: `duplicates stage target "${name}"` });
    });
    t.stages.forEach((stage, i) =>
      stage.statuses.forEach((status) => {
        const other = t.stages.findIndex((s, j) => j !== i && s.statuses.includes(status));
        if (other >= 0 && other < i)
          ctx.addIssue({
            code: 'custom',
            path: ['stages', i, 'statuses'],
            message: `${status} is already covered by "${t.stages[other]!.name}"`,
          });
      }),
    );
    if (t.ageOutPlanDays >= t.ageOutWarningDays) {
      ctx.addIssue({ code: 'custom', path: ['ageOutPlanDays'], message: 'must be fewer days before the birthday than ageOutWarningDays' });
    }
    if (t.followUpOverdueDays <= t.followUpDueDays) {
      ctx.addIssue({ code: 'custom', path: ['followUpOverdueDays'], message: 'must be more days after release than followUpDueDays' });
    }
  });
export type Targets = z.infer<typeof TargetsSchema>;

/** Targets in force, with their version (0: the defaults below). */
export const VersionedTargetsSchema = z.strictObject({ version: z.int().min(0), targets: TargetsSchema });
export type VersionedTargets = z.infer<typeof VersionedTargetsSchema>;

/**
 * Defaults and their sources. Category 1: 10 days (origin document's first target), warning at
 * day 7 (70%). Others: our defaults in the domain notes (2A 14, 2B 21, 3 30 days); stage targets,
 * warning share and repeats likewise; follow-up 30/37 days and the 14-day age-out plan are ORR policy;
 * the warning 14 days before a result expires is ours; the business-day calendar is the US federal one.
 */
export const DEFAULT_TARGETS: Targets = {
  lengthOfStayDays: { '1': 10, '2A': 14, '2B': 21, '3': 30 },
  warnAtFraction: 0.7,
  repeatEveryDays: 3,
  repeatsPerLevel: 2,
  stages: [
    {
      name: 'sponsor_identified',
      statuses: ['intake', 'sponsor_identification'],
      days: 3,
      from: 'admission',
      source: 'domain default: sponsor identified by day 3',
    },
    {
      name: 'application',
      statuses: ['application'],
      days: 7,
      from: 'stage_entry',
      source: 'care-provider procedures: packet returned in 7 days',
    },
    { name: 'vetting', statuses: ['vetting'], days: 5, from: 'stage_entry', source: 'domain default: checks done 5 days after requested' },
    { name: 'home_study', statuses: ['home_study'], days: 10, from: 'stage_entry', source: 'domain default: home study 10 days' },
    {
      name: 'recommendation',
      statuses: ['recommendation'],
      days: 2,
      from: 'stage_entry',
      source: 'domain default: each review step 2 days',
    },
    {
      name: 'third_party_review',
      statuses: ['third_party_review'],
      days: 2,
      from: 'stage_entry',
      source: 'domain default: each review step 2 days',
    },
    {
      name: 'release_decision',
      statuses: ['release_decision'],
      days: 2,
      from: 'stage_entry',
      source: 'domain default: each review step 2 days',
    },
    {
      name: 'release',
      statuses: ['release_approved'],
      days: 2,
      from: 'stage_entry',
      source: 'our default: physical release within 2 days of approval',
    },
    {
      name: 'category_4_review',
      statuses: ['no_viable_sponsor'],
      days: 30,
      from: 'stage_entry',
      repeatEveryDays: 30,
      source: 'domain default: Category 4 reviewed every 30 days',
    },
  ],
  ageOutWarningDays: 60,
  ageOutPlanDays: 14,
  followUpDueDays: 30,
  followUpOverdueDays: 37,
  resultExpiryWarningDays: 14,
  businessCalendar: US_FEDERAL_CALENDAR,
};
