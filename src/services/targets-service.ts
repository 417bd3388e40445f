import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

import type { Principal } from '../auth/tokens';
import { actorOf } from '../auth/tokens';
import { BROADCAST_TARGETS_WORKFLOW_TYPE } from '../contracts/messages';
import type { Targets, VersionedTargets } from '../contracts/targets';
import type { PrismaClient } from '../db/generated/client';
import { currentTargets, saveTargets } from '../targets/store';
import { assertMayChangeTargets } from './access';

/** The targets that drive the alerts: read them; an admin saves a new version that reaches every open case. */
export interface TargetsService {
  current(): Promise<VersionedTargets>;
  /** Saves a new version with who and why, then starts the broadcast that signals every open case. */
  change(principal: Principal, change: { targets: Targets; reason: string }): Promise<VersionedTargets & { broadcast: { workflowId: string } }>;
}

export function createTargetsService({ prisma, temporal, taskQueue }: { prisma: PrismaClient; temporal: Client; taskQueue: string }): TargetsService {
  return {
    current: () => currentTargets(prisma),
    async change(principal, { targets, reason }) {
      assertMayChangeTargets(principal);
      const saved = await saveTargets(prisma, { targets, actor: actorOf(principal), reason });
      const workflowId = `targets-v${saved.version}`;
      await temporal.workflow
        .start(BROADCAST_TARGETS_WORKFLOW_TYPE, { workflowId, taskQueue, args: [saved] })
        .catch((err: unknown) => {
          // A retry after a crash between the save and the start: the broadcast runs already.
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        });
      return { ...saved, broadcast: { workflowId } };
    },
  };
}
