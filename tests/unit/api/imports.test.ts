import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { testVerify } from '../../helpers/auth';
import { caseManager } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { caseSummary, fakeWorld } from '../../helpers/fake-services';
import { expeditedCase } from '../../helpers/histories';
import { apiClient } from '../../helpers/http';

/** POST /imports over the real import service and the real statechart, on fakes for the database and Temporal. */
let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;
const admin = { id: 'admin-ida', role: 'admin' } as const;

beforeEach(async () => {
  world = fakeWorld();
  app = await buildApp({ services: world.services, verify: testVerify });
  api = apiClient(app);
});
afterEach(() => app.close());

it('writes a closed case with its transitions at their own times, and starts an open one from its history', async () => {
  const closed = expeditedCase('OLD-1', '2026-10-01T08:00:00Z');
  const open = expeditedCase('OLD-2', '2026-11-10T08:00:00Z', 4);
  const reply = await api.post('/imports', { cases: [closed, open] }, { as: admin });
  expect(reply).toEqual({
    status: 201,
    body: {
      imported: 2,
      cases: [
        { caseId: 'OLD-1', status: 'closed', into: 'read_model' },
        { caseId: 'OLD-2', status: 'vetting', into: 'workflow' },
      ],
    },
  });
  const [row] = world.imported;
  expect(row).toMatchObject({
    caseId: 'OLD-1',
    sponsorCategory: '1',
    policyProfile: 'ifr-2025',
    releasedAt: '2026-10-13T08:00:00.000Z',
    dischargedAt: '2026-10-13T08:00:00.000Z',
    assigneeId: 'cm-ana',
  });
  expect(row!.transitions.map((t) => [t.seq, t.event, t.toStatus, t.at])).toEqual([
    [0, 'OPEN_CASE', 'intake', '2026-10-01T08:00:00.000Z'],
    [1, 'COMPLETE_INTAKE', 'sponsor_identification', '2026-10-02T08:00:00.000Z'],
    [2, 'IDENTIFY_SPONSOR', 'application', '2026-10-03T08:00:00.000Z'],
    [3, 'COMPLETE_ASSESSMENT', 'vetting', '2026-10-04T08:00:00.000Z'],
    ...[5, 6, 7, 8, 9].map((day, i) => [4 + i, 'CLEAR_CHECK', 'vetting', `2026-10-0${day}T08:00:00.000Z`]),
    [9, 'COMPLETE_VETTING', 'recommendation', '2026-10-10T08:00:00.000Z'],
    [10, 'RECOMMEND_RELEASE', 'release_decision', '2026-10-11T08:00:00.000Z'],
    [11, 'DECIDE_RELEASE', 'release_approved', '2026-10-12T08:00:00.000Z'],
    [12, 'RELEASE_CHILD', 'released', '2026-10-13T08:00:00.000Z'],
    [13, 'COMPLETE_FOLLOW_UP', 'closed', '2026-10-14T08:00:00.000Z'],
  ]);
  expect(world.workflows.started).toEqual([
    expect.objectContaining({ open: expect.objectContaining({ caseId: 'OLD-2' }), history: open.events }),
  ]);
});

it('refuses an impossible history with the reason, and imports nothing of the batch', async () => {
  const good = expeditedCase('OLD-3', '2026-10-01T08:00:00Z');
  // Vetting completed with four checks still pending.
  const skipped = expeditedCase('OLD-4', '2026-10-01T08:00:00Z');
  skipped.events.splice(4, 4);
  const backwards = expeditedCase('OLD-5', '2026-10-01T08:00:00Z', 3);
  backwards.events[2]!.at = '2026-09-30T00:00:00Z';
  world.readModel.cases.push(caseSummary('OLD-6'));
  const taken = expeditedCase('OLD-6', '2026-10-01T08:00:00Z');
  const reply = await api.post('/imports', { cases: [good, skipped, backwards, taken] }, { as: admin });
  expect(reply.status).toBe(422);
  expect(reply.body).toMatchObject({
    code: 'history_refused',
    message: expect.stringContaining('3 of 4 cases refused, so nothing was imported'),
  });
  expect(reply.body['refusals']).toEqual([
    {
      caseId: 'OLD-4',
      index: 4,
      event: 'COMPLETE_VETTING',
      at: '2026-10-10T08:00:00.000Z',
      code: 'conditions_not_met',
      message:
        'Vetting cannot complete while checks are open: relationship of sp-1 (pending), public_records of sp-1 (pending), sex_offender of sp-1 (pending), fbi_fingerprint of sp-1 (pending). Clear or flag each pending check, enter a new result for each expired one, and decide each household flag.',
    },
    {
      caseId: 'OLD-5',
      index: 2,
      event: 'COMPLETE_ASSESSMENT',
      at: '2026-09-30T00:00:00Z',
      code: 'conditions_not_met',
      message: expect.stringContaining('before the event or admission it follows'),
    },
    {
      caseId: 'OLD-6',
      index: null,
      event: null,
      at: null,
      code: 'case_exists',
      message: 'A case with id OLD-6 already exists; case ids are never reused.',
    },
  ]);
  expect(world.imported).toEqual([]);
  expect(world.workflows.started).toEqual([]);
});

it('is for admins only, and says what is wrong with a malformed file', async () => {
  expect(await api.post('/imports', { cases: [expeditedCase('OLD-7', '2026-10-01T08:00:00Z')] }, { as: caseManager })).toMatchObject({
    status: 403,
    body: { message: 'Cases are imported by an admin, not by case_manager.' },
  });
  const bad = await api.post(
    '/imports',
    { cases: [{ ...expeditedCase('OLD-8', '2026-10-01T08:00:00Z'), admittedAt: 'yesterday' }] },
    { as: admin },
  );
  expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: 'cases.0.admittedAt' }] } });
});

it('answers for a closed case the read model holds without a workflow (imported): 404 naming its audit trail, and a reassignment refused as closed', async () => {
  world.readModel.cases.push(caseSummary('OLD-9', 'shelter-tx-07', { status: 'closed' }));
  const supervisor = { id: 'sup-cy', role: 'supervisor' } as const;
  expect(await api.get('/cases/OLD-9', { as: supervisor })).toMatchObject({
    status: 404,
    body: { code: 'case_not_found', message: expect.stringContaining('GET /cases/OLD-9/audit') },
  });
  expect(await api.post('/cases/OLD-9/assignee', { assigneeId: 'cm-bo' }, { as: supervisor })).toMatchObject({
    status: 409,
    body: { code: 'case_closed', status: 'closed', allowedEvents: [] },
  });
});
