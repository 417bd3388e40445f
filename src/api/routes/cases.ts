import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import type { CaseCommand, ReleaseDecision } from '../../contracts/case-events';
import type { OpenCase } from '../../contracts/case-input';
import { actorOf } from '../../auth/tokens';
import { randomUUID } from 'node:crypto';

import { appendAudit, readAudit } from '../../audit/chain';
import type { Principal } from '../../auth/tokens';
import { assertInScope, listScope, principalOf, scopeOf } from '../auth';
import { CaseStatusSchema } from '../../contracts/case-status';
import type { AlertDelivery } from '../../contracts/alerts';
import type { CaseView } from '../../contracts/case-view';
import { CaseViewSchema } from '../../contracts/case-view';
import { caseWorkflowId } from '../../contracts/ids';
import type { CaseWorkflowInput } from '../../contracts/messages';
import { CASE_WORKFLOW_TYPE, caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../../contracts/messages';
import type { PrismaClient } from '../../db/generated/client';
import type { Role } from '../../contracts/roles';
import { allowedEventsByRole, openCaseSnapshot } from '../../machines/case-logic';
import { EVENT_ROLES } from '../../domain/policy';
import { toCaseStatus } from '../../machines/case-status';
import { currentTargets } from '../../targets/store';
import { decodeCursor, encodeCursor } from '../cursor';
import { HttpError, fromTemporalError, isDeadlineExceeded } from '../http-errors';
import {
  AuditTrailSchema,
  CaseCommandBodySchema,
  CaseListSchema,
  CaseParamsSchema,
  OpenCaseBodySchema,
  ReleaseDecisionBodySchema,
  DecisionAcceptedSchema,
  ErrorSchema,
  IdempotencyHeadersSchema,
  ListCasesQuerySchema,
  OpenedCaseSchema,
  RefusalSchema,
} from '../schemas';

export interface CaseRoutesOptions {
  temporal: Client;
  prisma: PrismaClient;
  taskQueue: string;
  /** How long POST /decision waits to see a signalled decision applied before answering 202. */
  decisionWaitMs?: number;
  /** How long an event may wait for a worker to answer before the API gives up with 503. */
  workerWaitMs?: number;
  alertDelivery?: AlertDelivery;
}

const DAY_MS = 86_400_000;

export const caseRoutes: FastifyPluginAsyncZod<CaseRoutesOptions> = async (app, options) => {
  const { temporal, prisma, taskQueue, decisionWaitMs = 2_000, workerWaitMs = 15_000 } = options;
  const handleFor = (caseId: string) => temporal.workflow.getHandle(caseWorkflowId(caseId));
  /** Runs a call that needs a worker, giving up after workerWaitMs (the call may still take effect later). */
  const withWorker = <T>(call: () => Promise<T>): Promise<T> =>
    temporal.withDeadline(Date.now() + workerWaitMs, call).catch((err: unknown) => {
      if (isDeadlineExceeded(err)) {
        throw new HttpError(
          503,
          'worker_unavailable',
          `No case worker answered within ${workerWaitMs / 1000} s. The request may still be applied when a worker runs: retry it with the same Idempotency-Key to learn the outcome.`,
        );
      }
      throw err;
    });

  app.post(
    '/cases',
    {
      schema: {
        summary: 'Open a case',
        description: "Starts the case's workflow. The case id is the workflow's identity: it is never reused.",
        tags: ['cases'],
        body: OpenCaseBodySchema,
        response: { 201: OpenedCaseSchema, 400: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.role !== 'case_manager') {
        throw new HttpError(403, 'role_not_permitted', `Cases are opened by a case manager, not by ${principal.role}.`);
      }
      assertInScope(principal, request.body.careProviderId, 'The case');
      const open: OpenCase = { ...request.body, openedBy: actorOf(principal) };
      // The case starts on the targets in force; later changes reach it by signal.
      const input: CaseWorkflowInput = { open, targets: await currentTargets(prisma), alertDelivery: options.alertDelivery };
      // Temporal forgets a closed workflow after its namespace's retention; the read model does not.
      if (await prisma.case.findUnique({ where: { id: open.caseId }, select: { id: true } })) {
        throw new HttpError(409, 'case_exists', `A case with id ${open.caseId} already exists; case ids are never reused.`);
      }
      try {
        await temporal.workflow.start(CASE_WORKFLOW_TYPE, {
          workflowId: caseWorkflowId(open.caseId),
          taskQueue,
          args: [input],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
      } catch (err) {
        fromTemporalError(err, open.caseId);
      }
      // The opening state is a pure function of the input: no need to ask the workflow for it.
      const snapshot = openCaseSnapshot(open);
      const self = `/cases/${open.caseId}`;
      return reply
        .status(201)
        .header('location', self)
        .send({
          caseId: open.caseId,
          status: toCaseStatus(snapshot),
          allowedEvents: allowedEventsByRole(snapshot, new Date().toISOString()),
          links: { self, events: `${self}/events`, decision: `${self}/decision` },
        });
    },
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        summary: "A case's live state",
        description: 'The status, the events allowed now by role, and every transition so far, from the workflow.',
        tags: ['cases'],
        params: CaseParamsSchema,
        response: { 200: CaseViewSchema, 403: ErrorSchema, 404: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      let view: CaseView;
      try {
        view = await withWorker(() => handleFor(request.params.id).query(caseViewQuery));
      } catch (err) {
        return fromTemporalError(err, request.params.id);
      }
      assertInScope(principal, view.careProviderId, 'The case');
      return view;
    },
  );

  app.post(
    '/cases/:id/events',
    {
      schema: {
        summary: "Send a case manager's event",
        description:
          'Applies the event if the case allows it now, and answers the new state; otherwise 409 with the reason and the events allowed now, and the case is unchanged. An `Idempotency-Key` header makes a retried request apply once.',
        tags: ['cases'],
        params: CaseParamsSchema,
        headers: IdempotencyHeadersSchema,
        body: CaseCommandBodySchema,
        response: {
          200: CaseViewSchema,
          400: ErrorSchema,
          403: ErrorSchema,
          404: ErrorSchema,
          409: RefusalSchema.or(ErrorSchema),
          503: ErrorSchema,
        },
      },
    },
    async (request) => {
      const caseId = request.params.id;
      const principal = principalOf(request);
      const event = { ...request.body, actor: actorOf(principal) } as CaseCommand;
      const careProviderId = await careProviderOf(caseId);
      return auditingRefusals(caseId, principal, event.type, request.id, async () => {
        if (!EVENT_ROLES[event.type].includes(principal.role)) {
          throw new HttpError(403, 'role_not_permitted', `${event.type} may be sent by ${EVENT_ROLES[event.type].join(' or ')}, not by ${principal.role}.`);
        }
        assertInScope(principal, careProviderId, 'The case');
        const idempotencyKey = request.headers['idempotency-key'];
        try {
          return await withWorker(() =>
            handleFor(caseId).executeUpdate(caseCommandUpdate, {
              args: [event],
              ...(idempotencyKey ? { updateId: idempotencyKey } : {}),
            }),
          );
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) await explainClosedCase(caseId);
          return fromTemporalError(err, caseId);
        }
      });
    },
  );

  app.post(
    '/cases/:id/decision',
    {
      schema: {
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
          409: RefusalSchema.or(ErrorSchema),
        },
      },
    },
    async (request, reply) => {
      const caseId = request.params.id;
      const handle = handleFor(caseId);
      const principal = principalOf(request);
      const decision: ReleaseDecision = { ...request.body, actor: actorOf(principal) };
      if (!EVENT_ROLES.DECIDE_RELEASE.includes(principal.role)) {
        const refusal = new HttpError(403, 'role_not_permitted', `DECIDE_RELEASE may be sent by ${EVENT_ROLES.DECIDE_RELEASE.join(' or ')}, not by ${principal.role}.`);
        if (await caseExists(caseId)) await recordRefusal(caseId, principal, 'DECIDE_RELEASE', request.id, refusal);
        throw refusal;
      }
      // Refuse at once what the case clearly will not take. With no worker to ask, deliver anyway:
      // the signal is durable, and the case applies or refuses it when a worker runs.
      const before = await queryBriefly(caseId).catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return fromTemporalError(err, caseId);
        return undefined;
      });
      if (before) {
        const refusal = precheckDecision(before, decision.actor.role);
        if (refusal) {
          await recordRefusal(caseId, principal, 'DECIDE_RELEASE', request.id, refusal);
          throw refusal;
        }
      } else if (!(await caseExists(caseId))) {
        throw new HttpError(404, 'case_not_found', `No case with id ${caseId}.`);
      }
      const requestId = `decision-${request.id}-${Date.now().toString(36)}`;
      await handle.signal(releaseDecisionSignal, { requestId, decision });

      const deadline = Date.now() + decisionWaitMs;
      for (let delay = 10; before && Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
        await new Promise((r) => setTimeout(r, delay));
        const after = await queryBriefly(caseId).catch(() => undefined);
        const applied = after?.transitions.find((t) => t.requestId === requestId);
        if (applied) {
          return reply.status(200).send({
            caseId,
            delivered: true,
            applied: true,
            message: `Decision applied; the case is now ${applied.toStatus}.`,
          });
        }
        const refused = after?.refusedSignals.find((r) => r.requestId === requestId);
        if (refused) {
          return reply
            .status(200)
            .send({ caseId, delivered: true, applied: false, message: `The case refused the decision: ${refused.message}` });
        }
      }
      return reply.status(202).send({
        caseId,
        delivered: true,
        applied: null,
        message: 'Decision delivered; the case applies it when its worker next runs. GET the case to see the outcome.',
      });
    },
  );

  app.get(
    '/cases/:id/audit',
    {
      schema: {
        summary: "A case's audit trail",
        description:
          'Every accepted event and every refused attempt, oldest first, each with actor, role, time, reason and request id, hash-chained; `verified` says whether every link checks out, `brokenAt` where the first does not.',
        tags: ['cases'],
        params: CaseParamsSchema,
        response: { 200: AuditTrailSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const caseId = request.params.id;
      assertInScope(principalOf(request), await careProviderOf(caseId), 'The case');
      return readAudit(prisma, caseId);
    },
  );

  app.get(
    '/cases',
    {
      schema: {
        summary: 'List cases by status',
        description: 'From the read model (eventually consistent with the workflows), oldest admission first.',
        tags: ['cases'],
        querystring: ListCasesQuerySchema,
        response: { 200: CaseListSchema, 400: ErrorSchema },
      },
    },
    async (request) => {
      const { status, limit, after } = request.query;
      const careProviderId = listScope(principalOf(request), request.query.careProviderId, 'cases');
      const cursor = after ? decodeCursor(after) : undefined;
      const rows = await prisma.case.findMany({
        where: {
          ...(status ? { status } : {}),
          ...(careProviderId ? { careProviderId } : {}),
          ...(cursor
            ? {
                OR: [
                  { admittedAt: { gt: cursor.at } },
                  { admittedAt: cursor.at, id: { gt: cursor.id } },
                ],
              }
            : {}),
        },
        orderBy: [{ admittedAt: 'asc' }, { id: 'asc' }],
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      const now = Date.now();
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          caseId: row.id,
          status: CaseStatusSchema.parse(row.status),
          careProviderId: row.careProviderId,
          sponsorCategory: row.sponsorCategory,
          admittedAt: row.admittedAt.toISOString(),
          releasedAt: row.releasedAt?.toISOString() ?? null,
          daysInCare: Math.round((((row.releasedAt?.getTime() ?? now) - row.admittedAt.getTime()) / DAY_MS) * 10) / 10,
          updatedAt: row.updatedAt.toISOString(),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor({ at: last.admittedAt, id: last.id }) : null,
      };
    },
  );

  /** Runs a command; a refusal (403, 409) is written to the case's audit trail before it is answered. */
  async function auditingRefusals<T>(caseId: string, principal: Principal, event: string, requestId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof HttpError && (err.statusCode === 403 || err.statusCode === 409)) {
        await recordRefusal(caseId, principal, event, requestId, err);
      }
      throw err;
    }
  }

  async function recordRefusal(caseId: string, principal: Principal, event: string, requestId: string, err: HttpError): Promise<void> {
    await appendAudit(prisma, caseId, [
      {
        sourceKey: `request:${randomUUID()}`,
        kind: 'refused',
        event,
        actor: actorOf(principal),
        at: new Date().toISOString(),
        reason: null,
        requestId,
        detail: `${err.code}: ${err.message}`,
      },
    ]).catch((auditErr: unknown) => app.log.error({ err: auditErr, caseId }, 'could not record a refusal in the audit trail'));
  }

  /** The case's care provider: from the read model, else (a case opened a moment ago) from the case itself. */
  async function careProviderOf(caseId: string): Promise<string> {
    const row = await prisma.case.findUnique({ where: { id: caseId }, select: { careProviderId: true } });
    if (row) return row.careProviderId;
    try {
      return (await withWorker(() => handleFor(caseId).query(caseViewQuery))).careProviderId;
    } catch (err) {
      return fromTemporalError(err, caseId);
    }
  }

  /** The live view, or an error after PRECHECK_MS: the call itself is cancelled, not left running. */
  function queryBriefly(caseId: string): Promise<CaseView> {
    return temporal.withDeadline(Date.now() + PRECHECK_MS, () => handleFor(caseId).query(caseViewQuery));
  }

  async function caseExists(caseId: string): Promise<boolean> {
    return handleFor(caseId)
      .describe()
      .then(() => true)
      .catch(() => false);
  }

  /** An update to a closed case reports "not found"; say that the case exists but is closed. */
  async function explainClosedCase(caseId: string): Promise<void> {
    const description = await handleFor(caseId)
      .describe()
      .catch(() => undefined);
    if (description && description.status.name !== 'RUNNING') {
      const view = await handleFor(caseId)
        .query(caseViewQuery)
        .catch(() => undefined);
      throw new HttpError(409, 'case_closed', `The case is ${view?.status ?? 'closed'} and accepts no more events.`, {
        ...(view ? { status: view.status } : {}),
        allowedEvents: [],
      });
    }
  }
};

const PRECHECK_MS = 2_000;


/** The refusal the case would give a decision from this role now, judged from its live view. */
function precheckDecision(view: CaseView, role: Role): HttpError | undefined {
  if (view.closed) {
    return new HttpError(409, 'case_closed', `The case is ${view.status} and accepts no more events.`, {
      status: view.status,
      allowedEvents: [],
    });
  }
  if (!EVENT_ROLES.DECIDE_RELEASE.includes(role)) {
    return new HttpError(409, 'role_not_permitted', `DECIDE_RELEASE may be sent by ${EVENT_ROLES.DECIDE_RELEASE.join(' or ')}, not by ${role}.`, {
      status: view.status,
      allowedEvents: view.allowedEvents[role] ?? [],
    });
  }
  if (!(view.allowedEvents[role] ?? []).includes('DECIDE_RELEASE')) {
    return new HttpError(409, 'not_allowed_in_state', `DECIDE_RELEASE is not allowed while the case is in ${view.status}.`, {
      status: view.status,
      allowedEvents: view.allowedEvents[role] ?? [],
    });
  }
  return undefined;
}
