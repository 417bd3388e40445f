import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { ImportRefusalSchema, ImportRequestSchema, ImportResultSchema } from '../../contracts/imports';
import type { ImportService } from '../../services/import-service';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

/** An import carries whole histories: far more than the 64 KiB other requests may send. */
export const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;

const importCases = {
  summary: 'Import cases from the system Reunify replaces',
  description:
    'An admin brings in cases with every event and its original time. Each history is run through the case statechart first: one impossible history (an event the case would refuse, times running backwards or in the future) or a case id already used refuses the whole batch with every reason (422), and nothing is written. Closed cases then go into the read model in one transaction, their transitions at their own times; each open case starts its workflow from its history and runs on from there (its deadlines and alerts as if it had always run here). `npm run import:cases -- file.json` sends a file. Format: docs/imports.md.',
  tags: ['imports'],
  body: ImportRequestSchema,
  response: {
    201: ImportResultSchema,
    400: ErrorSchema,
    403: ErrorSchema,
    409: ErrorSchema.describe(
      "An open case's id was taken between the check and its start (by another import or a new case, whose workflow exists before its row): the cases before it are in, the rest are not; the message names the case",
    ),
    413: ErrorSchema,
    422: ErrorSchema.extend({ refusals: z.array(ImportRefusalSchema) }),
  },
} satisfies FastifySchema;

export const importRoutes: FastifyPluginAsyncZod<{ imports: ImportService }> = async (app, { imports }) => {
  app.post('/imports', { schema: importCases, bodyLimit: IMPORT_BODY_LIMIT }, async (request, reply) =>
    reply.status(201).send(await imports.importCases(principalOf(request), request.body)),
  );
};
