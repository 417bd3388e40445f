import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { BulkAcknowledgeSchema, BulkReassignSchema, BulkResultSchema, BulkTransferSchema } from '../../contracts/bulk';
import type { BulkService } from '../../services/bulk-service';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

const PER_ITEM =
  'Each item is applied whole or refused whole (one Workflow Update to its case, audited as the single action is), and the answer lists each outcome with the reason; up to 200 items. A role that may not take the action at all gets 403 and nothing is tried.';

const bulk = (summary: string, body: FastifySchema['body'], who: string) =>
  ({
    summary,
    description: `${who} ${PER_ITEM}`,
    tags: ['bulk'],
    body,
    response: { 200: BulkResultSchema, 400: ErrorSchema, 403: ErrorSchema },
  }) satisfies FastifySchema;

const reassign = bulk('Reassign many cases to a case manager', BulkReassignSchema, 'Supervisors (scoped ones within their care provider).');
const acknowledge = bulk('Acknowledge many alerts', BulkAcknowledgeSchema, 'Supervisors (scoped ones within their care provider).');
const transfer = bulk('Transfer cases to another care provider', BulkTransferSchema, 'ORR reviewers, who approve transfers.');

/** Bulk actions over HTTP: each hands the verified caller and the items to the bulk service. */
export const bulkRoutes: FastifyPluginAsyncZod<{ bulk: BulkService }> = async (app, { bulk: service }) => {
  app.post('/bulk/reassign', { schema: { ...reassign, body: BulkReassignSchema } }, async (request) =>
    service.reassign(principalOf(request), request.body, { requestId: request.id }),
  );
  app.post('/bulk/alerts/acknowledge', { schema: { ...acknowledge, body: BulkAcknowledgeSchema } }, async (request) =>
    service.acknowledge(principalOf(request), request.body),
  );
  app.post('/bulk/transfer', { schema: { ...transfer, body: BulkTransferSchema } }, async (request) =>
    service.transfer(principalOf(request), request.body, { requestId: request.id }),
  );
};
