/** Names of the failures Reunify raises on purpose, as Temporal ApplicationFailure types. */
export const CaseFailure = {
  /** The case refused an event in its current state; the details say why and what is allowed. */
  TRANSITION_REFUSED: 'TransitionRefused',
  /** A payload did not match its schema. */
  INVALID_PAYLOAD: 'InvalidPayload',
  /** The read model refused a write for good (a constraint, not an outage). */
  PROJECTION_REJECTED: 'ProjectionRejected',
} as const;
export type CaseFailureType = (typeof CaseFailure)[keyof typeof CaseFailure];
