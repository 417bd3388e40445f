import type { Refusal, RefusalCode, RefusalReason } from '../domain/refusals';

/**
 * The errors Reunify answers on purpose: a code a caller can act on and a sentence for a person.
 * Services throw them; src/api/http-errors.ts gives each code its HTTP status, in one table.
 */
export type AppErrorCode =
  | RefusalCode
  | 'invalid_request'
  | 'unauthenticated'
  | 'invalid_token'
  | 'out_of_scope'
  | 'case_not_found'
  | 'alert_not_found'
  | 'case_exists'
  | 'alert_resolved'
  | 'ack_refused'
  | 'idempotency_key_reused'
  | 'history_refused'
  | 'worker_unavailable'
  | 'database_unavailable'
  | 'simulation_too_large'
  | 'simulation_timeout'
  | 'simulator_busy';

export class AppError extends Error {
  override readonly name = 'AppError';

  constructor(
    readonly code: AppErrorCode,
    message: string,
    /** More of the answer's body, e.g. the case's status and the events allowed now. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A refusal as an error, with the case's status and allowed events when the case gave them. */
export function refused(refusal: RefusalReason & Partial<Pick<Refusal, 'status' | 'allowedEvents'>>): AppError {
  const { code, message, ...state } = refusal;
  return new AppError(code, message, state);
}

export const caseNotFound = (caseId: string): AppError => new AppError('case_not_found', `No case with id ${caseId}.`);

export const caseExists = (caseId: string): AppError =>
  new AppError('case_exists', `A case with id ${caseId} already exists; case ids are never reused.`);
