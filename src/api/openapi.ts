import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from 'fastify';

import { AppError } from '../services/errors';
import { isPublicUrl } from './auth';
import { ErrorSchema } from './schemas';

/**
 * Keeps the OpenAPI document true to what the API answers: the statuses every route can give
 * besides its own (a token missing, a body too large, a caller over the rate...), the bearer
 * token each route needs, and 405 with `Allow` for a method a path does not declare.
 */

export const BEARER_SECURITY_SCHEME = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A token of your identity provider (or `npm run token` locally): its subject, role and care provider say who acts',
  },
} as const;

type Responses = Record<number, unknown>;

/** The statuses a route can answer whatever it does, from what it takes. */
function commonAnswers(url: string, schema: FastifySchema): number[] {
  const statuses = isPublicUrl(url) ? [429] : [401, 429];
  if (schema.params) statuses.push(400, 414);
  if (schema.querystring || schema.headers) statuses.push(400);
  if (schema.body) statuses.push(400, 413, 415);
  // Everything but the payload codec and the public routes needs the database or a case worker, either of which can be away.
  if (!url.startsWith('/codec') && !isPublicUrl(url)) statuses.push(503);
  return statuses;
}

/** Declares, on every route as it is added, the bearer token it needs and the statuses it can answer besides its own. */
export function declareCommonAnswers(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.config && (route.config as { undeclared?: boolean }).undeclared) return;
    const schema = (route.schema ??= {}) as FastifySchema & { security?: unknown[]; hide?: boolean };
    if (schema.hide) return;
    schema.security = isPublicUrl(route.url) ? [] : [{ bearerAuth: [] }];
    const response = (schema.response ??= {}) as Responses;
    for (const status of commonAnswers(route.url, schema)) response[status] ??= ErrorSchema;
  });
}

/**
 * Answers 405, with the methods the path takes in `Allow`, to a method a path does not declare
 * (Fastify alone says 404 "no route"). Collects the routes as they are added; call the function it
 * returns once every route is registered. OPTIONS is left to CORS when CORS answers preflights.
 */
export function answerUndeclaredMethods(app: FastifyInstance, options: { corsPreflight: boolean }): () => void {
  const declared = new Map<string, Set<string>>();
  app.addHook('onRoute', (route: RouteOptions) => {
    if ((route.config as { undeclared?: boolean } | undefined)?.undeclared || route.url.startsWith('/docs') || route.url === '*') return;
    const methods = declared.get(route.url) ?? new Set<string>();
    for (const method of [route.method].flat()) methods.add(method);
    if (methods.has('GET')) methods.add('HEAD');
    declared.set(route.url, methods);
  });
  return () => {
    for (const [url, methods] of declared) {
      const others = app.supportedMethods.filter((m) => !methods.has(m) && !(options.corsPreflight && m === 'OPTIONS'));
      const allow = [...methods].sort().join(', ');
      const refuse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
        await reply
          .status(405)
          .header('allow', allow)
          .send({
            error: 'Method Not Allowed',
            code: 'method_not_allowed',
            message: `${request.method} is not a method of ${url}; it takes ${allow}. See /docs.`,
          });
      };
      // Refused in onRequest, before a body is read: some of these methods would otherwise demand one.
      app.route({
        method: others,
        url,
        config: { undeclared: true } as object,
        schema: { hide: true },
        onRequest: refuse,
        handler: refuse,
      });
    }
  };
}

/**
 * PostgreSQL's text cannot hold U+0000, and a case's reasons, notes and names end up there: a
 * request with one is refused at the door (400, naming where) instead of failing later in a write.
 * A body key `__proto__` is refused the same way: Fastify parses it as a plain key (see
 * `onProtoPoisoning` in app.ts) so that the answer can say where it was, not only "not JSON".
 */
export function refuseUnsafeInput(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const found = refusedAt(value, '');
      if (found) {
        throw new AppError('invalid_request', `Invalid ${where}: ${found.path}: ${found.message}`, {
          issues: [{ where, ...found }],
        });
      }
    }
  });
}

export const PROTO_KEY = '__proto__';
const NUL_REFUSED = 'must not contain the character U+0000';
const PROTO_KEY_REFUSED = `must not have the key "${PROTO_KEY}" (refused everywhere: it would reach object prototypes)`;

/** Where in a request value a string holds U+0000 or an object has the key `__proto__`, if anywhere (a path like `sponsor.reason`), and why. */
function refusedAt(value: unknown, path: string): { path: string; message: string } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { path: path || '(root)', message: NUL_REFUSED } : undefined;
  if (!value || typeof value !== 'object') return undefined;
  if (!Array.isArray(value) && Object.prototype.hasOwnProperty.call(value, PROTO_KEY))
    return { path: path || '(root)', message: PROTO_KEY_REFUSED };
  for (const [key, child] of Object.entries(value)) {
    const found = refusedAt(child, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

type OpenApiDocument = {
  paths?: Record<string, Record<string, { operationId?: string; responses?: Record<string, Record<string, unknown>> }>>;
};

/**
 * The links from an opened case to what can be done with it (OpenAPI `links`: the new case's id
 * is the `id` of the others), so that a client, or a fuzzer, can follow them.
 */
export function linkOpenedCase(document: OpenApiDocument): OpenApiDocument {
  const opened = document.paths?.['/cases']?.['post']?.responses?.['201'];
  if (!opened) return document;
  const id = { id: '$response.body#/caseId' };
  opened['links'] = Object.fromEntries(
    ['getCase', 'sendEvent', 'decide', 'getAuditTrail'].map((operationId) => [operationId, { operationId, parameters: id }]),
  );
  return document;
}
