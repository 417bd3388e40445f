import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { CaseViewSchema } from '../../contracts/case-view';
import { CaseListSchema } from '../../contracts/read-model';
import type { CaseService } from '../../services/case-service';
import { principalOf } from '../auth';
import {
  AuditTrailSchema,
  CaseCommandBodySchema,
  CaseParamsSchema,
  DecisionAcceptedSchema,
  ErrorSchema,
  IdempotencyHeadersSchema,
  ListCasesQuerySchema,
  OpenCaseBodySchema,
  OpenedCaseSchema,
  RefusalBodySchema,
  ReleaseDecisionBodySchema,
} from '../schemas';

const openCase = {
  operationId: 'openCase',
  summary: 'Open a case',
  description: "Starts the case's workflow. The case id is the workflow's identity: it is never reused.",
  tags: ['cases'],
  body: OpenCaseBodySchema,
  response: { 201: OpenedCaseSchema, 400: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
} satisfies FastifySchema;

const caseView = {
  operationId: 'getCase',
  summary: "A case's live state",
  description: 'The status, the events allowed now by role, and every transition so far, from the workflow.',
  tags: ['cases'],
  params: CaseParamsSchema,
  response: { 200: CaseViewSchema, 403: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
} satisfies FastifySchema;

const sendEvent = {
  operationId: 'sendEvent',
  summary: "Send a case manager's event",
  description:
    "Applies the event if the case allows it now, and answers the new state; otherwise 409 with the reason and the events allowed now, and the case is unchanged. A role that may not send the event gets 403. An `Idempotency-Key` header makes a retried request apply once: the same key and request answer the first outcome (the case's 409 too); the same key with another request gets 422.",
  tags: ['cases'],
  params: CaseParamsSchema,
  headers: IdempotencyHeadersSchema,
  body: CaseCommandBodySchema,
  response: {
    200: CaseViewSchema,
    400: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: RefusalBodySchema.or(ErrorSchema),
    422: ErrorSchema,
    503: ErrorSchema,
  },
} satisfies FastifySchema;

const decide = {
  operationId: 'decide',
  summary: "Send an ORR reviewer's release decision",
  description:
    'Delivered to the case as a signal, which is durable even while no worker runs. Refused at once (409) when the case does not allow it now; a decision the case refuses later is recorded in `refusedSignals`, never applied.',
  tags: ['cases'],
  params: CaseParamsSchema,
  body: ReleaseDecisionBodySchema,
  response: {
    200: DecisionAcceptedSchema,
    202: DecisionAcceptedSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: RefusalBodySchema.or(ErrorSchema),
  },
} satisfies FastifySchema;

const auditTrail = {
  operationId: 'getAuditTrail',
  summary: "A case's audit trail",
  description:
    'Every accepted event and every refused attempt, oldest first, each with actor, role, time, reason and request id, hash-chained; `verified` says whether every link checks out, `brokenAt` where the first does not.',
  tags: ['cases'],
  params: CaseParamsSchema,
  response: { 200: AuditTrailSchema, 403: ErrorSchema, 404: ErrorSchema },
} satisfies FastifySchema;

const listCases = {
  operationId: 'listCases',
  summary: 'List cases by status',
  description: 'From the read model (eventually consistent with the workflows), oldest admission first.',
  tags: ['cases'],
  querystring: ListCasesQuerySchema,
  response: { 200: CaseListSchema, 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;

/** Cases over HTTP: each route hands the verified caller and the request to the case service. */
export const caseRoutes: FastifyPluginAsyncZod<{ cases: CaseService }> = async (app, { cases }) => {
  app.post('/cases', { schema: openCase }, async (request, reply) => {
    const opened = await cases.open(principalOf(request), request.body);
    const self = `/cases/${opened.caseId}`;
    const links = { self, events: `${self}/events`, decision: `${self}/decision` };
    return reply
      .status(201)
      .header('location', self)
      .send({ ...opened, links });
  });

  app.get('/cases/:id', { schema: caseView }, async (request) => cases.view(principalOf(request), request.params.id));

  app.post('/cases/:id/events', { schema: sendEvent }, async (request) =>
    cases.send(principalOf(request), request.params.id, request.body, {
      requestId: request.id,
      idempotencyKey: request.headers['idempotency-key'],
    }),
  );

  app.post('/cases/:id/decision', { schema: decide }, async (request, reply) => {
    const caseId = request.params.id;
    const outcome = await cases.decide(principalOf(request), caseId, request.body, { requestId: request.id });
    return reply.status(outcome.applied === null ? 202 : 200).send({ caseId, delivered: true, ...outcome });
  });

  app.get('/cases/:id/audit', { schema: auditTrail }, async (request) => cases.audit(principalOf(request), request.params.id));

  app.get('/cases', { schema: listCases }, async (request) => cases.list(principalOf(request), request.query));
};
