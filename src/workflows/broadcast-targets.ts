import { proxyActivities } from '@temporalio/workflow';

import type { CaseActivities } from '../activities/case-activities';
import type { VersionedTargets } from '../contracts/targets';

const { signalOpenCases } = proxyActivities<CaseActivities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * Tells every open case about new targets, those whose deadlines the change from `previous` moves
 * first. Durable: if the process that changed the targets stops, the broadcast still finishes.
 * Cases ignore a version they already have, so a retry is harmless.
 */
export async function broadcastTargetsWorkflow(
  targets: VersionedTargets,
  previous?: VersionedTargets,
): ReturnType<CaseActivities['signalOpenCases']> {
  return previous === undefined ? signalOpenCases(targets) : signalOpenCases(targets, previous);
}
