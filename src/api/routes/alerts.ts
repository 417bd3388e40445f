import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';

import { AcknowledgeAlertSchema, AlertLevelSchema, AlertRuleSchema } from '../../contracts/alerts';
import { SponsorCategorySchema } from '../../contracts/case-events';
import { CaseFailure } from '../../contracts/failures';
import { caseWorkflowId } from '../../contracts/ids';
import { acknowledgeAlertUpdate } from '../../contracts/messages';
import type { PrismaClient } from '../../db/generated/client';
import { decodeCursor, encodeCursor } from '../cursor';
import { actorOf } from '../../auth/tokens';
import { assertInScope, listScope, principalOf, scopeOf } from '../auth';
import { HttpError, fromTemporalError } from '../http-errors';
import { ErrorSchema } from '../schemas';

export interface AlertRoutesOptions {
  temporal: Client;
  prisma: PrismaClient;
  /** How often the live stream looks for new alert events. */
  streamPollMs?: number;
  /** How long an acknowledgement waits for the case's worker before 503. */
  workerWaitMs?: number;
}

export const AlertViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  careProviderId: z.string(),
  sponsorCategory: z.string().nullable(),
  rule: AlertRuleSchema,
  chain: z.string(),
  kind: z.string(),
  repeat: z.number(),
  level: AlertLevelSchema,
  message: z.string(),
  dueAt: z.string(),
  firedAt: z.string(),
  acknowledged: z.object({ at: z.string(), by: z.object({ id: z.string(), role: z.string() }), note: z.string().nullable() }).nullable(),
  resolvedAt: z.string().nullable().describe('When the case moved on (stage left, child released or case closed)'),
});
type AlertView = z.infer<typeof AlertViewSchema>;

const ListAlertsQuerySchema = z.strictObject({
  open: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: only alerts not yet resolved; false: only resolved ones'),
  level: AlertLevelSchema.optional(),
  careProviderId: z.string().trim().min(1).max(64).optional(),
  category: SponsorCategorySchema.optional().describe('Sponsor category of the case when the alert fired'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  after: z.string().max(300).optional().describe('The nextCursor of the previous page'),
});

const StreamQuerySchema = z.strictObject({
  lastEventId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional()
    .describe('Resume after this event id (the Last-Event-ID header does the same)'),
});

type AlertRow = Awaited<ReturnType<PrismaClient['alert']['findFirstOrThrow']>>;

function toView(row: AlertRow): AlertView {
  return {
    id: row.id,
    caseId: row.caseId,
    careProviderId: row.careProviderId,
    sponsorCategory: row.sponsorCategory,
    rule: AlertRuleSchema.parse(row.rule),
    chain: row.chain,
    kind: row.kind,
    repeat: row.repeat,
    level: AlertLevelSchema.parse(row.level),
    message: row.message,
    dueAt: row.dueAt.toISOString(),
    firedAt: row.firedAt.toISOString(),
    acknowledged:
      row.acknowledgedAt && row.acknowledgedById
        ? { at: row.acknowledgedAt.toISOString(), by: { id: row.acknowledgedById, role: row.acknowledgedByRole ?? 'unknown' }, note: row.ackNote }
        : null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}

/** Roles that may acknowledge an alert: the supervisors it goes to. */
const ACKNOWLEDGING_ROLES = new Set(['supervisor']);

export const alertRoutes: FastifyPluginAsyncZod<AlertRoutesOptions> = async (app, options) => {
  const { temporal, prisma, streamPollMs = 1000, workerWaitMs = 15_000 } = options;
  const streams = new Set<ServerResponse>();
  // Before the server waits for connections to end: an open stream never would by itself.
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end();
  });

  app.get(
    '/alerts',
    {
      schema: {
        summary: 'List alerts',
        description: 'Newest first, from the database. Filters combine.',
        tags: ['alerts'],
        querystring: ListAlertsQuerySchema,
        response: { 200: z.object({ items: z.array(AlertViewSchema), nextCursor: z.string().nullable() }), 400: ErrorSchema },
      },
    },
    async (request) => {
      const { open, level, category, limit, after } = request.query;
      const careProviderId = listScope(principalOf(request), request.query.careProviderId, 'alerts');
      const cursor = after ? decodeCursor(after) : undefined;
      const rows = await prisma.alert.findMany({
        where: {
          ...(open === undefined ? {} : { resolvedAt: open ? null : { not: null } }),
          ...(level ? { level } : {}),
          ...(careProviderId ? { careProviderId } : {}),
          ...(category ? { sponsorCategory: category } : {}),
          ...(cursor
            ? { OR: [{ firedAt: { lt: cursor.at } }, { firedAt: cursor.at, id: { lt: cursor.id } }] }
            : {}),
        },
        orderBy: [{ firedAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map(toView), nextCursor: rows.length > limit && last ? encodeCursor({ at: last.firedAt, id: last.id }) : null };
    },
  );

  app.get(
    '/alerts/stream',
    {
      schema: {
        summary: 'Live alerts (Server-Sent Events)',
        description:
          'Each event is `alert.fired`, `alert.acknowledged` or `alert.resolved` with the alert as data and a numeric id, in commit order. A new client gets what happens from now on (the past is in GET /alerts); after a reconnect, the Last-Event-ID header (browsers send it) or `lastEventId` resumes right after the last event seen.',
        tags: ['alerts'],
        querystring: StreamQuerySchema,
      },
    },
    async (request, reply) => {
      const scope = scopeOf(principalOf(request));
      const header = request.headers['last-event-id'];
      const fromHeader = typeof header === 'string' && /^\d{1,19}$/.test(header) ? header : undefined;
      const resumeFrom = fromHeader ?? request.query.lastEventId;
      // A new client starts from now (the past is in GET /alerts); a returning one right after its last event.
      let lastId =
        resumeFrom !== undefined
          ? BigInt(resumeFrom)
          : ((await prisma.alertEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } }))?.id ?? 0n);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');
      streams.add(raw);
      let open = true;
      const stop = () => {
        open = false;
        streams.delete(raw);
      };
      request.raw.on('close', stop);
      raw.on('close', stop);
      let sinceWrite = 0;
      while (open) {
        try {
          const events = await prisma.alertEvent.findMany({
            where: { id: { gt: lastId }, ...(scope ? { alert: { careProviderId: scope } } : {}) },
            orderBy: { id: 'asc' },
            take: 200,
            include: { alert: true },
          });
          for (const event of events) {
            raw.write(`id: ${event.id}\nevent: alert.${event.type}\ndata: ${JSON.stringify({ at: event.at.toISOString(), alert: toView(event.alert) })}\n\n`);
            lastId = event.id;
          }
          sinceWrite = events.length > 0 ? 0 : sinceWrite + streamPollMs;
          // A comment now and then keeps proxies from closing an idle stream.
          if (sinceWrite >= 15_000) {
            raw.write(': keep-alive\n\n');
            sinceWrite = 0;
          }
          if (events.length === 200) continue;
        } catch (err) {
          request.log.warn({ err }, 'alert stream: reading events failed; retrying');
        }
        await new Promise((r) => setTimeout(r, streamPollMs));
      }
    },
  );

  app.post(
    '/alerts/:id/ack',
    {
      schema: {
        summary: 'Acknowledge an alert',
        description:
          'Records who acknowledged and when. Repeats of the alert at its level stop until the next level. Sent to the case (a Workflow Update), which refuses an alert already acknowledged or resolved.',
        tags: ['alerts'],
        params: z.strictObject({ id: z.string().min(1).max(300) }),
        body: AcknowledgeAlertSchema.pick({ note: true }),
        response: { 200: AlertViewSchema, 400: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const principal = principalOf(request);
      if (!ACKNOWLEDGING_ROLES.has(principal.role)) {
        throw new HttpError(403, 'role_not_permitted', `Alerts are acknowledged by a supervisor, not by ${principal.role}.`);
      }
      const row = await prisma.alert.findUnique({ where: { id } });
      if (!row) throw new HttpError(404, 'alert_not_found', `No alert ${id}.`);
      assertInScope(principal, row.careProviderId, 'The alert');
      if (row.resolvedAt) throw new HttpError(409, 'alert_resolved', `Alert ${id} is resolved: the case has moved on.`);
      let ack;
      try {
        ack = await temporal.withDeadline(Date.now() + workerWaitMs, () =>
          temporal.workflow
            .getHandle(caseWorkflowId(row.caseId))
            .executeUpdate(acknowledgeAlertUpdate, { args: [{ alertId: id, actor: actorOf(principal), ...request.body }] }),
        );
      } catch (err) {
        const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
        if (cause instanceof ApplicationFailure && cause.type === CaseFailure.TRANSITION_REFUSED) {
          throw new HttpError(409, 'ack_refused', cause.message);
        }
        return fromTemporalError(err, row.caseId);
      }
      // The case has accepted it; its activity writes the row shortly after.
      return { ...toView(row), acknowledged: { at: ack.at, by: ack.actor, note: ack.note } };
    },
  );
};
