import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

import { CaseCommandSchema, ReleaseDecisionSchema } from '../../contracts/case-events';
import { OpenCaseSchema } from '../../contracts/case-input';
import type { CaseView } from '../../contracts/case-view';
import { CaseViewSchema } from '../../contracts/case-view';
import { caseWorkflowId } from '../../contracts/ids';
import type { CaseWorkflowInput } from '../../contracts/messages';
import { CASE_WORKFLOW_TYPE, caseCommandUpdate, caseViewQuery, releaseDecisionSignal } from '../../contracts/messages';
import type { PrismaClient } from '../../db/generated/client';
import { allowedEventsByRole, openCaseSnapshot } from '../../machines/case-logic';
import { toCaseStatus } from '../../machines/case-status';
import { HttpError, fromTemporalError } from '../http-errors';
import {
  CaseListSchema,
  CaseParamsSchema,
  DecisionAcceptedSchema,
  ErrorSchema,
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
}

const DAY_MS = 86_400_000;

function encodeCursor(admittedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([admittedAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { admittedAt: Date; id: string } {
  try {
    const [admittedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(admittedAt);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { admittedAt: date, id };
  } catch {
    throw new HttpError(400, 'invalid_request', 'Invalid querystring: after: not a cursor returned by this API');
  }
}

export const caseRoutes: FastifyPluginAsyncZod<CaseRoutesOptions> = async (app, options) => {
  const { temporal, prisma, taskQueue, decisionWaitMs = 2_000 } = options;
  const handleFor = (caseId: string) => temporal.workflow.getHandle(caseWorkflowId(caseId));

  app.post(
    '/cases',
    {
      schema: {
        summary: 'Open a case',
        description: "Starts the case's workflow. The case id is the workflow's identity: it is never reused.",
        tags: ['cases'],
        body: OpenCaseSchema,
        response: { 201: OpenedCaseSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const open = request.body;
      const input: CaseWorkflowInput = { open };
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
          allowedEvents: allowedEventsByRole(snapshot),
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
        response: { 200: CaseViewSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      try {
        return await handleFor(request.params.id).query(caseViewQuery);
      } catch (err) {
        return fromTemporalError(err, request.params.id);
      }
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
        body: CaseCommandSchema,
        response: { 200: CaseViewSchema, 400: ErrorSchema, 404: ErrorSchema, 409: RefusalSchema.or(ErrorSchema) },
      },
    },
    async (request) => {
      const caseId = request.params.id;
      const idempotencyKey = request.headers['idempotency-key'];
      try {
        return await handleFor(caseId).executeUpdate(caseCommandUpdate, {
          args: [request.body],
          ...(typeof idempotencyKey === 'string' && idempotencyKey ? { updateId: idempotencyKey } : {}),
        });
      } catch (err) {
        if (err instanceof Error && err.name === 'WorkflowNotFoundError') await explainClosedCase(caseId);
        return fromTemporalError(err, caseId);
      }
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
        body: ReleaseDecisionSchema,
        response: { 200: DecisionAcceptedSchema, 202: DecisionAcceptedSchema, 404: ErrorSchema, 409: RefusalSchema },
      },
    },
    async (request, reply) => {
      const caseId = request.params.id;
      const handle = handleFor(caseId);
      let before: CaseView;
      try {
        before = await handle.query(caseViewQuery);
      } catch (err) {
        return fromTemporalError(err, caseId);
      }
      const role = request.body.actor.role;
      const allowedForRole = before.allowedEvents[role] ?? [];
      if (before.closed || !allowedForRole.includes('DECIDE_RELEASE')) {
        throw new HttpError(409, 'not_allowed_in_state', `DECIDE_RELEASE is not allowed for ${role} while the case is in ${before.status}.`, {
          status: before.status,
          allowedEvents: allowedForRole,
        });
      }
      await handle.signal(releaseDecisionSignal, request.body);
      const seen = before.transitions.length + before.refusedSignals.length;
      const deadline = Date.now() + decisionWaitMs;
      for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
        await new Promise((r) => setTimeout(r, delay));
        const after = await handle.query(caseViewQuery);
        if (after.transitions.length + after.refusedSignals.length > seen) {
          const applied = after.transitions.length > before.transitions.length;
          return reply.status(200).send({
            caseId,
            delivered: true,
            applied,
            message: applied
              ? `Decision applied; the case is now ${after.status}.`
              : `The case refused the decision: ${after.refusedSignals.at(-1)?.message ?? 'see refusedSignals'}`,
          });
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
      const { status, careProviderId, limit, after } = request.query;
      const cursor = after ? decodeCursor(after) : undefined;
      const rows = await prisma.case.findMany({
        where: {
          ...(status ? { status } : {}),
          ...(careProviderId ? { careProviderId } : {}),
          ...(cursor
            ? {
                OR: [
                  { admittedAt: { gt: cursor.admittedAt } },
                  { admittedAt: cursor.admittedAt, id: { gt: cursor.id } },
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
          status: row.status as never,
          careProviderId: row.careProviderId,
          sponsorCategory: row.sponsorCategory,
          admittedAt: row.admittedAt.toISOString(),
          releasedAt: row.releasedAt?.toISOString() ?? null,
          daysInCare: Math.round((((row.releasedAt?.getTime() ?? now) - row.admittedAt.getTime()) / DAY_MS) * 10) / 10,
          updatedAt: row.updatedAt.toISOString(),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor(last.admittedAt, last.id) : null,
      };
    },
  );

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
        status: view?.status ?? 'released',
        allowedEvents: [],
      });
    }
  }
};
