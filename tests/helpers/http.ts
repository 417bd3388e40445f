import type { FastifyInstance } from 'fastify';

import type { CaseMove, CaseView } from '../../src/contracts/case-view';
import type { Actor } from '../../src/contracts/roles';
import { tokenFor } from './auth';
import { caseManager } from './builders';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface RequestOptions {
  /** Who calls: a token for this actor. Default: the body's `actor` (or `openedBy`), else a case manager. */
  as?: Actor;
  /** The bearer token itself ('' sends none), instead of one made for the caller. */
  token?: string;
  /** The token's care provider: case managers always have one; a supervisor given one is scoped to it. */
  careProvider?: string;
  /** JSON, its actor (if any) moved into the token as the API expects; or a string sent as it is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Signs a token for a caller, with the secret the API under test verifies. */
export type TokenSigner = (actor: Actor, careProviderId?: string) => Promise<string>;

/**
 * A client for an API: over HTTP at `target.base` (read at each call: a stack fills it in before its
 * tests run), or in process through a Fastify app's `inject` (no socket). Tokens are signed with the
 * tests' secret unless `sign` says otherwise (another process's API, such as the cluster's).
 */
export function apiClient(target: { base: string } | Pick<FastifyInstance, 'inject'>, sign: TokenSigner = tokenFor) {
  async function withHeaders<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<Reply<T> & { headers: Headers }> {
    const { actor, body } = splitActor(options.body);
    const token = options.token ?? (await sign(options.as ?? actor ?? caseManager, options.careProvider));
    const headers = {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const payload = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
    if ('inject' in target) {
      const response = await target.inject({ method: method as 'GET', url: path, headers, ...(payload === undefined ? {} : { payload }) });
      return { status: response.statusCode, body: response.json<T>(), headers: new Headers(response.headers as Record<string, string>) };
    }
    const response = await fetch(`${target.base}${path}`, { method, headers, body: payload });
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }
  /** The status and JSON body, as the tests compare them whole. */
  async function call<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const { status, body } = await withHeaders<T>(method, path, options);
    return { status, body };
  }
  type Options = Omit<RequestOptions, 'body'>;
  return {
    call,
    withHeaders,
    get: <T = Record<string, unknown>>(path: string, options?: Options) => call<T>('GET', path, options),
    post: <T = Record<string, unknown>>(path: string, body: unknown, options?: Options) => call<T>('POST', path, { ...options, body }),
    put: <T = Record<string, unknown>>(path: string, body: unknown, options?: Options) => call<T>('PUT', path, { ...options, body }),
  };
}

/**
 * Posts case-manager events in order through a client, each expected to be accepted; answers the
 * view after the last (an event's answer is only the move: GET has the view).
 */
export function eventDriver({ post, get }: Pick<ReturnType<typeof apiClient>, 'post' | 'get'>) {
  return async (caseId: string, ...requests: unknown[]): Promise<CaseView> => {
    for (const request of requests) {
      const reply = await post<CaseMove>(`/cases/${caseId}/events`, request);
      if (reply.status !== 200) throw new Error(`${(request as { type: string }).type}: ${JSON.stringify(reply.body)}`);
    }
    return (await get<CaseView>(`/cases/${caseId}`)).body;
  };
}

/** A request body as the tests write it, with who sends it: the body the API takes, and that actor. */
function splitActor(body: unknown): { actor?: Actor; body: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { body };
  const { actor, openedBy, ...rest } = body as { actor?: Actor; openedBy?: Actor };
  return { actor: actor ?? openedBy, body: rest };
}

/** Follows `nextCursor` from the first page of a list (or the page after `after`) to its last; answers each page's items. */
export async function allPages<Item>(
  get: (path: string) => Promise<Reply<{ items: Item[]; nextCursor: string | null }>>,
  path: string,
  after?: string,
): Promise<Item[][]> {
  const pages: Item[][] = [];
  let cursor = after ?? null;
  do {
    const page = cursor ? `${path}&after=${encodeURIComponent(cursor)}` : path;
    const reply = await get(page);
    if (reply.status !== 200) throw new Error(`GET ${page} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    pages.push(reply.body.items);
    cursor = reply.body.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}
