import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

import type { AppErrorCode } from '../services/errors';
import { AppError } from '../services/errors';
import { DATABASE_RETRY_AFTER_S } from '../services/outage';

/**
 * The HTTP status of every error the API answers on purpose, in one table: a refusal by role or
 * scope is a 403, a refusal by the case's state a 409. Anything else is a plain 500.
 */
const HTTP_STATUS: Readonly<Record<AppErrorCode, number>> = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_token: 401,
  role_not_permitted: 403,
  out_of_scope: 403,
  case_not_found: 404,
  alert_not_found: 404,
  case_exists: 409,
  not_allowed_in_state: 409,
  conditions_not_met: 409,
  case_closed: 409,
  alert_resolved: 409,
  ack_refused: 409,
  idempotency_key_reused: 422,
  history_refused: 422,
  worker_unavailable: 503,
  database_unavailable: 503,
  simulation_too_large: 400,
  simulation_timeout: 503,
  simulator_busy: 503,
};

/** When a caller may try again (seconds), for the errors that pass. */
const RETRY_AFTER_S: Partial<Record<AppErrorCode, number>> = {
  worker_unavailable: 5,
  database_unavailable: DATABASE_RETRY_AFTER_S,
};

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

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
  if (err instanceof AppError) {
    const statusCode = HTTP_STATUS[err.code];
    if (statusCode === 401)
      void reply.header(
        'www-authenticate',
        `Bearer realm="reunify", error="${err.code === 'invalid_token' ? 'invalid_token' : 'invalid_request'}"`,
      );
    const retryAfter = RETRY_AFTER_S[err.code];
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(statusCode).send({ error: REASONS[statusCode] ?? 'Error', code: err.code, message: err.message, ...err.extra });
    return;
  }
  // Fastify's own client errors (malformed JSON, wrong content type, body too large) carry a 4xx.
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    const code =
      err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'malformed_json' : (err.code ?? 'bad_request');
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
