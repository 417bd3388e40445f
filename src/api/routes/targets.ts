import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { VersionedTargetsSchema } from '../../contracts/targets';
import type { TargetsService } from '../../services/targets-service';
import { principalOf } from '../auth';
import { ChangeTargetsSchema, ErrorSchema, TargetsChangedSchema } from '../schemas';

/** The targets over HTTP, through the targets service. */
export const targetRoutes: FastifyPluginAsyncZod<{ targets: TargetsService }> = async (app, { targets }) => {
  app.get(
    '/targets',
    {
      schema: {
        summary: 'The length-of-stay and stage targets in force',
        tags: ['targets'],
        response: { 200: VersionedTargetsSchema },
      },
    },
    async () => targets.current(),
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
      const principal = principalOf(request);
      const changed = await targets.change(principal, request.body);
      request.log.info({ version: changed.version, actor: principal.id }, 'targets changed');
      return changed;
    },
  );
};
