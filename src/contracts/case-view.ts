import { z } from 'zod';

import { CASE_EVENT_TYPES, SponsorSchema } from './case-events';
import { CaseStatusSchema } from './case-status';
import { RoleSchema } from './roles';

export const CaseEventTypeSchema = z.enum(CASE_EVENT_TYPES);

/** One accepted transition of a case, as recorded in the workflow and projected to the database. */
export const CaseTransitionSchema = z.object({
  seq: z.number().int().min(0).describe('Position in the case history; 0 is the opening'),
  event: z.union([CaseEventTypeSchema, z.literal('OPEN_CASE')]),
  fromStatus: CaseStatusSchema.nullable(),
  toStatus: CaseStatusSchema,
  actor: z.object({ id: z.string(), role: RoleSchema }),
  reason: z.string().nullable(),
  at: z.string().describe('When the case accepted the event (ISO 8601)'),
  requestId: z.string().nullable().describe('The request that carried the event (Update id or decision request id)'),
});
export type CaseTransition = z.infer<typeof CaseTransitionSchema>;

/** A signal the case refused (a reviewer decision that did not apply): kept, never applied. */
export const RefusedSignalSchema = z.object({
  requestId: z.string().nullable(),
  event: z.string(),
  actor: z.object({ id: z.string(), role: z.string() }),
  at: z.string(),
  code: z.string(),
  message: z.string(),
});
export type RefusedSignal = z.infer<typeof RefusedSignalSchema>;

export const AllowedEventsByRoleSchema = z.partialRecord(RoleSchema, z.array(CaseEventTypeSchema));

/** The live view of a case, as its workflow answers it. */
export const CaseViewSchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  closed: z.boolean().describe('True once the case accepts no more events'),
  careProviderId: z.string(),
  admittedAt: z.string(),
  sponsor: SponsorSchema.nullable(),
  homeStudyTriggers: z.array(z.string()).describe('Mandatory home-study triggers that apply; empty when none'),
  releasedAt: z.string().nullable(),
  allowedEvents: AllowedEventsByRoleSchema.describe('Events allowed now, by the role that may send them'),
  transitions: z.array(CaseTransitionSchema),
  refusedSignals: z.array(RefusedSignalSchema),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

/** What the projection activity writes: the case row as of its latest transition, and new transitions. */
export interface CaseProjection {
  caseId: string;
  workflowId: string;
  careProviderId: string;
  status: CaseView['status'];
  sponsorCategory: string | null;
  admittedAt: string;
  releasedAt: string | null;
  transitions: CaseTransition[];
}
