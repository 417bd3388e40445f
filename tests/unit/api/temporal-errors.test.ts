import { createServer } from 'node:http2';
import { constants } from 'node:http2';
import type { AddressInfo } from 'node:net';

import { Client, Connection, ServiceError } from '@temporalio/client';

import { isWorkerUnavailable } from '../../src/services/temporal-errors';

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
    const err = await client.withDeadline(Date.now() + 5_000, () => client.workflow.getHandle('case-UC-1').query('caseView')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).cause).toMatchObject({ code: 1, details: 'Call cancelled' });
    expect(isWorkerUnavailable(err)).toBe(true);
  });
});
