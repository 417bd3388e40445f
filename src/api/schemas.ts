import { z } from 'zod';

import { AcknowledgeAlertSchema, AlertLevelSchema } from '../contracts/alerts';
import { CategoryGroupSchema } from '../contracts/analytics';
import { AuditTrailSchema } from '../contracts/audit-trail';
import { CaseCommandSchema, ReleaseDecisionFields, SponsorCategorySchema, refineDecision } from '../contracts/case-events';
import { CaseEventTypeSchema } from '../contracts/case-events';
import { OpenCaseBodySchema } from '../contracts/case-input';
import { CaseStatusSchema } from '../contracts/case-status';
import { DeadlineLevelSchema } from '../contracts/deadlines';
import { ErrorSchema, RefusalBodySchema } from '../contracts/http-errors';
import { IdempotencyKeySchema } from '../contracts/idempotency';
import { CaseIdSchema } from '../contracts/ids';
import { CaseSortSchema } from '../contracts/read-model';
import { RoleSchema } from '../contracts/roles';
import { TargetsSchema, VersionedTargetsSchema } from '../contracts/targets';
import { IsoDateTimeSchema } from '../contracts/time';
import { caseCursorParam, cursorParam } from '../db/cursor';

export { AuditTrailSchema, ErrorSchema, OpenCaseBodySchema, RefusalBodySchema };

export const CaseParamsSchema = z.strictObject({ id: CaseIdSchema });

export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': IdempotencyKeySchema.optional().describe(
    "Makes a retried request apply once: the same key with the same request answers the first outcome, the case's refusal (409) included, and applies nothing again; the same key with a different request is refused with 422. A key belongs to its case.",
  ),
});

/** A query parameter that takes one value or several, comma-separated; a wrong one is named with the choices. */
const oneOrMore = <T extends z.core.util.EnumLike>(item: z.ZodEnum<T>) => {
  const one = `(${item.options.join('|')})`;
  // The document states the list's form; the check below names a wrong value with the choices.
  return z
    .string()
    .meta({ pattern: `^ *${one} *( *, *${one} *)*$` })
    .transform((text, ctx) => {
      const parts = text.split(',').map((part) => part.trim());
      const wrong = parts.filter((part) => !item.safeParse(part).success);
      if (wrong.length === 0) return parts as z.infer<z.ZodEnum<T>>[];
      ctx.addIssue({ code: 'custom', message: `${wrong.map((w) => `"${w}"`).join(', ')}: expected one of ${item.options.join(', ')}` });
      return z.NEVER;
    });
};

const days = z.coerce.number().min(0).max(36_500);

export const ListCasesQuerySchema = z.strictObject({
  status: oneOrMore(CaseStatusSchema).optional().describe('Only cases in one of these statuses (stages), comma-separated'),
  careProviderId: z.string().trim().min(1).max(64).optional(),
  category: CategoryGroupSchema.optional().describe('Sponsor category now (none: no sponsor)'),
  assigneeId: z.string().trim().min(1).max(128).optional().describe('The case manager the cases are assigned to'),
  minDaysInCare: days.optional().describe('At least this many days in care (to discharge, or so far)'),
  maxDaysInCare: days.optional().describe('At most this many days in care'),
  level: oneOrMore(DeadlineLevelSchema).optional().describe('The worst deadline level now: on_track, at_risk, breached (comma-separated)'),
  deadlineBefore: IsoDateTimeSchema.transform((text) => new Date(text))
    .optional()
    .describe('Next deadline due before this time (breached ones included)'),
  q: z.string().trim().min(1).max(64).optional().describe('Part of the case id'),
  sort: CaseSortSchema.default('admission').describe(
    'admission (oldest first), least_time_left (next deadline soonest), days_in_care (longest first)',
  ),
  order: z.enum(['asc', 'desc']).optional().describe("Reverses the sort's own order"),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: caseCursorParam.optional(),
});

export const ReassignBodySchema = z.strictObject({
  assigneeId: z.string().trim().min(1).max(128).describe('The case manager (token subject) who takes the case'),
  reason: z.string().trim().min(1).max(2000).optional(),
});

export const ListAlertsQuerySchema = z.strictObject({
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only alerts not yet resolved; false: only resolved ones'),
  level: AlertLevelSchema.optional(),
  careProviderId: z.string().trim().min(1).max(64).optional(),
  category: SponsorCategorySchema.optional().describe('Sponsor category of the case when the alert fired'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: cursorParam(300).optional(),
});

export const AlertStreamQuerySchema = z.strictObject({
  lastEventId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .describe('Resume after this event id (the Last-Event-ID header does the same)'),
});

export const AlertParamsSchema = z.strictObject({ id: z.string().min(1).max(300) });

export const AcknowledgeAlertBodySchema = AcknowledgeAlertSchema.pick({ note: true });

export const ChangeTargetsSchema = z.strictObject({
  reason: z.string().trim().min(1).max(2000).describe('Why the targets change (kept with the version)'),
  targets: TargetsSchema,
});

export const TargetsChangedSchema = VersionedTargetsSchema.extend({
  broadcast: z.object({ workflowId: z.string() }).describe('The workflow telling every open case'),
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

const NEITHER_STEP_NOR_CHECKS = { not: { anyOf: [{ required: ['remandTo'] }, { required: ['recheck'] }] } };
const NO_STEP_CHECKS_OR_GROUNDS = { not: { anyOf: [{ required: ['remandTo'] }, { required: ['recheck'] }, { required: ['grounds'] }] } };

/**
 * The decision's rules (`refineDecision`) as JSON Schema states them, so that a body valid by the
 * document is valid here: a denial or a remand gives its reason; a remand names its step, and a
 * remand to vetting the checks to run again; any other decision takes neither.
 */
export const ReleaseDecisionBodySchema = ReleaseDecisionFields.omit({ actor: true })
  .superRefine(refineDecision)
  .meta({
    description:
      'Reason required for deny and remand. A remand names its step (`remandTo`), and a remand to vetting the checks to run again (`recheck`); any other decision takes neither. Only a denial states `grounds`.',
    anyOf: [
      { properties: { decision: { enum: ['approve', 'approve_with_services', 'refer_home_study'] } }, ...NO_STEP_CHECKS_OR_GROUNDS },
      { properties: { decision: { enum: ['deny'] } }, required: ['reason'], ...NEITHER_STEP_NOR_CHECKS },
      {
        properties: { decision: { enum: ['remand'] }, remandTo: { enum: ['application', 'home_study'] } },
        required: ['remandTo', 'reason'],
        not: { anyOf: [{ required: ['recheck'] }, { required: ['grounds'] }] },
      },
      {
        properties: { decision: { enum: ['remand'] }, remandTo: { enum: ['vetting'] } },
        required: ['remandTo', 'recheck', 'reason'],
        not: { required: ['grounds'] },
      },
    ],
  });
