import { Writable } from 'node:stream';

import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';

import { buildApp } from '../../../src/api/app';
import { CaseFailure } from '../../../src/contracts/failures';
import type { AppServices } from '../../../src/services/app-services';
import type { AppErrorCode } from '../../../src/services/errors';
import { AppError } from '../../../src/services/errors';
import { fromTemporalError } from '../../../src/services/temporal-errors';
import { testVerify, tokenFor } from '../../helpers/auth';
import { caseManager, events, openCaseRequest, reviewer } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/**
 * The HTTP layer alone: the app built over the real services on in-memory fakes (or a service
 * replaced outright), called through Fastify's inject. No Temporal, no database, no socket.
 */
let world: FakeWorld;
let app: FastifyInstance;
let logs: string[];
let api: ReturnType<typeof apiClient>;

async function start(services: AppServices = world.services): Promise<void> {
  logs = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  app = await buildApp({ services, verify: testVerify, logger: pino({ level: 'trace' }, sink) });
  api = apiClient(app);
}

beforeEach(async () => {
  world = fakeWorld();
  world.workflows.add(caseView({ caseId: 'UC-1' }));
  await start();
});
afterEach(() => app.close());

/** The services, with the case service's view replaced by one that fails as given. */
const failingView = (err: Error): AppServices => ({
  ...world.services,
  cases: { ...world.services.cases, view: async () => Promise.reject(err) },
});

describe('every error the API answers on purpose has its status, in one table', () => {
  const expected: Record<AppErrorCode, [number, string]> = {
    invalid_request: [400, 'Bad Request'],
    unauthenticated: [401, 'Unauthorized'],
    invalid_token: [401, 'Unauthorized'],
    role_not_permitted: [403, 'Forbidden'],
    out_of_scope: [403, 'Forbidden'],
    case_not_found: [404, 'Not Found'],
    alert_not_found: [404, 'Not Found'],
    case_exists: [409, 'Conflict'],
    not_allowed_in_state: [409, 'Conflict'],
    conditions_not_met: [409, 'Conflict'],
    case_closed: [409, 'Conflict'],
    alert_resolved: [409, 'Conflict'],
    ack_refused: [409, 'Conflict'],
    idempotency_key_reused: [422, 'Unprocessable Entity'],
    history_refused: [422, 'Unprocessable Entity'],
    worker_unavailable: [503, 'Service Unavailable'],
    database_unavailable: [503, 'Service Unavailable'],
    simulation_too_large: [400, 'Bad Request'],
    simulation_timeout: [503, 'Service Unavailable'],
    simulator_busy: [503, 'Service Unavailable'],
  };

  it.each(Object.entries(expected))('%s: %j', async (code, [status, reason]) => {
    await app.close();
    await start(failingView(new AppError(code as AppErrorCode, `Because of ${code}.`)));
    expect(await api.get('/cases/UC-1')).toEqual({ status, body: { error: reason, code, message: `Because of ${code}.` } });
  });
});

describe("a case's refusal, from the workflow through Temporal", () => {
  const refusedWith = (details: unknown[]) => () =>
    fromTemporalError(
      new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.create({ type: CaseFailure.TRANSITION_REFUSED, message: 'refused', details, nonRetryable: true }),
      ),
      'UC-1',
    );

  it('by the state: 409 with the reason, the status and the events allowed', async () => {
    const refusal = {
      code: 'conditions_not_met',
      message: 'The child is 18: ORR releases minors only; close the case with AGE_OUT.',
      status: 'release_approved',
      allowedEvents: ['AGE_OUT', 'DEPART'],
    };
    world.workflows.answer = refusedWith([refusal]);
    expect(await api.post('/cases/UC-1/events', events.releaseChild())).toEqual({ status: 409, body: { error: 'Conflict', ...refusal } });
  });

  it('by role (a caller the API let through): 403, as when the API refuses it itself', async () => {
    world.workflows.answer = refusedWith([
      {
        code: 'role_not_permitted',
        message: 'COMPLETE_INTAKE may be sent by case_manager, not by orr_reviewer.',
        status: 'intake',
        allowedEvents: [],
      },
    ]);
    expect(await api.post('/cases/UC-1/events', events.completeIntake())).toMatchObject({
      status: 403,
      body: { code: 'role_not_permitted' },
    });
  });

  it('one the API cannot read: 500 naming the request, and the log says what was wrong', async () => {
    world.workflows.answer = refusedWith([{ code: 'not_allowed_in_state', message: 'no status' }]);
    const reply = await api.post('/cases/UC-1/events', events.completeIntake(), { headers: { 'x-request-id': 'req-unreadable' } });
    expect(reply).toEqual({
      status: 500,
      body: {
        error: 'Internal Server Error',
        code: 'internal_error',
        message: 'Something went wrong on our side; the request id is req-unreadable.',
      },
    });
    const logged = logs
      .map((line) => JSON.parse(line) as { level: number; reqId?: string; err?: { message: string } })
      .find((line) => line.level === 50);
    expect(logged).toMatchObject({
      reqId: 'req-unreadable',
      err: { message: expect.stringContaining('a refusal this API cannot read (status: ') },
    });
  });
});

describe('bad input is a 400 naming each invalid field, before any service runs', () => {
  it.each([
    ['malformed JSON', '/cases/UC-1/events', '{"type": "COMPLETE_INTAKE",', { code: 'malformed_json' }],
    [
      'an unknown field',
      '/cases/UC-1/events',
      { type: 'COMPLETE_INTAKE', urgent: true },
      { issues: [{ where: 'body', path: '(root)', message: 'Unrecognized key: "urgent"' }] },
    ],
    [
      'an invalid case id',
      '/cases/a%20b/events',
      events.completeIntake(),
      { issues: [expect.objectContaining({ where: 'params', path: 'id' })] },
    ],
    [
      'an unknown event',
      '/cases/UC-1/events',
      { type: 'TELEPORT' },
      { issues: [expect.objectContaining({ where: 'body', path: 'type' })] },
    ],
  ])('%s', async (_label, path, body, problem) => {
    const reply = await api.post(path, body);
    expect(reply).toMatchObject({ status: 400, body: { error: 'Bad Request', ...problem } });
    expect(world.workflows.calls).toEqual([]);
  });

  it.each(['/cases', '/alerts'])('a cursor %s did not return', async (list) => {
    const reply = await api.get(`${list}?after=${Buffer.from('["yesterday","UC-1"]').toString('base64url')}`, { as: reviewer });
    expect(reply).toEqual({
      status: 400,
      body: {
        error: 'Bad Request',
        code: 'invalid_request',
        message: 'Invalid querystring: after: not a cursor returned by this API',
        issues: [{ where: 'querystring', path: 'after', message: 'not a cursor returned by this API' }],
      },
    });
    expect(world.readModel.listed).toEqual([]);
  });
});

describe('who calls', () => {
  it.each([
    ['no token', '', 'unauthenticated', 'invalid_request'],
    ['a malformed token', 'not-a-jwt', 'invalid_token', 'invalid_token'],
  ])('%s: 401 saying which, with the Bearer challenge', async (_label, token, code, challenge) => {
    const reply = await api.withHeaders('GET', '/cases/UC-1', { token });
    expect(reply).toMatchObject({ status: 401, body: { error: 'Unauthorized', code } });
    expect(reply.headers.get('www-authenticate')).toBe(`Bearer realm="reunify", error="${challenge}"`);
  });

  it('an unknown route: 404 pointing to the docs', async () => {
    expect(await api.get('/casez')).toEqual({
      status: 404,
      body: { error: 'Not Found', code: 'route_not_found', message: 'No route GET /casez; see /docs for the API.' },
    });
  });
});

describe('a failure of our own', () => {
  it('is a 500 naming the request id, with no internals; the log has the error under that id', async () => {
    await app.close();
    await start(failingView(new Error('connection to the database lost at 10.0.3.7:5432')));
    const reply = await api.withHeaders('GET', '/cases/UC-1', { headers: { 'x-request-id': 'req-42' } });
    expect({ status: reply.status, body: reply.body }).toEqual({
      status: 500,
      body: {
        error: 'Internal Server Error',
        code: 'internal_error',
        message: 'Something went wrong on our side; the request id is req-42.',
      },
    });
    const errors = logs
      .map((line) => JSON.parse(line) as { level: number; reqId: string; msg: string; err?: { message: string } })
      .filter((line) => line.level === 50);
    expect(errors).toEqual([
      expect.objectContaining({
        reqId: 'req-42',
        msg: 'request failed',
        err: expect.objectContaining({ message: 'connection to the database lost at 10.0.3.7:5432' }),
      }),
    ]);
  });
});

describe("logs carry ids, never a child's data", () => {
  it('at every level, through accepted, refused, invalid and failed requests', async () => {
    const birthDate = '2012-08-30';
    const reason = 'Grandmother Lucia Ferreira found in Tucson';
    await api.post('/cases', openCaseRequest('UC-2', { child: { birthDate, abuseVictim: true } }));
    await api.post('/cases/UC-2/events', { type: 'IDENTIFY_SPONSOR', sponsor: { category: '2A', presentsRisk: true }, reason });
    world.workflows.answer = () => {
      throw new Error('the case worker crashed');
    };
    expect((await api.post('/cases/UC-2/events', { type: 'AGE_OUT', reason })).status).toBe(500);
    expect((await api.post('/cases/UC-2/events', { type: 'AGE_OUT', reason, birthDate })).status).toBe(400);
    expect((await api.post('/cases/UC-2/events', { type: 'AGE_OUT', reason }, { as: reviewer })).status).toBe(403);
    const text = logs.join('');
    expect(text).toContain('/cases/UC-2/events');
    expect(text).not.toContain(await tokenFor(caseManager));
    expect(text).toContain('the case worker crashed');
    for (const childData of [birthDate, reason, 'Lucia', 'abuseVictim', 'presentsRisk', '"2A"'])
      expect([childData, text.includes(childData)]).toEqual([childData, false]);
  });
});
