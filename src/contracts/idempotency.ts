import { z } from 'zod';

import { CaseCommandSchema } from './case-events';

/** A caller's Idempotency-Key: what makes a retried request apply once. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,200}$/, 'must be 1-200 characters: letters, digits, ".", "_", ":" or "-"');

/**
 * A case manager's event sent with an Idempotency-Key: the key, and the fingerprint of the request
 * it was first used for (SHA-256 of the case, the caller and the event). The case keeps the outcome
 * of each key, applied or refused, and answers it again to the same request; the same key with
 * another request is refused (IdempotencyKeyReused).
 */
export const KeyedCaseCommandSchema = z.strictObject({
  key: IdempotencyKeySchema,
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex'),
  command: CaseCommandSchema,
});
export type KeyedCaseCommand = z.input<typeof KeyedCaseCommandSchema>;

/** The Temporal Update id of a keyed request: the key and its request's fingerprint, so that a different request is never taken for a retry. */
export function keyedUpdateId(key: string, fingerprint: string): string {
  return `${key}~${fingerprint.slice(0, 16)}`;
}
