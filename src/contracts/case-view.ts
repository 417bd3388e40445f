import { z } from 'zod';

import { AlertAckSchema, AlertSchema } from './alerts';
import {
  AppealIdSchema,
  CaseEventTypeSchema,
  CHECKS,
  CheckSchema,
  DenialGroundSchema,
  HouseholdRoleSchema,
  SponsorSchema,
} from './case-events';
import { CaseStatusSchema } from './case-status';
import type { DeadlineSummary } from './deadlines';
import { DeadlineSchema, DeadlineStatusSchema } from './deadlines';
import { ActorSchema, RoleSchema } from './roles';

/** Which check and whose, which sponsor and which appeal an event was about. Ids only: never a name. */
export const TransitionSubjectSchema = z.object({
  sponsorId: z.string().nullable(),
  personId: z.string().optional(),
  check: CheckSchema.optional(),
  appealId: z.string().optional(),
});
export type TransitionSubject = z.infer<typeof TransitionSubjectSchema>;

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
  subject: TransitionSubjectSchema.nullable().describe('Which sponsor, and for a check which check and whose; null for the opening'),
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

export const CheckStatusSchema = z
  .enum(['pending', 'cleared', 'flagged', 'expired', 'not_required'])
  .describe('expired: the result is out of date and counts as pending');

export const CheckResultSchema = z.object({
  outcome: z.enum(['cleared', 'flagged']),
  obtainedAt: z.string().describe('When the source produced the result; its validity counts from here'),
  enteredAt: z.string(),
  enteredBy: z.string().describe('Who entered it (actor id)'),
  source: z.string().nullable().describe('Where it comes from, e.g. a reference number'),
});

export const PersonCheckSchema = z.object({
  check: CheckSchema,
  required: z.boolean(),
  status: CheckStatusSchema,
  result: CheckResultSchema.nullable(),
  expiresAt: z.string().nullable().describe('When the result stops being valid; null when it does not expire'),
  flagDecision: z
    .object({ decision: z.enum(['mitigated', 'presents_risk']), at: z.string(), by: z.string(), reason: z.string() })
    .nullable()
    .describe("For a household member's flagged result: what was decided"),
});

/** A person whose checks the release depends on: the sponsor or an adult of the sponsor's household. */
export const PersonSchema = z.object({
  personId: z.string().describe('sp-N for the sponsor, hm-N for a household member'),
  role: z.union([z.literal('sponsor'), HouseholdRoleSchema]),
  reference: z.string().nullable().describe("The care provider's reference for the person (never a name)"),
  addedAt: z.string().nullable(),
  removedAt: z.string().nullable().describe('When the person left the household; their checks no longer count'),
  fingerprintAppointment: z.string().nullable(),
  checks: z.array(PersonCheckSchema).describe('Every check of the policy table for the person'),
});

export const AppealSchema = z.object({
  id: AppealIdSchema,
  sponsorId: z.string(),
  appellant: z.enum(['sponsor', 'child']),
  filedAt: z.string(),
  filedBy: z.string(),
  reason: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgeBy: z.string().nullable().describe('When receipt must be acknowledged (business days); null once it is'),
  outcome: z
    .enum(['granted', 'denied', 'moot'])
    .nullable()
    .describe('moot: the case ended (a release to another sponsor, age-out, departure) first'),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
});

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
  rules: z
    .union([z.literal(1), z.literal(2)])
    .describe(
      "2: today's rules; 1: the case opened before household members, dated results, appeals and automatic age-out, and finishes on its rules",
    ),
  sponsorId: z.string().nullable(),
  sponsor: SponsorSchema.nullable(),
  sponsorHistory: z
    .array(
      z.object({
        sponsorId: z.string(),
        sponsor: SponsorSchema,
        outcome: z.enum(['withdrawn', 'denied', 'set_aside']),
        at: z.string(),
        policyProfile: z.string(),
        denial: z.object({ grounds: z.array(DenialGroundSchema), reason: z.string().nullable() }).nullable(),
        people: z.array(PersonSchema).describe('Their checks and household as they stood when the sponsor left'),
      }),
    )
    .describe('Sponsors considered before the current one, why they are no longer (set aside: by a granted appeal), and their checks'),
  policyProfile: z.string().nullable().describe('The policy profile in force when the current sponsor was identified'),
  expedited: z.boolean().describe('On the expedited Category 1 path: fewer checks, no third-party review'),
  checks: z
    .record(CheckSchema, CheckStatusSchema)
    .nullable()
    .describe(`Each check for the current sponsor (${CHECKS.join(', ')}); null before a sponsor is identified`),
  people: z.array(PersonSchema).describe("The current sponsor and every adult of the sponsor's household, with their checks"),
  flags: z.array(z.object({ check: CheckSchema, findings: z.string(), at: z.string(), person: z.string() })),
  homeStudyTriggers: z.array(z.string()).describe('Mandatory home-study triggers that apply; empty when none'),
  homeStudy: z
    .object({ mandatory: z.boolean(), requested: z.boolean(), outcome: z.enum(['favourable', 'unfavourable']).nullable() })
    .nullable(),
  recommendation: z.string().nullable().describe("The case manager's recommendation"),
  review: z.string().nullable().describe("The case coordinator's recommendation"),
  decision: z.string().nullable().describe("ORR's latest decision on the current sponsor"),
  postReleaseServices: z.boolean(),
  appeals: z.array(AppealSchema).describe('Appeals of denials, oldest first'),
  ageOutPlan: z.object({ plan: z.string(), at: z.string(), by: z.string() }).nullable().describe('The post-18 plan, once recorded'),
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

/**
 * What a case answers to an accepted event (the Update's result, and POST /cases/:id/events):
 * where the case is now, what may follow, and the transition just made. The full view stays on
 * GET /cases/:id, so that an event costs neither re-encoding nor re-validating the case's history.
 */
export const CaseMoveSchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  closed: z.boolean().describe('True once the case accepts no more events'),
  allowedEvents: AllowedEventsByRoleSchema.describe('Events allowed now, by the role that may send them'),
  checks: z
    .record(CheckSchema, CheckStatusSchema)
    .nullable()
    .describe("Each check for the current sponsor, as in the case's view; null before a sponsor is identified"),
  transition: CaseTransitionSchema.describe('The transition the event made'),
});
export type CaseMove = z.infer<typeof CaseMoveSchema>;

/**
 * A case's answer to an event as the API reads it: the move, or (from workflow code before the
 * move, or an Idempotency-Key's first outcome recorded by it) the full view, whose last
 * transition is the one the event made.
 */
export function moveOf(answer: CaseMove | CaseView): CaseMove {
  if ('transition' in answer) return answer;
  const { caseId, status, closed, allowedEvents, checks, transitions } = answer;
  const transition = transitions.at(-1);
  if (!transition) throw new Error(`The answer of case ${caseId} has no transition`);
  return { caseId, status, closed, allowedEvents, checks, transition };
}

/**
 * What the API reads of a case around a reviewer's decision (the `caseDecision` query): whether the
 * case would take one now, and, for a decision signalled with a request id, what the case made of
 * it once seen. The same few fields at any age of the case, unlike the view with its history.
 */
export const DecisionLookSchema = z.object({
  status: CaseStatusSchema,
  closed: z.boolean(),
  allowedEvents: AllowedEventsByRoleSchema,
  /** The transition the decision made; null until the case has applied it (or when none was asked about). */
  applied: CaseTransitionSchema.nullable(),
  /** The case's refusal of the decision; null unless it refused it. */
  refused: RefusedSignalSchema.nullable(),
});
export type DecisionLook = z.infer<typeof DecisionLookSchema>;

/** What a case made of the decision signalled as `signalId` (null: none asked about), from its transitions and refusals. */
export function decisionOutcome(
  { transitions, refusedSignals }: Pick<CaseView, 'transitions' | 'refusedSignals'>,
  signalId: string | null,
): Pick<DecisionLook, 'applied' | 'refused'> {
  const about = <T extends { requestId: string | null }>(items: readonly T[]): T | null =>
    (signalId === null ? undefined : items.find((item) => item.requestId === signalId)) ?? null;
  return { applied: about(transitions), refused: about(refusedSignals) };
}

/** The look from a full view: what a worker from before the `caseDecision` query answers. */
export function decisionLookOf(view: CaseView, signalId: string | null): DecisionLook {
  const { status, closed, allowedEvents } = view;
  return { status, closed, allowedEvents, ...decisionOutcome(view, signalId) };
}

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
