import type { FastifyInstance } from 'fastify';

import { buildApp } from '../../../src/api/app';
import { refused } from '../../../src/services/errors';
import { testVerify } from '../../helpers/auth';
import { caseManager, reviewer } from '../../helpers/builders';
import type { FakeWorld } from '../../helpers/fake-services';
import { alertView, caseSummary, caseView, fakeWorld } from '../../helpers/fake-services';
import { apiClient } from '../../helpers/http';

/** Bulk actions over the real services on fakes: each item's outcome, in order; a role refused once, before any item. */
let world: FakeWorld;
let app: FastifyInstance;
let api: ReturnType<typeof apiClient>;
const supervisor = { id: 'sup-cy', role: 'supervisor' } as const;

beforeEach(async () => {
  world = fakeWorld();
  for (const id of ['UC-1', 'UC-2', 'UC-3']) {
    world.workflows.add(caseView({ caseId: id }));
    world.readModel.cases.push(caseSummary(id));
  }
  world.workflows.add(caseView({ caseId: 'UC-OLD', closed: true, status: 'closed' }), false);
  world.readModel.cases.push(caseSummary('UC-OLD'), caseSummary('UC-AZ', 'shelter-az-02'));
  app = await buildApp({ services: world.services, verify: testVerify });
  api = apiClient(app);
});
afterEach(() => app.close());

describe('POST /bulk/reassign', () => {
  it('answers each case: applied, refused by the case (and audited), out of scope, unknown', async () => {
    world.workflows.onReassign = (view, change) => {
      if (view.caseId === 'UC-2')
        throw refused({ code: 'conditions_not_met', message: `The case is already assigned to ${change.assigneeId}.` });
      return { ...view, assigneeId: change.assigneeId };
    };
    const reply = await api.post(
      '/bulk/reassign',
      { caseIds: ['UC-1', 'UC-2', 'UC-AZ', 'UC-404'], assigneeId: 'cm-bo' },
      { as: supervisor, careProvider: 'shelter-tx-07' },
    );
    expect(reply).toEqual({
      status: 200,
      body: {
        applied: 1,
        refused: 3,
        failed: 0,
        items: [
          { id: 'UC-1', outcome: 'applied' },
          { id: 'UC-2', outcome: 'refused', code: 'conditions_not_met', message: 'The case is already assigned to cm-bo.' },
          { id: 'UC-AZ', outcome: 'refused', code: 'out_of_scope', message: expect.stringContaining('another care provider') },
          { id: 'UC-404', outcome: 'refused', code: 'case_not_found', message: 'No case with id UC-404.' },
        ],
      },
    });
    expect(world.workflows.calls).toEqual(['reassign UC-1 to cm-bo by supervisor', 'reassign UC-2 to cm-bo by supervisor']);
    expect(world.audit.of('UC-2')).toEqual([
      'refused REASSIGN_CASE by supervisor: conditions_not_met: The case is already assigned to cm-bo.',
    ]);
  });

  it('refuses a role that does not reassign, once, trying no case; and repeated ids are a 400', async () => {
    expect(await api.post('/bulk/reassign', { caseIds: ['UC-1'], assigneeId: 'cm-bo' }, { as: caseManager })).toMatchObject({
      status: 403,
      body: { code: 'role_not_permitted', message: 'Cases are reassigned by a supervisor, not by case_manager.' },
    });
    expect(await api.post('/bulk/reassign', { caseIds: ['UC-1', 'UC-1'], assigneeId: 'cm-bo' }, { as: supervisor })).toMatchObject({
      status: 400,
    });
    expect(world.workflows.calls).toEqual([]);
  });

  it('says an item failed, to retry, when no worker answers', async () => {
    world.workflows.workerUp = false;
    const reply = await api.post('/bulk/reassign', { caseIds: ['UC-3'], assigneeId: 'cm-bo' }, { as: supervisor });
    expect(reply.body).toMatchObject({ failed: 1, items: [{ id: 'UC-3', outcome: 'failed', code: 'worker_unavailable' }] });
  });
});

describe('POST /bulk/transfer', () => {
  it("sends each case ORR's transfer: applied, or refused for a closed case", async () => {
    const reply = await api.post(
      '/bulk/transfer',
      { caseIds: ['UC-1', 'UC-OLD'], toCareProviderId: 'shelter-az-02', reason: 'Bed space' },
      { as: reviewer },
    );
    expect(reply.body).toMatchObject({
      applied: 1,
      refused: 1,
      items: [
        { id: 'UC-1', outcome: 'applied' },
        { id: 'UC-OLD', outcome: 'refused', code: 'case_closed' },
      ],
    });
    expect(world.workflows.calls).toContain('send UC-1 TRANSFER_CARE_PROVIDER by orr_reviewer');
    expect((await api.post('/bulk/transfer', { caseIds: ['UC-1'], toCareProviderId: 'x', reason: 'y' }, { as: supervisor })).status).toBe(
      403,
    );
  });
});

describe('POST /bulk/alerts/acknowledge', () => {
  it('acknowledges each alert, refusing a resolved one and an unknown one', async () => {
    world.readModel.alerts.push(
      alertView('UC-1', { id: 'UC-1:length_of_stay:warning' }),
      alertView('UC-2', { id: 'UC-2:x', resolvedAt: '2026-11-13T00:00:00.000Z' }),
    );
    const reply = await api.post(
      '/bulk/alerts/acknowledge',
      { alertIds: ['UC-1:length_of_stay:warning', 'UC-2:x', 'nope'], note: 'Seen' },
      { as: supervisor },
    );
    expect(reply.body).toMatchObject({
      applied: 1,
      refused: 2,
      items: [
        { id: 'UC-1:length_of_stay:warning', outcome: 'applied' },
        { id: 'UC-2:x', outcome: 'refused', code: 'alert_resolved' },
        { id: 'nope', outcome: 'refused', code: 'alert_not_found' },
      ],
    });
  });
});
