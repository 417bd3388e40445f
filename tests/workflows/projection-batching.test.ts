import type { CaseProjection } from '../../src/contracts/case-view';
import { CaseMoveSchema } from '../../src/contracts/case-view';
import { caseCommandUpdate, caseViewQuery } from '../../src/contracts/messages';
import { events } from '../helpers/builders';
import type { CaseHandle } from '../helpers/case-workflow-kit';
import { fakeActivities, finished, projectedSeqs, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * Issue 18 (patch i18-batched-projection): an event's Update answers the move, not the case's
 * whole view, and a burst of transitions reaches the read model in one projection, every
 * transition exactly once and in order, across a worker restart too.
 */
const kit = useCaseWorkflowKit();

const projectedOnce = (projected: CaseProjection[], count: number) =>
  eventually(
    () => projectedSeqs(projected),
    (seqs) => seqs.length >= count,
    `${count} transitions in the read model`,
  );

async function opened(taskQueue: string, projected: CaseProjection[]): Promise<CaseHandle> {
  const handle = await kit.openCase(taskQueue);
  // The opening is projected at once: the API reads the case's care provider from it.
  await projectedOnce(projected, 1);
  return handle;
}

it('answers an event with the move, and projects a burst of events together', async () => {
  const taskQueue = uniqueName('tq');
  const projected: CaseProjection[] = [];
  const worker = await kit.createWorker(taskQueue, fakeActivities(projected));
  await worker.runUntil(async () => {
    const handle = await opened(taskQueue, projected);
    const intake = await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
    expect(CaseMoveSchema.strict().parse(intake)).toMatchObject({
      status: 'sponsor_identification',
      closed: false,
      checks: null,
      transition: { seq: 1, event: 'COMPLETE_INTAKE', fromStatus: 'intake', toStatus: 'sponsor_identification' },
    });
    expect(intake).not.toHaveProperty('transitions');
    const sponsor = CaseMoveSchema.parse(await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('1')] }));
    const assessed = CaseMoveSchema.parse(await handle.executeUpdate(caseCommandUpdate, { args: [events.completeAssessment()] }));
    expect([sponsor.transition.seq, assessed.transition.seq]).toEqual([2, 3]);
    // The move carries what the next step needs: the checks to clear and who may send what.
    expect(Object.values(assessed.checks ?? {})).toContain('pending');
    expect(assessed.allowedEvents.case_manager).toContain('CLEAR_CHECK');

    await projectedOnce(projected, 4);
    expect(projectedSeqs(projected)).toEqual([0, 1, 2, 3]);
    // Three events sent back to back: fewer projections than events (one, unless an Update took
    // longer than the window on a loaded machine).
    expect(projected.length - 1).toBeLessThan(3);
    expect(projected.at(-1)).toMatchObject({ status: 'vetting', lastSeq: 3 });
    const view = await handle.query(caseViewQuery);
    expect(view.transitions.map((t) => t.seq)).toEqual([0, 1, 2, 3]);
  });
});

it('projects a held burst exactly once across a worker restart, and a closing case at once', async () => {
  const taskQueue = uniqueName('tq');
  const projected: CaseProjection[] = [];
  // No cache on the first worker: the second one rebuilds the case from its history (see case-workflow.test.ts).
  const first = await kit.createWorker(taskQueue, fakeActivities(projected), { maxCachedWorkflows: 0 });
  let handle!: CaseHandle;
  await first.runUntil(async () => {
    handle = await opened(taskQueue, projected);
    await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
    await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('1')] });
  });
  const second = await kit.createWorker(taskQueue, fakeActivities(projected));
  await second.runUntil(async () => {
    // The burst held when the first worker stopped reaches the read model, once.
    await projectedOnce(projected, 3);
    expect(projectedSeqs(projected)).toEqual([0, 1, 2]);
    // A case that closes projects at once and completes with everything written.
    const departed = CaseMoveSchema.parse(await handle.executeUpdate(caseCommandUpdate, { args: [events.depart()] }));
    expect(departed).toMatchObject({ status: 'closed', closed: true, transition: { seq: 3, event: 'DEPART' } });
    const result = await finished(handle);
    expect(result.transitions.map((t) => t.seq)).toEqual([0, 1, 2, 3]);
    expect(projectedSeqs(projected)).toEqual([0, 1, 2, 3]);
  });
});
