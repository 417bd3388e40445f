import { z } from 'zod';

import { CaseCommandSchema, ReleaseDecisionFields, refineDecision } from '../contracts/case-events';
import { OpenCaseFields, refineOpeningDates } from '../contracts/case-input';
import { CaseStatusSchema } from '../contracts/case-status';
import { CaseEventTypeSchema } from '../contracts/case-view';
import { CaseIdSchema } from '../contracts/ids';
import { RoleSchema } from '../contracts/roles';

export const CaseParamsSchema = z.strictObject({ id: CaseIdSchema });

export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters: letters, digits, ".", "_", ":" or "-"')
    .optional()
    .describe('Makes a retried request apply once: the same key returns the first outcome'),
});

export const ErrorSchema = z.object({
  error: z.string().describe('HTTP reason phrase'),
  code: z.string().describe('Machine-readable error code'),
  message: z.string().describe('What was wrong, for a person'),
  issues: z
    .array(z.object({ where: z.string(), path: z.string(), message: z.string() }))
    .optional()
    .describe('Each invalid field: where (body, params, querystring), its path, and why'),
});

export const RefusalSchema = ErrorSchema.extend({
  status: CaseStatusSchema.optional().describe('The case status, unchanged'),
  allowedEvents: z.array(CaseEventTypeSchema).describe("Events the sender's role may send now"),
});

export const ListCasesQuerySchema = z.strictObject({
  status: CaseStatusSchema.optional().describe('Only cases in this status (stage)'),
  careProviderId: z.string().trim().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().max(200).optional().describe('The nextCursor of the previous page'),
});

export const CaseSummarySchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  careProviderId: z.string(),
  sponsorCategory: z.string().nullable(),
  admittedAt: z.string(),
  releasedAt: z.string().nullable(),
  daysInCare: z.number().describe('From admission to release, or to now while in care'),
  updatedAt: z.string(),
});

export const CaseListSchema = z.object({
  items: z.array(CaseSummarySchema),
  nextCursor: z.string().nullable(),
});

export const DecisionAcceptedSchema = z.object({
  caseId: z.string(),
  delivered: z.literal(true),
  applied: z.boolean().nullable().describe('true: applied; false: refused by the case; null: not yet seen applied'),
  message: z.string(),
});

export const OpenedCaseSchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  allowedEvents: z.partialRecord(RoleSchema, z.array(CaseEventTypeSchema)),
  links: z.object({ self: z.string(), events: z.string(), decision: z.string() }),
});

/**
 * Request bodies. The caller is the token's subject, never a field of the body: the API adds the
 * actor from the verified token to what it sends to the case.
 */
type WithoutActor<T> = { -readonly [K in keyof T]: T[K] extends z.ZodObject<infer S, infer C> ? z.ZodObject<Omit<S, 'actor'>, C> : never };

export const CaseCommandBodySchema = z.discriminatedUnion(
  'type',
  (CaseCommandSchema.options as readonly z.ZodObject[]).map((option) => option.omit({ actor: true })) as unknown as WithoutActor<
    typeof CaseCommandSchema.options
  >,
);

export const ReleaseDecisionBodySchema = ReleaseDecisionFields.omit({ actor: true }).superRefine(refineDecision);

export const OpenCaseBodySchema = OpenCaseFields.omit({ openedBy: true }).superRefine(refineOpeningDates);

export const AuditTrailSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number(),
      sourceKey: z.string(),
      kind: z.enum(['accepted', 'refused']),
      event: z.string(),
      actor: z.object({ id: z.string(), role: z.string() }),
      at: z.string(),
      reason: z.string().nullable(),
      requestId: z.string().nullable(),
      detail: z.string().nullable(),
      prevHash: z.string(),
      hash: z.string(),
    }),
  ),
  verified: z.boolean(),
  brokenAt: z.number().nullable(),
});
