import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { testVerify } from '../../helpers/auth';
import { openCaseRequest } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/** What the door refuses before anything reaches a case: 400, every problem named, nothing started. */
let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;

beforeEach(async () => {
  world = fakeWorld();
  app = await buildApp({ services: world.services, verify: testVerify });
  api = apiClient(app);
});
afterEach(() => app.close());

describe('dates a case cannot have', () => {
  const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
  it.each([
    ['a year 0 admission, which PostgreSQL cannot store', { admittedAt: '0000-01-01T00:00:00Z' }, 'admittedAt', /is before 2003-03-01/],
    ['an admission before the program began', { admittedAt: '1999-06-01T00:00:00Z' }, 'admittedAt', /is before 2003-03-01/],
    ['an admission tomorrow', { admittedAt: soon(86_400_000) }, 'admittedAt', /is in the future/],
    ['a birth in 9999', { child: { birthDate: '9999-12-31' } }, 'child.birthDate', /is after the admission \(2026-11-02\)/],
    ['a birth after the admission', { child: { birthDate: '2026-11-03' } }, 'child.birthDate', /is after the admission/],
    [
      'a birth in year 1 (an adult, who could AGE_OUT at once)',
      { child: { birthDate: '0001-01-01' } },
      'child.birthDate',
      /makes the child 2025 on admission \(2026-11-02\): ORR admits children under 18/,
    ],
    ['an 18th birthday on the admission day', { child: { birthDate: '2008-11-02' } }, 'child.birthDate', /makes the child 18 on admission/],
    ['a calendar date that does not exist', { child: { birthDate: '2017-02-30' } }, 'child.birthDate', /Invalid/i],
  ])('%s: 400 naming the field, and no case is started', async (_what, overrides, path, message) => {
    const reply = await api.post<{ code: string; issues: { where: string; path: string; message: string }[] }>(
      '/cases',
      openCaseRequest('UC-D-1', overrides),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('invalid_request');
    expect(reply.body.issues).toContainEqual({ where: 'body', path, message: expect.stringMatching(message) });
    expect(world.workflows.calls).toEqual([]);
  });

  it('the day before the 18th birthday, and an admission a minute ahead of this clock, are taken', async () => {
    const admittedAt = soon(60_000);
    const reply = await api.post(
      '/cases',
      openCaseRequest('UC-D-2', { admittedAt, child: { birthDate: `${Number(admittedAt.slice(0, 4)) - 18}${admittedAt.slice(4, 10)}` } }),
    );
    // Born 18 years before the admission day: refused; the next day: taken.
    expect(reply.status).toBe(400);
    const dayAfter = new Date(Date.parse(`${Number(admittedAt.slice(0, 4)) - 18}${admittedAt.slice(4, 10)}T00:00:00Z`) + 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect((await api.post('/cases', openCaseRequest('UC-D-2', { admittedAt, child: { birthDate: dayAfter } }))).status).toBe(201);
  });
});
