import { z } from 'zod';

/** A case's audit trail as the API answers it (GET /cases/:id/audit): shared with the web application. */
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
export type AuditTrailView = z.infer<typeof AuditTrailSchema>;
