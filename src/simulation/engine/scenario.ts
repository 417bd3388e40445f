import { z } from 'zod';

import { CheckSchema } from '../../contracts/case-events';
import { CaseStatusSchema } from '../../contracts/case-status';
import { DEFAULT_TARGETS, TargetsSchema } from '../../contracts/targets';
import { POLICY_PROFILES } from '../../domain/policy';
import { DistributionSchema } from './distributions';

/**
 * What the simulator takes: a scenario (the program as it runs) and optionally a what-if (changes
 * to it). Every field is bounded so that a request cannot ask for an unbounded amount of work; the
 * HTTP route adds a budget over the whole request (src/api/routes/simulations.ts).
 */

const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
const share = z.number().min(0).max(1);

/** Stages a child spends in care, by the case status that names them; `released` is the follow-up wait. */
export const InCareStageSchema = CaseStatusSchema.exclude(['released', 'closed']);
export const IN_CARE_STAGES = InCareStageSchema.options;
export const StageSchema = CaseStatusSchema.exclude(['closed']).describe(
  'A case status; `vetting` is the time from the last check result to COMPLETE_VETTING, `released` the time to the follow-up call',
);
export type Stage = z.infer<typeof StageSchema>;
export type InCareStage = z.infer<typeof InCareStageSchema>;

/** Sponsor categories as the simulator plans them: `4` is a child with no viable sponsor at first. */
export const CategoryKeySchema = z.enum(['1', '2A', '2B', '3', '4']);
export type CategoryKey = z.infer<typeof CategoryKeySchema>;
export const CATEGORY_KEYS = CategoryKeySchema.options;

export const ArrivalsSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('series'),
    perDay: z.array(z.number().min(0).max(100_000)).min(1).max(1100).describe('Children admitted on each day from `start`'),
    source: z.string().max(300).optional().describe('Where the series comes from, for the report'),
  }),
  z.strictObject({
    kind: z.literal('rate'),
    perDay: z.number().min(0).max(100_000).describe('Mean admissions a day (Poisson)'),
    seasonality: z
      .strictObject({
        amplitude: z.number().min(0).max(0.95).describe('Relative swing: 0.3 means ±30% around the mean'),
        peakDayOfYear: z.int().min(1).max(366).describe('Day of the year with the most arrivals'),
      })
      .optional(),
  }),
]);
export type Arrivals = z.infer<typeof ArrivalsSchema>;

export const MixSchema = z
  .strictObject({
    categories: z
      .partialRecord(CategoryKeySchema, z.number().min(0).max(1000))
      .default({ '1': 0.4, '2A': 0.15, '2B': 0.3, '3': 0.1, '4': 0.05 })
      .refine((c) => Object.values(c).some((w) => (w ?? 0) > 0), 'at least one category needs a positive share')
      .describe('Relative shares of the sponsor category each child will have (normalised); 4: no viable sponsor at first'),
    ageYears: z
      .array(z.number().min(0).max(1000))
      .length(18)
      .default([0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1.5, 1.5, 2, 2.5, 3, 7, 11, 17, 23, 26])
      .describe('Relative weights of age at admission, 0 to 17 years'),
    traffickingVictim: share.default(0.02).describe('Share of children who are trafficking victims (home study)'),
    disability: share.default(0.02).describe('Share with a disability (home study)'),
    abuseVictim: share.default(0.04).describe('Share who are abuse victims (home study)'),
    category3Related: share.default(0.5).describe('Share of Category 3 sponsors who are distant relatives (the rest unrelated)'),
    unrelatedRepeatSponsor: share
      .default(0.1)
      .describe('Share of unrelated sponsors who sponsored before or seek several children (home study)'),
    sponsorPresentsRisk: share.default(0.01).describe('Share of sponsors known at identification to present a risk (home study)'),
  })
  .prefault({});
export type Mix = z.infer<typeof MixSchema>;

export const ProcessSchema = z
  .strictObject({
    flagCheck: share.default(0.02).describe('Chance that a check comes back flagged'),
    flagShowsRisk: share.default(0.25).describe('Chance that a flag shows the sponsor presents a risk (home study)'),
    homeStudyUnfavourable: share.default(0.1),
    discretionaryHomeStudy: share.default(0.03).describe('Chance the case manager asks for a home study that no rule requires'),
    moreAssessment: share.default(0.02).describe('Chance the third-party review asks for more assessment'),
    denial: share.default(0.02).describe('Chance ORR denies a release recommended for approval'),
    remand: share.default(0.02).describe('Chance ORR remands to vetting (public records re-run)'),
    withdrawal: share.default(0.03).describe('Chance the sponsor withdraws during the application'),
    departure: share.default(0.01).describe('Share of children who leave by repatriation or voluntary departure'),
    departureAfter: DistributionSchema.default({ kind: 'lognormal', mean: 20, cv: 1 }).describe('Days from admission to a departure'),
    maxSponsors: z.int().min(1).max(10).default(3).describe('Sponsors tried before the case becomes Category 4'),
  })
  .prefault({});
export type Process = z.infer<typeof ProcessSchema>;

const StageDurationsSchema = z.partialRecord(StageSchema, DistributionSchema);
const CheckDurationsSchema = z.partialRecord(CheckSchema, DistributionSchema);

export const DurationsSchema = z
  .strictObject({
    stages: StageDurationsSchema.default({}),
    checks: CheckDurationsSchema.default({}).describe('Days from the check becoming pending to its result'),
    byCategory: z
      .partialRecord(
        CategoryKeySchema,
        z.strictObject({ stages: StageDurationsSchema.optional(), checks: CheckDurationsSchema.optional() }),
      )
      .default({}),
    inheritDefaults: z
      .boolean()
      .default(true)
      .describe('false: the built-in per-category defaults are dropped (e.g. for durations fitted from the read model)'),
  })
  .prefault({});
export type Durations = z.infer<typeof DurationsSchema>;

export const PROFILE_CHOICES = ['by-date', ...POLICY_PROFILES.map((p) => p.id)] as [string, ...string[]];
export const ProfileChoiceSchema = z
  .enum(PROFILE_CHOICES)
  .describe('by-date: the profile in force when each sponsor is identified; an id: that profile from the start date on');

export const LengthOfCareSchema = z
  .array(z.strictObject({ from: isoDate, meanDays: z.number().min(0.5).max(3650) }))
  .min(1)
  .max(120)
  .refine((segments) => segments.every((s, i) => i === 0 || segments[i - 1]!.from < s.from), 'segments must be in date order, one per date')
  .describe('Scale every in-care stage so the mean length of care is this, from each date on (calibrated on a pilot sample)');

export const ScenarioSchema = z
  .strictObject({
    label: z.string().trim().min(1).max(200).default('base'),
    start: isoDate.describe('First simulated day'),
    days: z.int().min(1).max(1100),
    initialInCare: z.int().min(0).max(100_000).default(0).describe('Children in care when the period starts (their stays are in progress)'),
    arrivals: ArrivalsSchema,
    mix: MixSchema,
    process: ProcessSchema,
    durations: DurationsSchema,
    lengthOfCare: LengthOfCareSchema.optional(),
    profile: ProfileChoiceSchema.default('by-date'),
    targets: TargetsSchema.default(DEFAULT_TARGETS),
    caseManagers: z.int().min(1).max(100_000),
    fundedBeds: z.int().min(0).max(1_000_000),
  })
  .superRefine((s, ctx) => {
    // Each sponsor is vetted under a profile (by date, or a what-if's): before the first there is none.
    const earliest = POLICY_PROFILES[0]!.effectiveFrom;
    if (s.start < earliest) {
      ctx.addIssue({ code: 'custom', path: ['start'], message: `is before ${earliest}, when the earliest policy profile took effect` });
    }
    if (s.arrivals.kind === 'series' && s.arrivals.perDay.length !== s.days) {
      ctx.addIssue({
        code: 'custom',
        path: ['arrivals', 'perDay'],
        message: `has ${s.arrivals.perDay.length} days; the scenario has ${s.days}`,
      });
    }
  });
export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

const selection = {
  category: CategoryKeySchema.optional().describe('Only children of this planned category (all when absent)'),
  stages: z.array(StageSchema).min(1).optional().describe('Stages changed; with neither stages nor checks: every in-care stage and check'),
  checks: z.array(CheckSchema).min(1).optional(),
};

export const WhatIfChangeSchema = z.discriminatedUnion('change', [
  z.strictObject({ change: z.literal('scale_durations'), ...selection, factor: z.number().min(0.01).max(100) }),
  z.strictObject({ change: z.literal('add_days'), ...selection, days: z.number().min(-365).max(365) }),
  z
    .strictObject({ change: z.literal('mean_stay'), category: CategoryKeySchema, days: z.number().min(0.5).max(3650) })
    .describe("Scale the category's in-care stages so its mean length of care is this many days"),
  z.strictObject({ change: z.literal('profile'), profile: ProfileChoiceSchema }),
  z.strictObject({ change: z.literal('targets'), targets: TargetsSchema }),
  z.strictObject({ change: z.literal('case_managers'), count: z.int().min(1).max(100_000) }),
  z.strictObject({ change: z.literal('funded_beds'), count: z.int().min(0).max(1_000_000) }),
]);
export type WhatIfChange = z.infer<typeof WhatIfChangeSchema>;

export const WhatIfSchema = z.strictObject({
  label: z.string().trim().min(1).max(200),
  changes: z.array(WhatIfChangeSchema).min(1).max(20).describe('Applied from the start date, in order'),
});
export type WhatIf = z.infer<typeof WhatIfSchema>;

export const SimulationRequestSchema = z.strictObject({
  scenario: ScenarioSchema,
  whatIf: WhatIfSchema.optional().describe('Run against the base with the same seeds: the difference is the effect'),
  runs: z.int().min(1).max(30).default(5).describe('Seeded runs; intervals are 95% over them'),
  seed: z
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  // At least 0.001: counts are scaled back up by 1 / sample, and a vanishing share made them infinite.
  sample: z
    .number()
    .min(0.001)
    .max(1)
    .default(1)
    .describe('Share of children simulated (0.001 to 1); counts are scaled back up (a quick look at a large program)'),
});
export type SimulationRequest = z.infer<typeof SimulationRequestSchema>;
export type SimulationRequestInput = z.input<typeof SimulationRequestSchema>;
