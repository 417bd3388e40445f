import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { VersionedTargetsSchema } from '../../contracts/targets';
import type { TargetsService } from '../../services/targets-service';
import { principalOf } from '../auth';
import { ChangeTargetsSchema, ErrorSchema, TargetsChangedSchema } from '../schemas';

const currentTargets = {
  summary: 'The length-of-stay and stage targets in force',
  tags: ['targets'],
  response: { 200: VersionedTargetsSchema },
} satisfies FastifySchema;

const changeTargets = {
  summary: 'Change the targets (admins)',
  description:
    'Saves a new version with who and why, then tells every open case by signal (a durable broadcast workflow): open cases recompute their deadlines at once, no restart. New cases start on it.',
  tags: ['targets'],
  body: ChangeTargetsSchema,
  response: { 200: TargetsChangedSchema, 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;

/** The targets over HTTP, through the targets service. */
export const targetRoutes: FastifyPluginAsyncZod<{ targets: TargetsService }> = async (app, { targets }) => {
  app.get('/targets', { schema: currentTargets }, async () => targets.current());

  app.put('/targets', { schema: changeTargets }, async (request) => {
    const principal = principalOf(request);
    const changed = await targets.change(principal, request.body);
    request.log.info({ version: changed.version, actor: principal.id }, 'targets changed');
    return changed;
  });
};
