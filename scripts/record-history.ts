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
import { caseCommandUpdate, releaseDecisionSignal } from '../src/contracts/messages';
import { caseWorkflow } from '../src/workflows';
import { caseManager, decisionSignal, events, openCaseRequest } from '../tests/helpers/builders';
import { bundleCaseWorkflows, createTimeSkippingEnv, temporalExecutable } from '../tests/helpers/temporal';

const FIXTURES = join(__dirname, '..', 'tests', 'fixtures', 'histories');

async function main(): Promise<void> {
  const cli = temporalExecutable('temporal');
  if (cli.type !== 'existing-path') throw new Error('The temporal CLI is needed: run `npm run temporal:install`.');
  const temporalCli = cli.path;
  const [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleCaseWorkflows()]);
  const activities: CaseActivities = { projectCase: async (p) => ({ lastSeq: Math.max(...p.transitions.map((t) => t.seq)) }) };
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'record', workflowBundle: bundle, activities });
  const scenarios: Record<string, (caseId: string) => Promise<void>> = {
    // Category 1, no home study; a refused reviewer signal along the way.
    'slice-category-1': async (caseId) => {
      const handle = env.client.workflow.getHandle(caseWorkflowId(caseId));
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve(caseManager)));
      await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('1')] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeVetting()] });
      await handle.signal(releaseDecisionSignal, decisionSignal(events.approve()));
      await handle.executeUpdate(caseCommandUpdate, { args: [events.releaseChild()] });
    },
    // A mandatory home study; left open in release_decision.
    'slice-home-study-open': async (caseId) => {
      const handle = env.client.workflow.getHandle(caseWorkflowId(caseId));
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeIntake()] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.identifySponsor('3', { presentsRisk: true })] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeVetting()] });
      await handle.executeUpdate(caseCommandUpdate, { args: [events.completeHomeStudy()] });
    },
  };
  await worker.runUntil(async () => {
    for (const [name, drive] of Object.entries(scenarios)) {
      const caseId = `REC-${name}`;
      const handle = await env.client.workflow.start(caseWorkflow, {
        workflowId: caseWorkflowId(caseId),
        taskQueue: 'record',
        args: [{ open: OpenCaseSchema.parse(openCaseRequest(caseId)) }],
      });
      await drive(caseId);
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
