import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

import type { CaseCommandRequest } from '../../src/contracts/case-events';
import { CaseCommandSchema } from '../../src/contracts/case-events';
import type { CaseMove } from '../../src/contracts/case-view';
import { moveOf } from '../../src/contracts/case-view';
import { keyedUpdateId } from '../../src/contracts/idempotency';
import { caseCommandOnceUpdate, caseViewQuery } from '../../src/contracts/messages';
import { idempotencyOf } from '../../src/services/idempotency';
import { events } from '../helpers/builders';
import type { CaseHandle } from '../helpers/case-workflow-kit';
import { fakeActivities, send, useCaseWorkflowKit } from '../helpers/case-workflow-kit';
import { uniqueName } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * An Idempotency-Key, as the API sends it (the keyed Update, its id the key and the request's
 * fingerprint): a retry answers the first outcome, a refusal included; the same key for another
 * request is refused and changes nothing.
 */
const kit = useCaseWorkflowKit();

/** Sends a case manager's event with a key, as the API does; answers the view or the failure. */
async function keyed(handle: CaseHandle, key: string, request: CaseCommandRequest): Promise<CaseMove | ApplicationFailure> {
  const caseId = handle.workflowId.replace(/^case-/, '');
  const { fingerprint } = idempotencyOf(key, caseId, CaseCommandSchema.parse(request));
  try {
    return moveOf(
      await handle.executeUpdate(caseCommandOnceUpdate, {
        args: [{ key, fingerprint, command: request }],
        updateId: keyedUpdateId(key, fingerprint),
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
    throw err;
  }
}

async function onCase(run: (handle: CaseHandle) => Promise<void>): Promise<void> {
  const taskQueue = uniqueName('tq');
  const worker = await kit.createWorker(taskQueue, fakeActivities([]));
  await worker.runUntil(async () => run(await kit.openCase(taskQueue)));
}

it('the same key and request apply once and answer the same outcome', async () => {
  await onCase(async (handle) => {
    const first = await keyed(handle, 'k-intake', events.completeIntake());
    const again = await keyed(handle, 'k-intake', events.completeIntake());
    expect(first).toMatchObject({ status: 'sponsor_identification' });
    expect(again).toEqual(first);
    const { transitions } = await handle.query(caseViewQuery);
    expect(transitions.map((t) => [t.event, t.requestId])).toEqual([
      ['OPEN_CASE', null],
      ['COMPLETE_INTAKE', 'k-intake'],
    ]);
  });
});

it('the same key with a different request is refused (IdempotencyKeyReused), and the other request is not applied', async () => {
  await onCase(async (handle) => {
    await keyed(handle, 'k-1', events.completeIntake());
    const reused = await keyed(handle, 'k-1', events.identifySponsor('1'));
    expect(reused).toBeInstanceOf(ApplicationFailure);
    expect(reused).toMatchObject({
      type: 'IdempotencyKeyReused',
      message: 'Idempotency-Key k-1 was used for a different request to this case; use a new key for a new request.',
    });
    const view = await handle.query(caseViewQuery);
    expect(view).toMatchObject({ status: 'sponsor_identification', sponsor: null });
    expect(view.transitions).toHaveLength(2);
  });
});

it("a refusal is the key's outcome: after the case has moved on, the same key and request are refused again, and nothing applies", async () => {
  await onCase(async (handle) => {
    await send(handle, events.completeIntake());
    // Too early: the sponsor is not identified yet.
    const refused = await keyed(handle, 'k-assess', events.completeAssessment());
    expect(refused).toMatchObject({
      type: 'TransitionRefused',
      details: [expect.objectContaining({ code: 'not_allowed_in_state', status: 'sponsor_identification' })],
    });
    await send(handle, events.identifySponsor('1'));
    // Now COMPLETE_ASSESSMENT would be accepted, but this key's outcome is kept.
    const retried = await keyed(handle, 'k-assess', events.completeAssessment());
    expect(retried).toEqual(refused);
    expect((await handle.query(caseViewQuery)).status).toBe('application');
    // A new key is a new request.
    expect(await keyed(handle, 'k-assess-2', events.completeAssessment())).toMatchObject({ status: 'vetting' });
  });
});
