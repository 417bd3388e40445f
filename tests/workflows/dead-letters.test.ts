import { ApplicationFailure } from '@temporalio/common';

import type { ReadModelDeadLetter } from '../../src/activities/case-activities';
import type { CaseProjection } from '../../src/contracts/case-view';
import { CaseFailure } from '../../src/contracts/failures';
import { events } from '../helpers/builders';
import { fakeActivities, projectedSeqs, send, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * A write the read model refuses for good (PostgreSQL cannot store a value: SQLSTATE class 22)
 * must neither retry without end nor fail the case: the case keeps it as a dead letter, which
 * raises an alert to admins, and runs on.
 */
const kit = useCaseWorkflowKit();

const refusedForGood = (): ApplicationFailure =>
  ApplicationFailure.create({
    type: CaseFailure.PROJECTION_REJECTED,
    message: 'The read model refused the write for good (SQLSTATE 22008): date/time field value out of range',
    nonRetryable: true,
    details: [{ code: 'P2010', sqlState: '22008' }],
  });

it('a projection refused for good becomes one dead letter; the case runs on and later projections go through', async () => {
  const taskQueue = uniqueName('tq');
  const projected: CaseProjection[] = [];
  const letters: ReadModelDeadLetter[] = [];
  const activities = fakeActivities(projected);
  const project = activities.projectCase;
  let calls = 0;
  activities.projectCase = jest.fn(async (projection: CaseProjection) => {
    calls += 1;
    if (calls === 1) throw refusedForGood();
    return project(projection);
  });
  activities.recordReadModelDeadLetter = jest.fn(async (letter: ReadModelDeadLetter) => void letters.push(letter));
  const worker = await kit.createWorker(taskQueue, activities);
  await worker.runUntil(async () => {
    const handle = await kit.openCase(taskQueue);
    await eventually(
      () => letters.length,
      (n) => n === 1,
      'the dead letter of the opening projection',
    );
    expect(await send(handle, events.completeIntake())).toMatchObject({ status: 'sponsor_identification' });
    await eventually(
      () => projectedSeqs(projected),
      (seqs) => seqs.includes(1),
      'the next projection',
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');
  });
  expect(letters).toEqual([
    expect.objectContaining({
      caseId: expect.stringMatching(/^UC-/),
      careProviderId: 'shelter-tx-07',
      kind: 'projection',
      sourceKey: 'projection:0-0',
      sqlState: '22008',
      error: expect.stringMatching(/SQLSTATE 22008/),
    }),
  ]);
  expect((JSON.parse(letters[0]!.payload) as CaseProjection).transitions.map((t) => t.event)).toEqual(['OPEN_CASE']);
  // Refused for good: tried once, not retried.
  expect(activities.projectCase).toHaveBeenCalledTimes(1 + projected.length);
});

it('an alert record refused for good becomes a dead letter too, and the case goes on keeping its deadlines', async () => {
  const taskQueue = uniqueName('tq');
  const letters: ReadModelDeadLetter[] = [];
  const activities = fakeActivities([]);
  activities.recordAlerts = jest.fn(async () => {
    throw refusedForGood();
  });
  activities.recordReadModelDeadLetter = jest.fn(async (letter: ReadModelDeadLetter) => void letters.push(letter));
  const worker = await kit.createWorker(taskQueue, activities);
  await worker.runUntil(async () => {
    // Admitted 4 days ago: the sponsor-identification escalation (day 3) is due at once.
    const handle = await kit.openCase(taskQueue, { admittedAt: new Date(Date.now() - 4 * 86_400_000).toISOString() });
    await eventually(
      () => letters.length,
      (n) => n >= 1,
      'the dead letter of the first alert record',
    );
    expect(await send(handle, events.completeIntake())).toMatchObject({ status: 'sponsor_identification' });
  });
  expect(letters[0]).toMatchObject({ kind: 'alerts', sourceKey: expect.stringMatching(/^alerts:UC-.*:/), sqlState: '22008' });
});
