import { z } from 'zod';

import { ActorSchema } from './roles';

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
  .transform((value) => ({ ...value, related: value.related ?? true }));
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

const reason = z.string().trim().min(1).max(2000).describe("Why, in the sender's words");
const base = { actor: ActorSchema, reason: reason.optional() };
/** Where the domain asks for a reason, it is required. */
const withReason = { actor: ActorSchema, reason };

/** Events a case manager or case coordinator posts (Workflow Updates: refusable, answered at once). */
export const CaseCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('COMPLETE_INTAKE'), ...base }),
  z.strictObject({ type: z.literal('IDENTIFY_SPONSOR'), ...base, sponsor: SponsorInputSchema }),
  z.strictObject({ type: z.literal('NO_VIABLE_SPONSOR'), ...withReason }),
  z.strictObject({ type: z.literal('COMPLETE_ASSESSMENT'), ...base }),
  z.strictObject({ type: z.literal('CLEAR_CHECK'), ...base, check: CheckSchema }),
  z.strictObject({
    type: z.literal('FLAG_CHECK'),
    ...withReason,
    check: CheckSchema,
    sponsorPresentsRisk: z
      .boolean()
      .default(false)
      .describe('The finding shows the sponsor clearly presents a risk: a home study becomes mandatory'),
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
});

type DecisionRuleInput = Pick<z.infer<typeof ReleaseDecisionFields>, 'decision' | 'remandTo' | 'recheck' | 'reason'>;

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
