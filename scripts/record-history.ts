/**
 * Records the history of representative cases, run on the time-skipping test server, into
 * tests/fixtures/histories/. The replay test (tests/workflows/replay.test.ts) replays them against
 * the current workflow code, so a change that would break cases already in flight fails first.
 * Run after a deliberate, versioned change of the workflow: `npm run record:histories`.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Worker } from '@temporalio/worker';

import type { CaseActivities } from '../src/activities/case-activities';
import { OpenCaseSchema } from '../src/contracts/case-input';
import { caseWorkflowId } from '../src/contracts/ids';
import { acknowledgeAlertUpdate, caseViewQuery, targetsChangedSignal } from '../src/contracts/messages';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import { caseWorkflow } from '../src/workflows';
import { caseManager, events, openCaseRequest } from '../tests/helpers/builders';
import type { CaseHandle } from '../tests/helpers/case-workflow-kit';
import { clearChecks, decide, send } from '../tests/helpers/case-workflow-kit';
import { bundleCaseWorkflows, createTimeSkippingEnv, temporalExecutable } from '../tests/helpers/temporal';

const FIXTURES = join(__dirname, '..', 'tests', 'fixtures', 'histories');

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
    signalOpenCases: async () => ({ signalled: 0 }),
    loadTargets: async () => ({ version: 0, targets: DEFAULT_TARGETS }),
  };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: bundle, activities });
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
      await send(handle, events.completeIntake(), events.identifySponsor('1'), events.completeAssessment());
      await env.sleep('252 hours');
      const view = await handle.query(caseViewQuery);
      const escalation = view.alerts.open.find((a) => a.id.endsWith('length_of_stay:escalation-0'));
      if (!escalation) throw new Error('expected the day-10 escalation to have fired');
      await handle.executeUpdate(acknowledgeAlertUpdate, { args: [{ alertId: escalation.id, actor: { id: 'sup-carla', role: 'supervisor' } }] });
      await handle.signal(targetsChangedSignal, { version: 1, targets: { ...DEFAULT_TARGETS, repeatEveryDays: 1 } });
      await env.sleep('2 days');
    },
  };
  await worker.runUntil(async () => {
    for (const [name, drive] of Object.entries(scenarios)) {
      const caseId = `REC-${name}`;
      const handle = await env.client.workflow.start(caseWorkflow, {
        workflowId: caseWorkflowId(caseId),
        taskQueue: 'record',
        args: [{ open: OpenCaseSchema.parse(openCaseRequest(caseId, { admittedAt: new Date(await env.currentTimeMs()).toISOString() })) }],
      });
      await drive(handle);
      await env.sleep('1 minute'); // let the projection run
      // The CLI writes the history in the JSON form that Worker.runReplayHistory reads.
      const file = join(FIXTURES, `${name}.json`);
      const json = execFileSync(temporalCli, ['workflow', 'show', '--address', env.address, '--workflow-id', handle.workflowId, '--output', 'json'], {
        encoding: 'utf8',
      });
      writeFileSync(file, json);
      console.log(`recorded ${JSON.parse(json).events.length} events of ${handle.workflowId} into ${file}`);
    }
  });
  await env.teardown();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
