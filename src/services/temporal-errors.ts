import { status } from '@grpc/grpc-js';
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

import { CaseFailure } from '../contracts/failures';
import { RefusalSchema } from '../domain/refusals';
import { AppError, caseExists, caseNotFound, refused } from './errors';

/**
 * No worker took the call: the deadline ran out, or the server says the workflow is not ready for
 * queries because no worker has run its first task (FAILED_PRECONDITION). The deadline shows as
 * DEADLINE_EXCEEDED when the client's timer fires first, and as CANCELLED when the server's copy
 * of it (the grpc-timeout header) fires first and it resets the stream: which one wins is a race,
 * lost by a busy client (the SDK counts both as a timeout for Updates too).
 */
export function isWorkerUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (!(err instanceof ServiceError)) return false;
  const cause = err.cause as { code?: number; details?: string } | undefined;
  const text = `${err.message} ${cause?.details ?? ''}`;
  return (
    cause?.code === status.DEADLINE_EXCEEDED ||
    cause?.code === status.CANCELLED ||
    (cause?.code === status.FAILED_PRECONDITION && /not ready|workflow task/i.test(text))
  );
}

/** The ApplicationFailure a case's Update validator or handler threw, if that is what failed. */
export function updateFailure(err: unknown): ApplicationFailure | undefined {
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure ? err.cause : undefined;
}

/** Maps what the Temporal client throws for one case to the errors the API answers; rethrows the rest. */
export function fromTemporalError(err: unknown, caseId: string): never {
  if (err instanceof WorkflowNotFoundError) throw caseNotFound(caseId);
  if (isWorkerUnavailable(err)) {
    throw new AppError('worker_unavailable', 'No case worker answered in time; retry when a worker runs.');
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) throw caseExists(caseId);
  const failure = updateFailure(err);
  if (failure?.type === CaseFailure.TRANSITION_REFUSED) throw refusalOf(failure);
  if (failure?.type === CaseFailure.INVALID_PAYLOAD) throw new AppError('invalid_request', failure.message);
  if (failure?.type === CaseFailure.IDEMPOTENCY_KEY_REUSED) throw new AppError('idempotency_key_reused', failure.message);
  throw err;
}

/** The case's refusal, checked against its schema: a payload this API cannot read is a fault, not a refusal. */
function refusalOf(failure: ApplicationFailure): Error {
  const parsed = RefusalSchema.safeParse(failure.details?.[0]);
  if (parsed.success) return refused(parsed.data);
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  return new Error(`The case refused the event with a refusal this API cannot read (${issues})`, { cause: failure });
}
