import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { NativeConnection } from '@temporalio/worker';
import { Worker as TemporalWorker } from '@temporalio/worker';

import { OpenCaseSchema } from '../../src/contracts/case-input';
import type { CaseView } from '../../src/contracts/case-view';
import { caseWorkflowId } from '../../src/contracts/ids';
import { caseViewQuery } from '../../src/contracts/messages';
import type { Targets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import type { caseWorkflow } from '../../src/workflows';
import { openCaseRequest } from '../helpers/builders';
import type { Recorded } from '../helpers/case-workflow-kit';
import { fakeActivities, firedIds } from '../helpers/case-workflow-kit';
import { eventually } from '../helpers/eventually';
import { bundleCaseWorkflows, createDevServerOnDisk, uniqueName } from '../helpers/temporal';

jest.setTimeout(120_000);

/**
 * The Temporal server restarts while a case's alert timer is pending: the dev server on disk (as
 * `npm start` runs it) is stopped, the deadline passes while it is down, and it starts again on the
 * same file and port. The worker keeps running throughout and reconnects. Real time: the targets
 * are seconds.
 */
const SECOND_IN_DAYS = 1 / 86_400;
/** Sponsor identified within 20 s of admission: a warning at 10 s, the escalation at 20 s. */
const fastTargets: Targets = {
  ...DEFAULT_TARGETS,
  warnAtFraction: 0.5,
  stages: DEFAULT_TARGETS.stages.map((s) => (s.name === 'sponsor_identified' ? { ...s, days: 20 * SECOND_IN_DAYS } : s)),
};
const WARNING_AFTER_MS = 10_000;

let dir: string;
let env: TestWorkflowEnvironment | undefined;
let connection: NativeConnection | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'reunify-restart-'));
});
afterAll(async () => {
  await env?.teardown();
  await connection?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(at - Date.now(), 0)));

it('an alert that fell due while the server was down fires once after the restart, then the next from its new timer', async () => {
  const dbFile = join(dir, 'temporal.sqlite');
  env = await createDevServerOnDisk(dbFile);
  const port = Number(env.address.split(':').at(-1));
  // The worker's own connection: it outlives the first server and reconnects to the second.
  connection = await NativeConnection.connect({ address: env.address });
  const recorded: Recorded = { alerts: [] };
  const taskQueue = uniqueName('restart');
  const worker: Worker = await TemporalWorker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleCaseWorkflows(),
    activities: fakeActivities([], { recorded }),
  });
  const caseId = uniqueName('UC');
  const admittedAt = Date.now();
  // Through the client of the server running now.
  const handle = () => env!.client.workflow.getHandle<typeof caseWorkflow>(caseWorkflowId(caseId));
  const view = (): Promise<CaseView> => handle().query(caseViewQuery);

  await worker.runUntil(async () => {
    await env!.client.workflow.start<typeof caseWorkflow>('caseWorkflow', {
      workflowId: caseWorkflowId(caseId),
      taskQueue,
      args: [
        {
          open: OpenCaseSchema.parse(openCaseRequest(caseId, { admittedAt: new Date(admittedAt).toISOString() })),
          targets: { version: 1, targets: fastTargets },
        },
      ],
    });
    // Idle on its durable timer: the opening projected, the timer started, nothing else running.
    await eventually(
      async () => {
        const [history, { raw }] = await Promise.all([handle().fetchHistory(), handle().describe()]);
        return { last: history.events?.at(-1)?.eventType, activities: raw.pendingActivities?.length ?? 0 };
      },
      ({ last, activities }) => last === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED && activities === 0,
      'the case to wait on its timer',
    );
    const warningAt = new Date(admittedAt + WARNING_AFTER_MS).toISOString();
    const pending = await view();
    expect(pending.alerts).toMatchObject({ nextDeadlineAt: warningAt, firedCount: 0 });

    await env!.teardown();
    env = undefined;
    if (Date.now() >= admittedAt + WARNING_AFTER_MS)
      throw new Error('The server stopped after the warning was due: the scenario needs it down before');
    // Down past the warning's deadline: nothing can fire.
    await sleepUntil(admittedAt + WARNING_AFTER_MS + 2_000);
    expect(firedIds(recorded)).toEqual([]);
    env = await createDevServerOnDisk(dbFile, port);

    const warning = `${caseId}:stage.sponsor_identified.0:warning`;
    const escalation = `${caseId}:stage.sponsor_identified.0:escalation-0`;
    await eventually(
      async () => firedIds(recorded),
      (ids) => ids.includes(warning),
      'the overdue warning after the restart',
    );
    // The warning fired late, once; then the escalation, from the timer set after the restart.
    await eventually(
      async () => firedIds(recorded),
      (ids) => ids.includes(escalation),
      'the escalation',
      30_000,
    );
    const after = await eventually(view, (v) => v.alerts.firedCount === 2 && v.alerts.nextDeadlineAt !== null, 'the case to settle');
    expect(firedIds(recorded)).toEqual([warning, escalation]);
    const fired = after.alerts.open.find((a) => a.id === warning)!;
    expect(Date.parse(fired.firedAt)).toBeGreaterThanOrEqual(admittedAt + WARNING_AFTER_MS + 2_000);
    expect(fired.dueAt).toBe(warningAt);
  });
});
