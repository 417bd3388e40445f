import { z } from 'zod';

import { ActorSchema } from './roles';
import { IsoDateTimeSchema } from './time';

/** Sponsor categories in ORR's order of preference. Category 4 (no viable sponsor) is a case path, not a sponsor. */
export const SponsorCategorySchema = z.enum(['1', '2A', '2B', '3']);
export type SponsorCategory = z.infer<typeof SponsorCategorySchema>;

const sponsorFields = {
  category: SponsorCategorySchema,
  presentsRisk: z
    .boolean()
    .default(false)
    .describe('Clearly presents a risk of abuse, maltreatment, exploitation or trafficking (TVPRA home study)'),
  sponsoredBefore: z.boolean().default(false).describe('Has sponsored, or sought to sponsor, a child before'),
  seekingMultiple: z.boolean().default(false).describe('Seeks to sponsor several children'),
};

/** A sponsor as the case keeps it. */
export const SponsorSchema = z.strictObject({ ...sponsorFields, related: z.boolean() });

/**
 * A sponsor as a case manager identifies one. Categories 1 and 2 are related by definition; a
 * Category 3 sponsor may be a distant relative or unrelated, and the difference changes the checks
 * and the home-study rules, so it must be said.
 */
export const SponsorInputSchema = z
  .strictObject({
    ...sponsorFields,
    related: z.boolean().optional().describe('Related to the child: required for Category 3, always true for 1, 2A and 2B'),
  })
  .superRefine((value, ctx) => {
    if (value.category === '3' && value.related === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['related'],
        message: 'is required for a Category 3 sponsor (distant relative or unrelated adult)',
      });
    }
    if (value.category !== '3' && value.related === false) {
      ctx.addIssue({
        code: 'custom',
        path: ['related'],
        message: `cannot be false for a Category ${value.category} sponsor, who is a relative by definition`,
      });
    }
  })
  .transform((value) => ({ ...value, related: value.related ?? true }))
  // The rule as JSON Schema states it, so that every document that takes a sponsor (an event's body,
  // an imported history) says what is checked.
  .meta({
    anyOf: [
      { properties: { category: { enum: ['3'] } }, required: ['related'] },
      { properties: { category: { enum: ['1', '2A', '2B'] }, related: { enum: [true] } } },
    ],
  });
export type Sponsor = z.infer<typeof SponsorSchema>;

/** The background and verification checks of vetting, each a parallel region of the machine. */
export const CHECKS = [
  'identity',
  'relationship',
  'public_records',
  'sex_offender',
  'fbi_fingerprint',
  'can_registry',
  'prior_sponsorship',
] as const;
export const CheckSchema = z.enum(CHECKS);
export type Check = z.infer<typeof CheckSchema>;

/** The checks of each adult household member and alternate caregiver (the policy table's household column). */
export const HOUSEHOLD_CHECKS = ['identity', 'public_records', 'sex_offender', 'fbi_fingerprint', 'can_registry'] as const;
export const HouseholdCheckSchema = z.enum(HOUSEHOLD_CHECKS);
export type HouseholdCheck = z.infer<typeof HouseholdCheckSchema>;

/**
 * People of a case, numbered by the case in the order it meets them and never reused: sponsors
 * sp-1, sp-2, ... and the adults of a sponsor's household hm-1, hm-2, ... Opaque, like the case id:
 * names stay in the care provider's file.
 */
export const SponsorIdSchema = z
  .string()
  .regex(/^sp-[1-9]\d{0,3}$/, 'must be a sponsor id such as sp-1')
  .describe('A sponsor of the case (sp-N)');
export const MemberIdSchema = z
  .string()
  .regex(/^hm-[1-9]\d{0,3}$/, 'must be a household member id such as hm-1')
  .describe("An adult of the sponsor's household or an alternate caregiver (hm-N)");
export const PersonIdSchema = z.union([SponsorIdSchema, MemberIdSchema]).describe('The sponsor (sp-N) or a household member (hm-N)');
export const AppealIdSchema = z
  .string()
  .regex(/^ap-[1-9]\d{0,3}$/, 'must be an appeal id such as ap-1')
  .describe('An appeal of the case (ap-N)');

export const HouseholdRoleSchema = z.enum(['household_member', 'alternate_caregiver']);
export type HouseholdRole = z.infer<typeof HouseholdRoleSchema>;

/** Why ORR denied a release; the child may appeal a denial resting only on `child_danger` (45 CFR 410.1206(c)). */
export const DenialGroundSchema = z.enum(['sponsor_unable_to_care', 'risk_to_child', 'household_risk', 'child_danger', 'other']);
export type DenialGround = z.infer<typeof DenialGroundSchema>;

const reason = z.string().trim().min(1).max(2000).describe("Why, in the sender's words");
const base = { actor: ActorSchema, reason: reason.optional() };
/** Where the domain asks for a reason, it is required. */
const withReason = { actor: ActorSchema, reason };

/** A dated check result: whose, when the source produced it, and where it comes from. Who entered it is the actor. */
const resultFields = {
  check: CheckSchema,
  person: PersonIdSchema.optional().describe('Whose check: the current sponsor (the default) or a household member'),
  obtainedAt: IsoDateTimeSchema.optional().describe('When the source produced the result; its validity counts from here. Default: now'),
  source: z.string().trim().min(1).max(200).optional().describe("Where the result comes from, e.g. the vendor's reference number"),
};

/** Events sent as Workflow Updates (refusable, answered at once): every event but the ORR release decision. */
export const CaseCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('COMPLETE_INTAKE'), ...base }),
  z.strictObject({ type: z.literal('IDENTIFY_SPONSOR'), ...base, sponsor: SponsorInputSchema }),
  z.strictObject({ type: z.literal('NO_VIABLE_SPONSOR'), ...withReason }),
  z.strictObject({ type: z.literal('COMPLETE_ASSESSMENT'), ...base }),
  z.strictObject({
    type: z.literal('ADD_HOUSEHOLD_MEMBER'),
    ...base,
    member: z.strictObject({
      role: HouseholdRoleSchema.describe('An adult living in the household, or an alternate adult caregiver named in the care plan'),
      reference: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 characters: letters, digits, "-" or "_", starting with a letter or digit')
        .optional()
        .describe("The care provider's own reference for the person: never a name"),
    }),
  }),
  z.strictObject({ type: z.literal('REMOVE_HOUSEHOLD_MEMBER'), ...withReason, person: MemberIdSchema }),
  z.strictObject({ type: z.literal('CLEAR_CHECK'), ...base, ...resultFields }),
  z.strictObject({
    type: z.literal('FLAG_CHECK'),
    ...withReason,
    ...resultFields,
    sponsorPresentsRisk: z
      .boolean()
      .default(false)
      .describe('The finding shows the sponsor clearly presents a risk: a home study becomes mandatory'),
  }),
  z.strictObject({
    type: z.literal('DECIDE_HOUSEHOLD_FLAG'),
    ...withReason,
    person: MemberIdSchema,
    check: HouseholdCheckSchema,
    decision: z
      .enum(['mitigated', 'presents_risk'])
      .describe(
        'mitigated: a safety plan answers the finding; presents_risk: the household presents a risk, a home study becomes mandatory',
      ),
  }),
  z.strictObject({
    type: z.literal('SCHEDULE_FINGERPRINTS'),
    ...base,
    person: PersonIdSchema.optional().describe('Whose fingerprints: the current sponsor (the default) or a household member'),
    appointmentAt: IsoDateTimeSchema.describe('The appointment at the digital fingerprinting site'),
  }),
  z.strictObject({ type: z.literal('COMPLETE_VETTING'), ...base }),
  z.strictObject({ type: z.literal('REQUEST_HOME_STUDY'), ...withReason }),
  z.strictObject({
    type: z.literal('COMPLETE_HOME_STUDY'),
    ...withReason,
    outcome: z.enum(['favourable', 'unfavourable']).describe("The home study provider's conclusion; the reason summarises its findings"),
  }),
  z.strictObject({
    type: z.literal('RECOMMEND_RELEASE'),
    ...base,
    recommendation: z.enum(['release', 'release_with_services', 'do_not_release']),
  }),
  z.strictObject({
    type: z.literal('REVIEW_CASE'),
    ...base,
    recommendation: z.enum(['approve', 'approve_with_services', 'deny', 'more_assessment']),
  }),
  z.strictObject({ type: z.literal('RELEASE_CHILD'), ...base }),
  z.strictObject({ type: z.literal('COMPLETE_FOLLOW_UP'), ...base }),
  z.strictObject({ type: z.literal('SPONSOR_WITHDREW'), ...withReason }),
  z.strictObject({
    type: z.literal('TRANSFER_CARE_PROVIDER'),
    ...withReason,
    toCareProviderId: z.string().trim().min(1).max(64),
  }),
  z.strictObject({ type: z.literal('AGE_OUT'), ...base }),
  z.strictObject({ type: z.literal('DEPART'), ...withReason, departure: z.enum(['repatriation', 'voluntary_departure']) }),
  z.strictObject({
    type: z.literal('RECORD_AGE_OUT_PLAN'),
    ...base,
    plan: z.string().trim().min(1).max(2000).describe('The post-18 plan (form R-9), in summary'),
  }),
  z.strictObject({
    type: z.literal('FILE_APPEAL'),
    ...withReason,
    appellant: z
      .enum(['sponsor', 'child'])
      .describe('The denied sponsor, or the child (only against a denial resting on child_danger alone)'),
    sponsorId: SponsorIdSchema.optional().describe('The denied sponsor; default: the one denied last'),
  }),
  z.strictObject({ type: z.literal('ACKNOWLEDGE_APPEAL'), ...base, appealId: AppealIdSchema }),
  z.strictObject({
    type: z.literal('DECIDE_APPEAL'),
    ...withReason,
    appealId: AppealIdSchema,
    decision: z.enum(['granted', 'denied']).describe('granted: back to the ORR decision for that sponsor; denied: final for that sponsor'),
  }),
]);
export type CaseCommand = z.infer<typeof CaseCommandSchema>;
export type CaseCommandRequest = z.input<typeof CaseCommandSchema>;

export const REMAND_TARGETS = ['application', 'vetting', 'home_study'] as const;

/** The fields of an ORR reviewer's release decision, before the rules that tie them together. */
export const ReleaseDecisionFields = z.strictObject({
  type: z.literal('DECIDE_RELEASE'),
  ...base,
  decision: z.enum(['approve', 'approve_with_services', 'deny', 'remand', 'refer_home_study']),
  remandTo: z.enum(REMAND_TARGETS).optional().describe('With remand: the step to redo'),
  recheck: z
    .array(CheckSchema)
    .min(1)
    .optional()
    .describe('With a remand to vetting: the checks to run again (the others keep their results)'),
  grounds: z.array(DenialGroundSchema).min(1).optional().describe('With a denial: its grounds (who may appeal depends on them)'),
});

type DecisionRuleInput = Pick<z.infer<typeof ReleaseDecisionFields>, 'decision' | 'remandTo' | 'recheck' | 'reason' | 'grounds'>;

/** A remand names its step (and for vetting, its checks); a denial or remand gives its reasons. */
export function refineDecision(value: DecisionRuleInput, ctx: z.RefinementCtx): void {
  if (value.decision === 'remand' && !value.remandTo) {
    ctx.addIssue({ code: 'custom', path: ['remandTo'], message: 'is required when the decision is remand' });
  }
  if (value.decision !== 'remand' && value.remandTo) {
    ctx.addIssue({ code: 'custom', path: ['remandTo'], message: 'is only for a remand' });
  }
  if (value.remandTo === 'vetting' && !value.recheck) {
    ctx.addIssue({ code: 'custom', path: ['recheck'], message: 'is required with a remand to vetting: name the checks to run again' });
  }
  if (value.remandTo !== 'vetting' && value.recheck) {
    ctx.addIssue({ code: 'custom', path: ['recheck'], message: 'is only for a remand to vetting' });
  }
  if ((value.decision === 'deny' || value.decision === 'remand') && !value.reason) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `is required when the decision is ${value.decision}` });
  }
  if (value.decision !== 'deny' && value.grounds) {
    ctx.addIssue({ code: 'custom', path: ['grounds'], message: 'is only for a denial' });
  }
}

/**
 * A denial states its grounds. Required of every new decision (the API's body); a decision signal
 * sent before grounds existed still applies, with none stated.
 */
export function refineDenialGrounds(value: DecisionRuleInput, ctx: z.RefinementCtx): void {
  if (value.decision === 'deny' && !value.grounds) {
    ctx.addIssue({ code: 'custom', path: ['grounds'], message: 'is required when the decision is deny' });
  }
}

/** An ORR reviewer's release decision (a Signal: durable even while no worker runs). */
export const ReleaseDecisionSchema = ReleaseDecisionFields.superRefine(refineDecision);
export type ReleaseDecision = z.infer<typeof ReleaseDecisionSchema>;
export type ReleaseDecisionRequest = z.input<typeof ReleaseDecisionSchema>;

/** The decision signal's payload: the decision and the id of the request that carried it. */
export const ReleaseDecisionSignalSchema = z.strictObject({
  requestId: z.string().min(1).max(200),
  decision: ReleaseDecisionSchema,
});
export type ReleaseDecisionSignal = z.input<typeof ReleaseDecisionSignalSchema>;

/** Every event a case can receive, whatever carries it. */
export type CaseEvent = CaseCommand | ReleaseDecision;
export type CaseEventType = CaseEvent['type'];

export const CASE_EVENT_TYPES = [
  ...CaseCommandSchema.options.map((o) => o.shape.type.value),
  ReleaseDecisionSchema.shape.type.value,
] as const satisfies readonly CaseEventType[];

/** A supervisor's reassignment of a case to another case manager (a Workflow Update, refusable). */
export const ReassignCaseSchema = z.strictObject({
  assigneeId: z.string().trim().min(1).max(128).describe('The case manager (token subject) who takes the case'),
  actor: ActorSchema,
  reason: reason.optional(),
});
export type ReassignCase = z.infer<typeof ReassignCaseSchema>;

export const CaseEventTypeSchema = z.enum(CASE_EVENT_TYPES);
