import type { FastifySchema } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { CaseDetailSchema, CaseMoveSchema, CaseViewSchema } from '../../contracts/case-view';
import { CasePolicyQuerySchema, PolicyEvaluationSchema } from '../../contracts/policy-evaluation';
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
  ReassignBodySchema,
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
  description:
    'The status, the events allowed now by role, every transition so far, the assignee, and every deadline that applies now (label, target, due time, time remaining, level: on_track, at_risk, breached), from the workflow.',
  tags: ['cases'],
  params: CaseParamsSchema,
  response: { 200: CaseDetailSchema, 403: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
} satisfies FastifySchema;

const casePolicy = {
  summary: 'A case under a policy profile',
  description:
    "Evaluates the case as it stands under any dated policy profile, changing nothing: the checks the profile requires of the sponsor and each adult of the household, its home-study triggers, whether the path would be expedited, and what would block the release. Without `profile`, the case's own.",
  tags: ['cases'],
  params: CaseParamsSchema,
  querystring: CasePolicyQuerySchema,
  response: { 200: PolicyEvaluationSchema, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
} satisfies FastifySchema;

const sendEvent = {
  operationId: 'sendEvent',
  summary: "Send a case manager's event",
  description:
    "Applies the event if the case allows it now, and answers the move: the new status, the events allowed now by role, the checks and the transition the event made (the full view is `GET /cases/{id}`); otherwise 409 with the reason and the events allowed now, and the case is unchanged. A role that may not send the event gets 403. An `Idempotency-Key` header makes a retried request apply once: the same key and request answer the first outcome (the case's 409 too); the same key with another request gets 422.",
  tags: ['cases'],
  params: CaseParamsSchema,
  headers: IdempotencyHeadersSchema,
  body: CaseCommandBodySchema,
  response: {
    200: CaseMoveSchema,
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
  summary: 'List and search cases',
  description:
    "From the read model (eventually consistent with the workflows). Filters combine: statuses, category, care provider, assignee, days in care, deadline level, next deadline before a time, part of the case id. Sorted by admission (oldest first, the default), least time left (the next deadline soonest; cases without one last) or days in care (longest first); `order` reverses. Pages by cursor: pass `nextCursor` as `after` with the same filters and sort; every page is measured at the first page's `asOf`.",
  tags: ['cases'],
  querystring: ListCasesQuerySchema,
  response: { 200: CaseListSchema, 400: ErrorSchema, 403: ErrorSchema },
} satisfies FastifySchema;

const reassign = {
  summary: 'Reassign a case to another case manager',
  description:
    'A supervisor (scoped ones within their care provider) reassigns the case: a Workflow Update the case may refuse (already assigned to them, closed). Kept in the audit trail, accepted or refused.',
  tags: ['cases'],
  params: CaseParamsSchema,
  body: ReassignBodySchema,
  response: {
    200: CaseViewSchema,
    400: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: RefusalBodySchema.or(ErrorSchema),
    503: ErrorSchema,
  },
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

  app.get('/cases/:id/policy', { schema: casePolicy }, async (request) =>
    cases.policy(principalOf(request), request.params.id, request.query.profile),
  );

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

  app.post('/cases/:id/assignee', { schema: reassign }, async (request) =>
    cases.reassign(principalOf(request), request.params.id, request.body, { requestId: request.id }),
  );

  app.get('/cases/:id/audit', { schema: auditTrail }, async (request) => cases.audit(principalOf(request), request.params.id));

  app.get('/cases', { schema: listCases }, async (request) => cases.list(principalOf(request), request.query));
};
