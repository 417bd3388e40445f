import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';

import { OpenCaseSchema } from '../../src/contracts/case-input';
import type { CaseProjection } from '../../src/contracts/case-view';
import { CaseFailure } from '../../src/contracts/failures';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseViewQuery, reassignCaseUpdate, targetsChangedSignal } from '../../src/contracts/messages';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import type { caseWorkflow } from '../../src/workflows';
import { caseManager, openCaseRequest } from '../helpers/builders';
import type { Recorded } from '../helpers/case-workflow-kit';
import { fakeActivities, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { expeditedCase } from '../helpers/histories';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/** Issue 16 in the workflow: the assignee and its reassignment, the deadlines and their summary, a case started from its history. */
const kit = useCaseWorkflowKit();
const supervisor = { id: 'sup-cy', role: 'supervisor' } as const;
const DAY = 86_400_000;

const refusalOf = async (promise: Promise<unknown>): Promise<string> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe(CaseFailure.TRANSITION_REFUSED);
  return cause.message;
};

it("an old-shape case (no assignee in its input) is its opener's; a supervisor reassigns it by a refusable Update, projected with its audit", async () => {
  const taskQueue = uniqueName('caseload');
  const projected: CaseProjection[] = [];
  const worker = await kit.createWorker(taskQueue, fakeActivities(projected));
  await worker.runUntil(async () => {
    const handle = await kit.openCase(taskQueue);
    expect((await handle.query(caseViewQuery)).assigneeId).toBe('cm-ana');
    expect(await refusalOf(handle.executeUpdate(reassignCaseUpdate, { args: [{ assigneeId: 'cm-bo', actor: caseManager }] }))).toBe(
      'Cases are reassigned by a supervisor, not by case_manager.',
    );
    expect(await refusalOf(handle.executeUpdate(reassignCaseUpdate, { args: [{ assigneeId: 'cm-ana', actor: supervisor }] }))).toBe(
      'The case is already assigned to cm-ana.',
    );
    const view = await handle.executeUpdate(reassignCaseUpdate, {
      args: [{ assigneeId: 'cm-bo', actor: supervisor, reason: 'Caseload balance' }],
    });
    expect(view.assigneeId).toBe('cm-bo');
    expect(view.assignments).toEqual([
      expect.objectContaining({ assigneeId: 'cm-bo', previousAssigneeId: 'cm-ana', actor: supervisor, reason: 'Caseload balance' }),
    ]);
    await eventually(
      async () => projected,
      (all) => all.some((p) => p.assignments?.length === 1),
      'the reassignment to be projected',
    );
    const last = projected.at(-1)!;
    expect(last).toMatchObject({ transitions: [], assigneeId: 'cm-bo', lastSeq: 0, revision: 2 });
    expect(projected[0]).toMatchObject({ assigneeId: 'cm-ana', revision: 1 });
  });
});

it('lists its deadlines, hands the read model their summary, and projects a change of targets alone', async () => {
  const taskQueue = uniqueName('deadlines');
  const projected: CaseProjection[] = [];
  const worker = await kit.createWorker(taskQueue, fakeActivities(projected));
  await worker.runUntil(async () => {
    const admittedAt = new Date(Date.now() - DAY).toISOString();
    const handle = await kit.openCase(taskQueue, { admittedAt });
    const view = await handle.query(caseViewQuery);
    expect(view.deadlines.map((d) => [d.key, d.label, d.dueAt])).toEqual([
      ['stage.sponsor_identified.0', 'Stage: sponsor identified', new Date(Date.parse(admittedAt) + 3 * DAY).toISOString()],
      ['age_out', 'Age-out plan', expect.any(String)],
    ]);
    await eventually(
      async () => projected,
      (all) => all.length > 0,
      'the opening to be projected',
    );
    expect(projected[0]!.deadlines).toEqual({
      nextDeadlineAt: new Date(Date.parse(admittedAt) + 3 * DAY).toISOString(),
      nextDeadlineLabel: 'Stage: sponsor identified',
      atRiskAt: new Date(Date.parse(admittedAt) + 2.1 * DAY).toISOString(),
    });
    const stages = DEFAULT_TARGETS.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: 5 } : s));
    await handle.signal(targetsChangedSignal, { version: 1, targets: { ...DEFAULT_TARGETS, stages } });
    const moved = await eventually(
      async () => projected,
      (all) => all.some((p) => p.transitions.length === 0),
      'the new deadlines to be projected without a transition',
    );
    expect(moved.at(-1)!.deadlines?.nextDeadlineAt).toBe(new Date(Date.parse(admittedAt) + 5 * DAY).toISOString());
  });
});

it('starts a case from its imported history, each transition at its own time, and fires what fell due meanwhile', async () => {
  const taskQueue = uniqueName('imported');
  const projected: CaseProjection[] = [];
  const recorded: Recorded = { alerts: [] };
  const worker = await kit.createWorker(taskQueue, fakeActivities(projected, { recorded }));
  await worker.runUntil(async () => {
    const admittedAt = new Date(Math.floor((Date.now() - 20 * DAY) / 60_000) * 60_000).toISOString();
    const past = expeditedCase(uniqueName('OLD'), admittedAt, 4);
    const open = OpenCaseSchema.parse({ ...openCaseRequest(past.caseId, { admittedAt }), child: past.child });
    const handle = await kit.env.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      workflowId: caseWorkflowId(past.caseId),
      taskQueue,
      args: [{ open, history: past.events, assigneeId: 'cm-bo' }],
    });
    try {
      const view = await handle.query(caseViewQuery);
      expect(view).toMatchObject({ status: 'vetting', assigneeId: 'cm-bo' });
      expect(view.transitions.map((t) => [t.event, t.at, t.requestId])).toEqual([
        ['OPEN_CASE', admittedAt, null],
        ...past.events.map((e) => [e.event.type, new Date(e.at).toISOString(), 'import']),
      ]);
      // Category 1, 20 days in: the stay's warning (day 7) and escalation (day 10) fire at once, late.
      await eventually(
        async () => recorded.alerts,
        (all) => all.some((r) => r.fired.some((a) => a.id.endsWith('length_of_stay:escalation-0'))),
        'the overdue escalation',
      );
      expect(projected[0]!.transitions).toHaveLength(5);
    } finally {
      await handle.terminate('test finished');
    }
  });
});
