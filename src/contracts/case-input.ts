import { z } from 'zod';

import { CaseCommandSchema, ReleaseDecisionSchema } from './case-events';
import { CaseIdSchema } from './ids';
import { ActorSchema } from './roles';

const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time with offset');

/** The intake facts the release process needs; everything else stays in the care provider's file. */
export const ChildFactsSchema = z.strictObject({
  birthDate: isoDate.describe("The child's date of birth (drives age-based rules and the age-out date)"),
  traffickingVictim: z.boolean().default(false).describe('Victim of a severe form of trafficking (TVPRA home study)'),
  disability: z.boolean().default(false).describe('Child with a disability (TVPRA home study)'),
  abuseVictim: z.boolean().default(false).describe('Victim of physical or sexual abuse indicating significant harm (TVPRA home study)'),
});
export type ChildFacts = z.infer<typeof ChildFactsSchema>;

export const OpenCaseSchema = z.strictObject({
  caseId: CaseIdSchema,
  admittedAt: IsoDateTimeSchema.describe("Admission to ORR care: the start of the child's length of stay"),
  careProviderId: z.string().trim().min(1).max(64).describe('The care provider (shelter) holding the child'),
  child: ChildFactsSchema,
  openedBy: ActorSchema,
});
export type OpenCase = z.infer<typeof OpenCaseSchema>;
/** Before defaults are applied: what a caller may send. */
export type OpenCaseRequest = z.input<typeof OpenCaseSchema>;

/** One event of a case's past, with the time it happened: what an import brings in. */
export const HistoricalEventSchema = z.strictObject({
  at: IsoDateTimeSchema.describe('When the event happened, in the system the case comes from'),
  event: z
    .union([CaseCommandSchema, ReleaseDecisionSchema])
    .describe('The event, with its actor, as POST /cases/:id/events or /decision take it'),
});
export type HistoricalEvent = z.infer<typeof HistoricalEventSchema>;
