/**
 * Load as Reunify's users make it, over HTTP: case managers open cases and move them along, ORR
 * reviewers decide, supervisors read and acknowledge alerts. Every event carries an
 * Idempotency-Key; a request that gets no answer, or a 5xx, is retried with the same key through
 * the next API process. The ledger keeps what the API answered, so that the checks afterwards can
 * tell what was accepted from what was not.
 */
import { signToken } from '../../src/auth/tokens';
import type { CaseView } from '../../src/contracts/case-view';

export interface Actor {
  id: string;
  role: 'case_manager' | 'orr_reviewer' | 'supervisor' | 'case_coordinator' | 'admin';
  careProvider?: string;
}

/** What the API answered, counted per response (a retry is a request too). */
export interface Counts {
  sent: number;
  accepted: number;
  refused: number;
  /** 503 with Retry-After: the API's "come back later" (a database or a worker away). */
  unavailable: number;
  /** Any other 5xx: a fault of the API. */
  serverErrors: number;
  /** No answer at all (the process died, the connection broke). */
  noAnswer: number;
  /** Answers that took longer than 15 s (a hang is not an answer). */
  slow: number;
}

export const emptyCounts = (): Counts => ({ sent: 0, accepted: 0, refused: 0, unavailable: 0, serverErrors: 0, noAnswer: 0, slow: 0 });

/** A keyed event the API accepted, as the checks look for it in the case's history. */
export interface AcceptedEvent {
  key: string;
  type: string;
}

export interface CaseRecord {
  caseId: string;
  careProvider: string;
  manager: Actor;
  /** Whether POST /cases answered 201 (or 409 case_exists to a retry of our own opening). */
  opened: boolean;
  /** The next step of the lifecycle to send. */
  step: number;
  accepted: AcceptedEvent[];
  /** Decisions answered 200 (applied or refused by the case) or 202 (delivered). */
  decisionsDelivered: number;
  /** Alert acknowledgements the API accepted, and those sent whatever the answer (a retry may find its first went through). */
  acks: string[];
  acksSent: string[];
  /** Refusals by the case (409) of requests the script expected to go through: a sign of a lost or doubled step. */
  unexpectedRefusals: string[];
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

const ISSUER = { issuer: 'reunify', audience: 'reunify-api', expiresIn: '4h' };

export class Ledger {
  readonly counts = emptyCounts();
  /** Each call (a request and its retries): when it was first sent, when it got its final answer, and whether it was accepted (ms since epoch). */
  readonly calls: { sentAt: number; at: number; ok: boolean; write: boolean }[] = [];
  readonly serverErrorSamples: string[] = [];
  /** The 503s with Retry-After by their `code` (worker_unavailable, database_unavailable, ...). */
  readonly unavailableCodes = new Map<string, number>();

  count(reply: Reply | undefined, tookMs: number): void {
    this.counts.sent += 1;
    if (tookMs > 15_000) this.counts.slow += 1;
    if (!reply) this.counts.noAnswer += 1;
    else if (reply.status < 400) this.counts.accepted += 1;
    else if (reply.status < 500) this.counts.refused += 1;
    else if (reply.status === 503 && reply.headers.get('retry-after')) {
      this.counts.unavailable += 1;
      const code = typeof reply.body['code'] === 'string' ? reply.body['code'] : 'no code';
      this.unavailableCodes.set(code, (this.unavailableCodes.get(code) ?? 0) + 1);
    } else {
      this.counts.serverErrors += 1;
      if (this.serverErrorSamples.length < 10) this.serverErrorSamples.push(`${reply.status} ${JSON.stringify(reply.body).slice(0, 300)}`);
    }
  }

  snapshot(): Counts {
    return { ...this.counts };
  }

  /**
   * How long the writes a fault struck took to end: from the fault (`at`) to the last answer of a
   * write (an event, a decision, an acknowledgement) sent before it or within a second after it.
   * Null when no write was in that window.
   */
  recoveryAfter(at: number): number | null {
    const struck = this.calls.filter((c) => c.write && c.sentAt <= at + 1_000 && c.at >= at);
    return struck.length === 0 ? null : Math.max(...struck.map((c) => c.at)) - at;
  }
}

/** The HTTP client of the suite's users: round robin over the API processes, tokens signed with the stack's secret. */
export class Users {
  private next = 0;
  private readonly tokens = new Map<string, Promise<string>>();
  /** Requests in flight, for a scenario that waits until some are. */
  inFlight = 0;

  constructor(
    private readonly bases: () => string[],
    private readonly secret: string,
    readonly ledger: Ledger,
  ) {}

  token(actor: Actor): Promise<string> {
    const key = `${actor.role}:${actor.id}:${actor.careProvider ?? ''}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = signToken(this.secret, { sub: actor.id, role: actor.role, care_provider: actor.careProvider }, ISSUER);
      this.tokens.set(key, token);
    }
    return token;
  }

  /** One request to one API process (the next in turn, or `base`); undefined when no answer came. */
  async once(actor: Actor, method: string, path: string, body?: unknown, key?: string, base?: string): Promise<Reply | undefined> {
    const bases = this.bases();
    const target = base ?? bases[this.next++ % bases.length]!;
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(actor)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key) headers['idempotency-key'] = key;
    const started = Date.now();
    this.inFlight += 1;
    try {
      const response = await fetch(`${target}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      const reply: Reply = {
        status: response.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        headers: response.headers,
      };
      this.ledger.count(reply, Date.now() - started);
      return reply;
    } catch {
      this.ledger.count(undefined, Date.now() - started);
      return undefined;
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * A request retried, with the same Idempotency-Key, through the next API process, until it gets
   * an answer that is not a 5xx (or `deadlineMs` passes: then the last answer, or undefined).
   */
  async call(actor: Actor, method: string, path: string, body?: unknown, key?: string, deadlineMs = 180_000): Promise<Reply | undefined> {
    const sentAt = Date.now();
    let last: Reply | undefined;
    for (let attempt = 0; Date.now() - sentAt < deadlineMs; attempt += 1) {
      last = await this.once(actor, method, path, body, key);
      if (last && last.status < 500) {
        this.ledger.calls.push({ sentAt, at: Date.now(), ok: last.status < 400, write: method !== 'GET' });
        return last;
      }
      const retryAfter = Number(last?.headers.get('retry-after') ?? 0) * 1000;
      await new Promise((r) => setTimeout(r, Math.min(retryAfter || 200 * 2 ** Math.min(attempt, 4), 3_000)));
    }
    return last;
  }

  async view(actor: Actor, caseId: string): Promise<CaseView | undefined> {
    const reply = await this.call(actor, 'GET', `/cases/${caseId}`);
    return reply?.status === 200 ? (reply.body as unknown as CaseView) : undefined;
  }
}
