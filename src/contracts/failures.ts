/** Names of the failures Reunify raises on purpose, as Temporal ApplicationFailure types. */
export const CaseFailure = {
  /** The case refused an event in its current state; the details say why and what is allowed. */
  TRANSITION_REFUSED: 'TransitionRefused',
  /** An Idempotency-Key the case knows from another request: the caller reused it for something else. */
  IDEMPOTENCY_KEY_REUSED: 'IdempotencyKeyReused',
  /** A payload did not match its schema. */
  INVALID_PAYLOAD: 'InvalidPayload',
  /** The read model refused a write for good (a constraint, not an outage). */
  PROJECTION_REJECTED: 'ProjectionRejected',
  /** The alert webhook refused a delivery for good (a 4xx other than 408/429). */
  WEBHOOK_REJECTED: 'WebhookRejected',
  /** The alert webhook could not take a delivery now (unreachable, 5xx, 408, 429): retried. */
  WEBHOOK_UNAVAILABLE: 'WebhookUnavailable',
} as const;
export type CaseFailureType = (typeof CaseFailure)[keyof typeof CaseFailure];
