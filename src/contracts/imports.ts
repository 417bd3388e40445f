import { z } from 'zod';

import { ChildFactsSchema, HistoricalEventSchema } from './case-input';
import { CaseStatusSchema } from './case-status';
import { CaseIdSchema } from './ids';
import { ActorSchema } from './roles';
import { IsoDateTimeSchema } from './time';

/**
 * Cases brought in from the system Reunify replaces (POST /imports, `npm run import:cases`): each
 * with its events and their original times, checked against the statechart before anything is
 * written. A closed case goes into the read model as it was; an open one starts its workflow from
 * its history and goes on from where it stands.
 */
export const ImportCaseSchema = z.strictObject({
  caseId: CaseIdSchema,
  admittedAt: IsoDateTimeSchema.describe('Admission to ORR care'),
  careProviderId: z.string().trim().min(1).max(64).describe('The care provider that admitted the child'),
  child: ChildFactsSchema,
  openedBy: ActorSchema.describe('Who opened the case in the system it comes from'),
  assigneeId: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .optional()
    .describe('The case manager now assigned; default the opener, when a case manager'),
  events: z.array(HistoricalEventSchema).max(500).describe('Every event after the opening, oldest first, each with its time'),
});
export type ImportCase = z.infer<typeof ImportCaseSchema>;

export const ImportRequestSchema = z.strictObject({
  cases: z
    .array(ImportCaseSchema)
    .min(1)
    .max(1000)
    .refine((cases) => new Set(cases.map((c) => c.caseId)).size === cases.length, 'must not repeat a case id'),
});
export type ImportRequest = z.input<typeof ImportRequestSchema>;

export const ImportRefusalSchema = z.object({
  caseId: z.string(),
  index: z.int().nullable().describe('The event refused (0-based), or null for the case as a whole'),
  event: z.string().nullable(),
  at: z.string().nullable(),
  code: z.string(),
  message: z.string(),
});
export type ImportRefusal = z.infer<typeof ImportRefusalSchema>;

export const ImportResultSchema = z.object({
  imported: z.int(),
  cases: z.array(
    z.object({
      caseId: z.string(),
      status: CaseStatusSchema,
      into: z.enum(['read_model', 'workflow']).describe('read_model: closed, written as it was; workflow: open, running from its history'),
    }),
  ),
});
export type ImportResult = z.infer<typeof ImportResultSchema>;
