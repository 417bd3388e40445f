import { status } from '@grpc/grpc-js';
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

import { CaseFailure } from '../contracts/failures';
import type { Refusal } from '../machines/case-logic';

/** An error with a status and a body that is safe to show; everything else becomes a plain 500. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function refusalError(refusal: Refusal): HttpError {
  return new HttpError(409, refusal.code, refusal.message, {
    status: refusal.status,
    allowedEvents: refusal.allowedEvents,
  });
}

/**
 * No worker took the call: the deadline ran out, or the server says the workflow is not ready for
 * queries because no worker has run its first task (FAILED_PRECONDITION). The deadline shows as
 * DEADLINE_EXCEEDED when the client's timer fires first, and as CANCELLED when the server's copy
 * of it (the grpc-timeout header) fires first and it resets the stream: which one wins is a race,
 * lost by a busy client (the SDK counts both as a timeout for Updates too).
 */
export function isDeadlineExceeded(err: unknown): boolean {
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

/** Maps Temporal client errors for one case to HTTP errors; rethrows what it does not know. */
export function fromTemporalError(err: unknown, caseId: string): never {
  if (err instanceof WorkflowNotFoundError) {
    throw new HttpError(404, 'case_not_found', `No case with id ${caseId}.`);
  }
  if (isDeadlineExceeded(err)) {
    throw new HttpError(503, 'worker_unavailable', 'No case worker answered in time; retry when a worker runs.');
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    throw new HttpError(409, 'case_exists', `A case with id ${caseId} already exists; case ids are never reused.`);
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    if (failure.type === CaseFailure.TRANSITION_REFUSED && failure.details?.[0]) {
      throw refusalError(failure.details[0] as Refusal);
    }
    if (failure.type === CaseFailure.INVALID_PAYLOAD) {
      throw new HttpError(400, 'invalid_request', failure.message);
    }
  }
  throw err;
}

export function errorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const issues = err.validation.map((issue) => ({
      where,
      path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(root)',
      message: issue.message ?? 'is invalid',
    }));
    void reply.status(400).send({
      error: REASONS[400],
      code: 'invalid_request',
      message: `Invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    });
    return;
  }
  if (err instanceof HttpError) {
    if (err.statusCode === 401) void reply.header('www-authenticate', `Bearer realm="reunify", error="${err.code === 'invalid_token' ? 'invalid_token' : 'invalid_request'}"`);
    void reply
      .status(err.statusCode)
      .send({ error: REASONS[err.statusCode] ?? 'Error', code: err.code, message: err.message, ...err.extra });
    return;
  }
  // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry a 4xx.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const code = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'malformed_json' : (err.code ?? 'bad_request');
    void reply.status(err.statusCode).send({
      error: REASONS[err.statusCode] ?? 'Bad Request',
      code: code.toLowerCase(),
      message: err.message,
    });
    return;
  }
  // Unexpected: log it with the request id, answer without internals.
  request.log.error({ err }, 'request failed');
  void reply.status(500).send({
    error: REASONS[500],
    code: 'internal_error',
    message: `Something went wrong on our side; the request id is ${request.id}.`,
  });
}
