/**
 * Records the history of representative cases, run on the time-skipping test server, into
 * tests/fixtures/histories/. The replay test (tests/workflows/replay.test.ts) replays them against
 * the current workflow code, so a change that would break cases already in flight fails first.
 * Run after a deliberate, versioned change of the workflow: `npm run record:histories`. To add a
 * scenario without re-recording the others: `npm run record:histories -- <scenario name>...`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ApplicationFailure } from '@temporalio/common';
import { Worker } from '@temporalio/worker';

import type { CaseActivities } from '../src/activities/case-activities';
import { OpenCaseSchema } from '../src/contracts/case-input';
import { caseWorkflowId } from '../src/contracts/ids';
import type { CaseWorkflowInput } from '../src/contracts/messages';
import { acknowledgeAlertUpdate, caseViewQuery, releaseDecisionSignal, targetsChangedSignal } from '../src/contracts/messages';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { caseWorkflow } from '../src/workflows';
import { caseManager, decisionSignal, events, openCaseRequest } from '../tests/helpers/builders';
import type { CaseHandle } from '../tests/helpers/case-workflow-kit';
import { clearChecks, decide, send } from '../tests/helpers/case-workflow-kit';
import { bundleCaseWorkflows, createTimeSkippingEnv, temporalExecutable } from '../tests/helpers/temporal';

const FIXTURES = join(__dirname, '..', 'tests', 'fixtures', 'histories');
const DAY_MS = 86_400_000;

/** The birth date (YYYY-MM-DD, UTC) of a child who turns 18 on the day of `at`. */
function birthDateTurning18(at: number): string {
  const day = new Date(at);
  return new Date(Date.UTC(day.getUTCFullYear() - 18, day.getUTCMonth(), day.getUTCDate())).toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  const cli = temporalExecutable('temporal');
  if (cli.type !== 'existing-path') throw new Error('The temporal CLI is needed: run `npm run temporal:install`.');
  const temporalCli = cli.path;
  const [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleCaseWorkflows()]);
  const activities: CaseActivities = {
    projectCase: async (p) => ({ lastSeq: Math.max(...p.transitions.map((t) => t.seq)) }),
    recordAlerts: async () => ({ webhook: false }),
    deliverAlertWebhook: async () => ({ status: 0 }),
    recordDeadLetter: async () => undefined,
    recordReadModelDeadLetter: async () => undefined,
    signalOpenCases: async () => ({ signalled: 0, movedFirst: 0, byCareProvider: {} }),
    loadTargets: async () => ({ version: 0, targets: DEFAULT_TARGETS }),
  };
  // A read model that learns of newer targets from the third projection on, and a webhook that
  // takes warnings and refuses escalations for good (they become dead letters).
  let projections = 0;
  const newerTargets = { version: 2, targets: { ...DEFAULT_TARGETS, repeatEveryDays: 1 } };
  const webhookActivities: CaseActivities = {
    ...activities,
    projectCase: async (p) => ({ lastSeq: Math.max(-1, ...p.transitions.map((t) => t.seq)), targetsVersion: ++projections > 2 ? 2 : 0 }),
    recordAlerts: async () => ({ webhook: true }),
    deliverAlertWebhook: async (alert) => {
      if (alert.kind === 'warning') return { status: 204 };
      throw ApplicationFailure.create({
        type: 'WebhookRejected',
        message: 'The alert webhook answered 410 Gone',
        nonRetryable: true,
        details: [{ attempt: 1 }],
      });
    },
    loadTargets: async () => newerTargets,
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: bundle, activities });
  const webhookWorker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'record-webhook',
    workflowBundle: bundle,
    activities: webhookActivities,
  });
  /** A Category 1 case left idle past day 10: a supervisor acknowledges its escalation. */
  const acknowledgeDayTenEscalation = async (handle: CaseHandle, note?: string): Promise<void> => {
    await send(handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
    await env.sleep('252 hours');
    const view = await handle.query(caseViewQuery);
    const escalation = view.alerts.open.find((a) => a.id.endsWith('length_of_stay:escalation-0'));
    if (!escalation) throw new Error('expected the day-10 escalation to have fired');
    const actor = { id: 'sup-carla', role: 'supervisor' } as const;
    await handle.executeUpdate(acknowledgeAlertUpdate, { args: [{ alertId: escalation.id, actor, ...(note ? { note } : {}) }] });
  };
  const scenarios: Record<string, (handle: CaseHandle) => Promise<void>> = {
    // Expedited Category 1, closed after the follow-up; a refused reviewer signal along the way.
    'expedited-category-1-closed': async (handle) => {
      await send(handle, events.completeIntake());
      await decide(handle, events.approve(caseManager));
      await send(handle, events.identifySponsor('1'), events.completeAssessment());
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.recommend());
      await decide(handle, events.approve());
      await send(handle, events.releaseChild(), events.completeFollowUp());
    },
    // A flag that makes the home study mandatory, a denial, then Category 4; left open.
    'home-study-denied-category-4-open': async (handle) => {
      await send(handle, events.completeIntake(), events.identifySponsor('2B'), events.completeAssessment());
      await send(handle, events.flagCheck('public_records', true));
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.completeHomeStudy('unfavourable'), events.recommend('do_not_release'));
      await send(handle, events.review('deny'));
      await decide(handle, events.decide('deny'));
      await send(handle, events.noViableSponsor());
    },
    // A transfer, a withdrawal, a second sponsor remanded to vetting; left open in vetting.
    'transfer-withdrawal-remand-open': async (handle) => {
      await send(handle, events.completeIntake(), events.transfer('shelter-ca-02'), events.identifySponsor('2A'));
      await send(handle, events.sponsorWithdrew(), events.identifySponsor('3', { related: false }), events.completeAssessment());
      await clearChecks(handle);
      // A child of 9 with a Category 3 sponsor: the home study is mandatory.
      await send(handle, events.completeVetting(), events.completeHomeStudy(), events.recommend(), events.review());
      await decide(handle, events.decide('remand', { remandTo: 'vetting' }));
    },
    // Alerts: a Category 1 case idle past day 10, the escalation acknowledged, the targets changed; left open.
    'alerts-acknowledged-targets-open': async (handle) => {
      await acknowledgeDayTenEscalation(handle);
      await handle.signal(targetsChangedSignal, { version: 1, targets: { ...DEFAULT_TARGETS, repeatEveryDays: 1 } });
      await env.sleep('2 days');
    },
    // Alerts through the webhook (a warning delivered, escalations kept as dead letters), targets
    // caught up at a write, an acknowledgement, refused decisions; closed with alerts open.
    // Written by the code before the rules of issue 14 (household members, dated results and their
    // expiry, appeals, automatic age-out), to replay the old path: a denial, then a second sponsor
    // approved on day 101, after the child's 18th birthday (no automatic age-out on the old path)
    // and with public-records results 101 days old; the case left open. Recorded with that code.
    'old-rules-adult-approval-open': async (handle) => {
      await send(handle, events.completeIntake(), events.identifySponsor('2A'), events.completeAssessment());
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.recommend(), events.review());
      await decide(handle, events.decide('deny'));
      await send(handle, events.identifySponsor('1'), events.completeAssessment());
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.recommend());
      await env.sleep('101 days');
      await decide(handle, events.approve());
      await env.sleep('2 days');
    },
    'alerts-webhook-catch-up-closed': async (handle) => {
      await acknowledgeDayTenEscalation(handle, 'Calling the sponsor');
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(), 'too-early'));
      await handle.signal(releaseDecisionSignal, { requestId: 'malformed', decision: { type: 'DECIDE_RELEASE' } } as never);
      await env.sleep('2 days');
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.recommend());
      await decide(handle, events.approve());
      await send(handle, events.releaseChild());
      await env.sleep('31 days');
      await send(handle, events.completeFollowUp());
    },
    // Issue 15: a case whose history passes a (low) limit continues as new, more than once, with
    // an alert pending across a boundary; each run is recorded. Left open in the third run or later.
    'continued-as-new-open': async (handle) => {
      await send(handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await clearChecks(handle);
      await send(handle, events.completeVetting(), events.recommend());
      await env.sleep('8 days');
    },
  };
  const onWebhook = new Set(['alerts-webhook-catch-up-closed']);
  // Workflow input beyond the opening.
  const inputs: Record<string, Omit<CaseWorkflowInput, 'open'>> = { 'continued-as-new-open': { historyLimit: 40 } };
  // Opening facts a scenario needs beyond the defaults, from the server's clock at its start.
  const openings: Record<string, (now: number) => Parameters<typeof openCaseRequest>[1]> = {
    // The child turns 18 on the 100th day in care.
    'old-rules-adult-approval-open': (now) => ({ child: { birthDate: birthDateTurning18(now + 100 * DAY_MS) } }),
  };
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !(name in scenarios));
  if (unknown.length > 0) throw new Error(`No scenario named ${unknown.join(', ')}; there are ${Object.keys(scenarios).join(', ')}`);
  // Both workers run while the scenarios do.
  await webhookWorker.runUntil(
    worker.runUntil(async () => {
      for (const [name, drive] of Object.entries(scenarios)) {
        if (only.length > 0 && !only.includes(name)) continue;
        const caseId = `REC-${name}`;
        const now = await env.currentTimeMs();
        const handle = await env.client.workflow.start(caseWorkflow, {
          workflowId: caseWorkflowId(caseId),
          taskQueue: onWebhook.has(name) ? 'record-webhook' : 'record',
          args: [
            {
              ...inputs[name],
              open: OpenCaseSchema.parse(openCaseRequest(caseId, { admittedAt: new Date(now).toISOString(), ...openings[name]?.(now) })),
            },
          ],
        });
        await drive(handle);
        await env.sleep('1 minute'); // let the projection run
        // Every run of the case, from the first, following each continue-as-new to the next.
        let runId: string | undefined = handle.firstExecutionRunId;
        for (let run = 1; runId; run += 1) {
          // The CLI writes the history in the JSON form that Worker.runReplayHistory reads.
          const json = execFileSync(
            temporalCli,
            ['workflow', 'show', '--address', env.address, '--workflow-id', handle.workflowId, '--run-id', runId, '--output', 'json'],
            { encoding: 'utf8' },
          );
          const events = JSON.parse(json).events as { workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string } }[];
          runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
          const file = join(FIXTURES, run === 1 && !runId ? `${name}.json` : `${name}.run-${run}.json`);
          writeFileSync(file, json);
          console.log(`recorded ${events.length} events of ${handle.workflowId} (run ${run}) into ${file}`);
        }
      }
    }),
  );
  await env.teardown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
