import { z } from 'zod';

import { ActorSchema } from './roles';

/** Sponsor categories in ORR's order of preference (Category 4, no viable sponsor, comes later). */
export const SponsorCategorySchema = z.enum(['1', '2A', '2B', '3']);
export type SponsorCategory = z.infer<typeof SponsorCategorySchema>;

export const SponsorSchema = z.strictObject({
  category: SponsorCategorySchema,
  related: z.boolean().default(true).describe('Related to the child (Category 3 may be unrelated)'),
  presentsRisk: z
    .boolean()
    .default(false)
    .describe('Clearly presents a risk of abuse, maltreatment, exploitation or trafficking (TVPRA home study)'),
});
export type Sponsor = z.infer<typeof SponsorSchema>;

const reason = z.string().trim().min(1).max(2000).optional().describe('Why, in the sender\'s words');
const base = { actor: ActorSchema, reason };

/** Events a case manager posts to move a case (Workflow Updates: refusable, answered at once). */
export const CaseCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('COMPLETE_INTAKE'), ...base }),
  z.strictObject({ type: z.literal('IDENTIFY_SPONSOR'), ...base, sponsor: SponsorSchema }),
  z.strictObject({ type: z.literal('COMPLETE_VETTING'), ...base }),
  z.strictObject({ type: z.literal('COMPLETE_HOME_STUDY'), ...base }),
  z.strictObject({ type: z.literal('RELEASE_CHILD'), ...base }),
]);
export type CaseCommand = z.infer<typeof CaseCommandSchema>;
export type CaseCommandRequest = z.input<typeof CaseCommandSchema>;

/** An ORR reviewer's release decision (a Signal: durable even while no worker runs). */
export const ReleaseDecisionSchema = z.strictObject({
  type: z.literal('DECIDE_RELEASE'),
  ...base,
  decision: z.enum(['approve']).describe('The release decision'),
});
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
