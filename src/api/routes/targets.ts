import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { BROADCAST_TARGETS_WORKFLOW_TYPE } from '../../contracts/messages';
import { actorOf } from '../../auth/tokens';
import { TargetsSchema, VersionedTargetsSchema } from '../../contracts/targets';
import type { PrismaClient } from '../../db/generated/client';
import { currentTargets, saveTargets } from '../../targets/store';
import { principalOf } from '../auth';
import { HttpError } from '../http-errors';
import { ErrorSchema } from '../schemas';

export interface TargetRoutesOptions {
  temporal: Client;
  prisma: PrismaClient;
  taskQueue: string;
}

const ChangeTargetsSchema = z.strictObject({
  reason: z.string().trim().min(1).max(2000).describe('Why the targets change (kept with the version)'),
  targets: TargetsSchema,
});

const TargetsChangedSchema = VersionedTargetsSchema.extend({
  broadcast: z.object({ workflowId: z.string() }).describe('The workflow telling every open case'),
});

export const targetRoutes: FastifyPluginAsyncZod<TargetRoutesOptions> = async (app, { temporal, prisma, taskQueue }) => {
  app.get(
    '/targets',
    {
      schema: {
        summary: 'The length-of-stay and stage targets in force',
        tags: ['targets'],
        response: { 200: VersionedTargetsSchema },
      },
    },
    async () => currentTargets(prisma),
  );

  app.put(
    '/targets',
    {
      schema: {
        summary: 'Change the targets (admins)',
        description:
          'Saves a new version with who and why, then tells every open case by signal (a durable broadcast workflow): open cases recompute their deadlines at once, no restart. New cases start on it.',
        tags: ['targets'],
        body: ChangeTargetsSchema,
        response: { 200: TargetsChangedSchema, 400: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request) => {
      const { reason, targets } = request.body;
      const actor = actorOf(principalOf(request));
      if (actor.role !== 'admin') {
        throw new HttpError(403, 'role_not_permitted', `Targets are changed by an admin, not by ${actor.role}.`);
      }
      const saved = await saveTargets(prisma, { targets, actor, reason });
      const workflowId = `targets-v${saved.version}`;
      await temporal.workflow
        .start(BROADCAST_TARGETS_WORKFLOW_TYPE, { workflowId, taskQueue, args: [saved] })
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        });
      request.log.info({ version: saved.version, actor: actor.id }, 'targets changed');
      return { ...saved, broadcast: { workflowId } };
    },
  );
};
