import { z } from 'zod';

import { AlertAckSchema, AlertSchema } from './alerts';
import { CaseEventTypeSchema, CHECKS, CheckSchema, SponsorSchema } from './case-events';
import { CaseStatusSchema } from './case-status';
import type { DeadlineSummary } from './deadlines';
import { DeadlineSchema, DeadlineStatusSchema } from './deadlines';
import { ActorSchema, RoleSchema } from './roles';

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
  careProviderId: z
    .string()
    .optional()
    .describe('The care provider holding the child after the transition (absent on transitions recorded before it was kept)'),
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

/** A change of the case manager a case is assigned to (a supervisor's reassignment). */
export const AssignmentSchema = z.object({
  assigneeId: z.string(),
  previousAssigneeId: z.string().nullable(),
  actor: ActorSchema,
  reason: z.string().nullable(),
  at: z.string(),
  requestId: z.string().nullable(),
});
export type Assignment = z.infer<typeof AssignmentSchema>;

export const AllowedEventsByRoleSchema = z.partialRecord(RoleSchema, z.array(CaseEventTypeSchema));

export const CheckStatusSchema = z.enum(['pending', 'cleared', 'flagged', 'not_required']);

/** The live view of a case, as its workflow answers it. */
export const CaseViewSchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  closed: z.boolean().describe('True once the case accepts no more events'),
  closure: z
    .enum(['released', 'aged_out', 'repatriation', 'voluntary_departure'])
    .nullable()
    .describe('How the case closed; null while open'),
  careProviderId: z.string(),
  careProviderHistory: z
    .array(z.object({ careProviderId: z.string(), until: z.string() }))
    .describe('Earlier care providers, oldest first, and when the case left each'),
  admittedAt: z.string(),
  sponsor: SponsorSchema.nullable(),
  sponsorHistory: z
    .array(z.object({ sponsor: SponsorSchema, outcome: z.enum(['withdrawn', 'denied']), at: z.string() }))
    .describe('Sponsors considered before the current one, and why they are no longer'),
  policyProfile: z.string().nullable().describe('The policy profile in force when the current sponsor was identified'),
  expedited: z.boolean().describe('On the expedited Category 1 path: fewer checks, no third-party review'),
  checks: z
    .record(CheckSchema, CheckStatusSchema)
    .nullable()
    .describe(`Each check for the current sponsor (${CHECKS.join(', ')}); null before a sponsor is identified`),
  flags: z.array(z.object({ check: CheckSchema, findings: z.string(), at: z.string() })),
  homeStudyTriggers: z.array(z.string()).describe('Mandatory home-study triggers that apply; empty when none'),
  homeStudy: z
    .object({ mandatory: z.boolean(), requested: z.boolean(), outcome: z.enum(['favourable', 'unfavourable']).nullable() })
    .nullable(),
  recommendation: z.string().nullable().describe("The case manager's recommendation"),
  review: z.string().nullable().describe("The case coordinator's recommendation"),
  decision: z.string().nullable().describe("ORR's latest decision on the current sponsor"),
  postReleaseServices: z.boolean(),
  releasedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  allowedEvents: AllowedEventsByRoleSchema.describe('Events allowed now, by the role that may send them'),
  assigneeId: z.string().nullable().describe('The case manager the case is assigned to: the opener, until a supervisor reassigns it'),
  assignments: z.array(AssignmentSchema).describe('Reassignments, oldest first'),
  deadlines: z.array(DeadlineSchema).describe('Every target that applies to the case now, soonest due first'),
  alerts: z.object({
    open: z.array(AlertSchema).describe('Fired and not yet resolved (the case has not moved on)'),
    acknowledgements: z.array(AlertAckSchema),
    firedCount: z.int().describe('Every alert this case has fired'),
    nextDeadlineAt: z.string().nullable().describe('When the next alert is due, if nothing changes'),
    targetsVersion: z.int().describe('The version of the targets the case runs on'),
  }),
  transitions: z.array(CaseTransitionSchema),
  refusedSignals: z.array(RefusedSignalSchema),
});
export type CaseView = z.infer<typeof CaseViewSchema>;

/** GET /cases/:id: the live view, each deadline with where the case stands against it now. */
export const CaseDetailSchema = CaseViewSchema.extend({
  deadlines: z
    .array(DeadlineStatusSchema)
    .describe('Every deadline that applies now, soonest due first, with its level and time remaining'),
});
export type CaseDetail = z.infer<typeof CaseDetailSchema>;

/**
 * What the projection activity writes: the case row as of its latest transition, and new transitions.
 * The optional fields are absent from projections scheduled by workflow code older than them (their
 * activity may still run after an upgrade): the activity then leaves those columns as they are.
 */
export interface CaseProjection {
  caseId: string;
  workflowId: string;
  careProviderId: string;
  status: CaseView['status'];
  sponsorCategory: string | null;
  admittedAt: string;
  releasedAt: string | null;
  transitions: CaseTransition[];
  /** Reviewer decisions the case refused since the last projection: they go to the audit trail. */
  refusedSignals?: RefusedSignal[];
  /** The seq of the case's latest transition, whether or not this projection carries it. */
  lastSeq?: number;
  /** Counts the case's projections: the row's assignee and deadlines only move forward with it. */
  revision?: number;
  assigneeId?: string | null;
  /** Reassignments since the last projection: they go to the audit trail. */
  assignments?: Assignment[];
  policyProfile?: string | null;
  /** When the child left ORR care (release, age-out, departure); null while in care. */
  dischargedAt?: string | null;
  deadlines?: DeadlineSummary;
}
