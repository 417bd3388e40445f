import { createServer } from 'node:http2';
import { constants } from 'node:http2';
import type { AddressInfo } from 'node:net';

import { Metadata, status } from '@grpc/grpc-js';
import { Client, Connection, ServiceError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';

import { CaseFailure } from '../../../src/contracts/failures';
import type { Refusal } from '../../../src/domain/refusals';
import { AppError } from '../../../src/services/errors';
import { fromTemporalError, isWorkerUnavailable } from '../../../src/services/temporal-errors';

/** What the Temporal client throws, as the API answers it: the errors built as the SDK builds them. */

const grpcError = (code: status, details: string) =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: new Metadata() });
const queryFailed = (code: status, details: string) => new ServiceError('Failed to query Workflow', { cause: grpcError(code, details) });
const refusedUpdate = (details: unknown[]) =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: CaseFailure.TRANSITION_REFUSED, message: 'refused', details, nonRetryable: true }),
  );
const mapped = (err: unknown): unknown => {
  try {
    return fromTemporalError(err, 'UC-1');
  } catch (thrown) {
    return thrown;
  }
};
const appError = (err: unknown) => {
  expect(err).toBeInstanceOf(AppError);
  const { code, message, extra } = err as AppError;
  return { code, message, ...extra };
};

describe('Temporal client errors, as the API answers them', () => {
  it.each([
    ['the client deadline', status.DEADLINE_EXCEEDED, 'Deadline exceeded after 1.000s'],
    ["the server's copy of the deadline (it resets the stream)", status.CANCELLED, 'Call cancelled'],
    ['a workflow no worker has started', status.FAILED_PRECONDITION, 'workflow not ready'],
  ])('%s: no worker answered (503)', (_label, code, details) => {
    expect(isWorkerUnavailable(queryFailed(code, details))).toBe(true);
    expect(appError(mapped(queryFailed(code, details)))).toEqual({
      code: 'worker_unavailable',
      message: 'No case worker answered in time; retry when a worker runs.',
    });
  });

  it('other failures of the service are not a missing worker: they stay errors (500)', () => {
    const err = queryFailed(status.INTERNAL, 'persistence failure');
    expect(isWorkerUnavailable(err)).toBe(false);
    expect(mapped(err)).toBe(err);
    expect(isWorkerUnavailable(queryFailed(status.FAILED_PRECONDITION, 'namespace is not active'))).toBe(false);
  });

  it('an unknown workflow is an unknown case; a second start, a case that exists', () => {
    expect(appError(mapped(new WorkflowNotFoundError('workflow not found', 'case-UC-1', undefined)))).toEqual({
      code: 'case_not_found',
      message: 'No case with id UC-1.',
    });
    expect(appError(mapped(new WorkflowExecutionAlreadyStartedError('already started', 'case-UC-1', 'caseWorkflow')))).toEqual({
      code: 'case_exists',
      message: 'A case with id UC-1 already exists; case ids are never reused.',
    });
  });

  it("a case's refusal keeps its code, status and allowed events, checked against the refusal's schema", () => {
    const refusal: Refusal = {
      code: 'conditions_not_met',
      message: 'Vetting cannot complete while checks are pending: identity.',
      status: 'vetting',
      allowedEvents: ['CLEAR_CHECK', 'FLAG_CHECK'],
    };
    expect(appError(mapped(refusedUpdate([refusal])))).toEqual(refusal);
  });

  it.each([
    ['no details', []],
    ['an unknown code', [{ code: 'nope', message: 'x', status: 'vetting', allowedEvents: [] }]],
    ['no status', [{ code: 'case_closed', message: 'x', allowedEvents: [] }]],
    ['an unknown event allowed', [{ code: 'case_closed', message: 'x', status: 'closed', allowedEvents: ['TELEPORT'] }]],
  ])('a refusal with %s is a fault that says what is wrong, not a refusal passed on', (_label, details) => {
    const err = mapped(refusedUpdate(details));
    expect(err).not.toBeInstanceOf(AppError);
    expect((err as Error).message).toMatch(/^The case refused the event with a refusal this API cannot read \(.+\)$/);
  });

  it("a payload the case's validator rejects is a bad request", () => {
    const err = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      ApplicationFailure.create({ type: CaseFailure.INVALID_PAYLOAD, message: 'check: Invalid option', nonRetryable: true }),
    );
    expect(appError(mapped(err))).toEqual({ code: 'invalid_request', message: 'check: Invalid option' });
  });
});

/**
 * A query to a case no worker runs ends when its deadline does. The Temporal server holds a copy
 * of the deadline (the grpc-timeout header) and resets the stream when it passes; when that reset
 * reaches a busy client before its own timer fires, the call fails CANCELLED instead of
 * DEADLINE_EXCEEDED. A stand-in frontend that resets every stream makes that order certain.
 */
describe('a deadline the server enforces first', () => {
  const server = createServer();
  let connection: Connection;
  beforeAll(async () => {
    server.on('stream', (stream) => stream.close(constants.NGHTTP2_CANCEL));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    connection = Connection.lazy({ address: `127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await connection.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is a worker that did not answer, not an internal error', async () => {
    const client = new Client({ connection });
    const err = await client
      .withDeadline(Date.now() + 5_000, () => client.workflow.getHandle('case-UC-1').query('caseView'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).cause).toMatchObject({ code: status.CANCELLED, details: 'Call cancelled' });
    expect(isWorkerUnavailable(err)).toBe(true);
  });
});
