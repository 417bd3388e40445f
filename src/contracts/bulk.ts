import { z } from 'zod';

import { CaseIdSchema } from './ids';

/**
 * Supervisors' bulk actions: each item is one Workflow Update to one case, applied whole or refused
 * whole, and the answer says which, item by item.
 */
const MAX_ITEMS = 200;
const uniqueIds = <T extends z.ZodType<string>>(id: T) =>
  z
    .array(id)
    .min(1)
    .max(MAX_ITEMS)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id')
    .meta({ uniqueItems: true });
const reason = z.string().trim().min(1).max(2000);

export const BulkReassignSchema = z.strictObject({
  caseIds: uniqueIds(CaseIdSchema),
  assigneeId: z.string().trim().min(1).max(128).describe('The case manager (token subject) who takes the cases'),
  reason: reason.optional(),
});
export type BulkReassign = z.infer<typeof BulkReassignSchema>;

export const BulkAcknowledgeSchema = z.strictObject({
  alertIds: uniqueIds(z.string().min(1).max(300)),
  note: z.string().trim().max(2000).optional(),
});
export type BulkAcknowledge = z.infer<typeof BulkAcknowledgeSchema>;

export const BulkTransferSchema = z.strictObject({
  caseIds: uniqueIds(CaseIdSchema),
  toCareProviderId: z.string().trim().min(1).max(64),
  reason: reason.describe('Why the children move (kept with each transition)'),
});
export type BulkTransfer = z.infer<typeof BulkTransferSchema>;

export const BulkItemResultSchema = z.object({
  id: z.string().describe('The case or alert id'),
  outcome: z.enum(['applied', 'refused', 'failed']).describe('failed: the item could not be tried (no worker, an error of ours): retry it'),
  code: z.string().optional().describe('Why not, as the single request would answer'),
  message: z.string().optional(),
});
export type BulkItemResult = z.infer<typeof BulkItemResultSchema>;

export const BulkResultSchema = z.object({
  applied: z.int(),
  refused: z.int(),
  failed: z.int(),
  items: z.array(BulkItemResultSchema).describe('One per item, in the order asked'),
});
export type BulkResult = z.infer<typeof BulkResultSchema>;
