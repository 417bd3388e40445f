import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { Worker } from '@temporalio/worker';

import { bundleCaseWorkflows, installQuietRuntime } from '../helpers/temporal';

jest.setTimeout(60_000);

/**
 * Recorded histories of representative cases (scripts/record-history.ts) replayed against the
 * current workflow code: a change that would break a case already in flight fails here first.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'histories');
const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleCaseWorkflows();
});

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(2);
});

it.each(files)('replays %s deterministically', async (file) => {
  const json = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
  const history = historyFromJSON(json);
  const workflowId = `case-REC-${file.replace(/\.json$/, '')}`;
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, workflowId)).resolves.toBeUndefined();
});
