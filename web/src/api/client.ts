import type { z } from 'zod';

import type { ErrorBody, RefusalBody } from '../../../src/contracts/http-errors';
import { ErrorSchema, RefusalBodySchema, ROUTE_NOT_FOUND } from '../../../src/contracts/http-errors';

/**
 * Calls to the API with the signed-in person's bearer token. Every answer is checked against the
 * zod contract the server answers with; an error keeps the API's body (its code, message, and for
 * a refusal the events allowed now).
 */

let bearer: string | null = null;
let onUnauthenticated: (message: string) => void = () => undefined;

export function setBearer(token: string | null): void {
  bearer = token;
}

/** Called when the API refuses the token (expired, or not for this server): the page signs out. */
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
    message: string,
  ) {
    super(message);
  }

  get code(): string | undefined {
    return this.body?.code;
  }

  /** The server has no such route: a feature this server does not have yet. */
  get notAvailable(): boolean {
    return this.status === 404 && this.code === ROUTE_NOT_FOUND;
  }

  /** A refusal by the case: its reason and the events the caller may send now. */
  get refusal(): RefusalBody | undefined {
    const parsed = RefusalBodySchema.safeParse(this.body);
    return parsed.success ? parsed.data : undefined;
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  signal?: AbortSignal;
  /** A token other than the signed-in one (checking a pasted token before keeping it). */
  token?: string;
}

/** The raw response, or an ApiError for any status but 2xx. */
export async function apiFetch(path: string, { method = 'GET', body, signal, token }: CallOptions = {}): Promise<Response> {
  const auth = token ?? bearer;
  const response = await fetch(path, {
    method,
    signal,
    headers: {
      accept: 'application/json',
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.ok) return response;
  const raw: unknown = await response.json().catch(() => undefined);
  // The raw body is kept: a refusal carries more than the common fields (its status and allowed events).
  const parsed = ErrorSchema.safeParse(raw);
  const error = new ApiError(
    response.status,
    parsed.success ? (raw as ErrorBody) : undefined,
    parsed.success ? parsed.data.message : `The server answered ${response.status} ${response.statusText}.`,
  );
  if (response.status === 401 && !token) onUnauthenticated(error.message);
  throw error;
}

/** A JSON answer, checked against its contract. */
export async function apiJson<S extends z.ZodType>(schema: S, path: string, options?: CallOptions): Promise<z.infer<S>> {
  const response = await apiFetch(path, options);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`The server's answer to ${path} is not in the expected shape (${where}).`);
  }
  return parsed.data;
}

/** The signed-in person's token, for the live stream (which opens its own connection). */
export const currentBearer = (): string | null => bearer;
