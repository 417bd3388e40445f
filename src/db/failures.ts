import { Prisma } from './generated/client';

/**
 * What a database failure means for whoever called: the server is away for now (answer 503, retry
 * later), or the data itself is refused (a retry fails the same way), or something else.
 */

/**
 * What identifies a database error in a log line: Prisma's code and PostgreSQL's SQLSTATE, not the
 * message, which can quote the data. A raw query's failure is Prisma's P2010, with the SQLSTATE in
 * its metadata (under the driver adapter's error, or directly without an adapter).
 */
export function dbErrorCodes(err: unknown): { error: string; code?: string; sqlState?: string; kind?: string } {
  // A typed query in a batch transaction can surface the driver adapter's own error, unwrapped.
  if (err instanceof Error && err.name === 'DriverAdapterError') return { error: err.name, ...adapterCause(err.cause) };
  if (!(err instanceof Prisma.PrismaClientKnownRequestError)) {
    return { error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  const meta = err.meta as { code?: unknown; driverAdapterError?: { cause?: unknown } } | undefined;
  const { sqlState = typeof meta?.code === 'string' ? meta.code : undefined, kind } = adapterCause(meta?.driverAdapterError?.cause);
  return { error: err.name, code: err.code, ...(sqlState ? { sqlState } : {}), ...(kind ? { kind } : {}) };
}

/** The SQLSTATE and kind the driver adapter gives the cause of its error. */
function adapterCause(cause: unknown): { sqlState?: string; kind?: string } {
  const { originalCode, kind } = (cause ?? {}) as { originalCode?: unknown; kind?: unknown };
  return { ...(typeof originalCode === 'string' ? { sqlState: originalCode } : {}), ...(typeof kind === 'string' ? { kind } : {}) };
}

/** Prisma's codes for a server it cannot reach or that stopped answering. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** The driver adapter's kinds for the same. */
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** SQLSTATEs of a server shutting down, starting up or full: 57P01-57P03, 53300 (and class 08, connection exceptions). */
const UNAVAILABLE_SQL_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What pg and Node say when a connection cannot be made or breaks (errors the adapter passes through unmapped). */
const UNAVAILABLE_MESSAGE =
  /Can't reach database server|Connection terminated|connection timeout|ECONNREFUSED|ECONNRESET|EPIPE|the database system is (shutting down|starting up|in recovery mode)|terminating connection due to administrator command|Client has encountered a connection error/i;

/** True when the database server is away or going away: nothing is wrong with the request, retry later. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof Prisma.PrismaClientInitializationError) return true;
  const { code, sqlState, kind } = dbErrorCodes(err);
  if (code && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  if (kind && UNAVAILABLE_KINDS.has(kind)) return true;
  if (sqlState && (UNAVAILABLE_SQL_STATES.has(sqlState) || sqlState.startsWith('08'))) return true;
  return err instanceof Error && UNAVAILABLE_MESSAGE.test(err.message);
}

/** Prisma errors about the data itself (too long, wrong type, a constraint): a retry fails the same way. */
const PERMANENT_PRISMA_CODES = new Set(['P2000', 'P2003', 'P2004', 'P2005', 'P2006', 'P2007', 'P2011', 'P2012', 'P2020', 'P2023']);
/** A unique violation is the one integrity error a retry can outlive: the row it collided with may be its own earlier write. */
const UNIQUE_VIOLATION = '23505';

/**
 * True when PostgreSQL refused the data itself: SQLSTATE class 22 (data exception: a date out of
 * range, a value too long) or class 23 (integrity) other than a unique violation, or Prisma's own
 * data errors. Writing the same data again fails the same way.
 */
export function isPermanentDataError(err: unknown): boolean {
  const { code, sqlState } = dbErrorCodes(err);
  if (code && PERMANENT_PRISMA_CODES.has(code)) return true;
  if (!sqlState) return false;
  return sqlState.startsWith('22') || (sqlState.startsWith('23') && sqlState !== UNIQUE_VIOLATION);
}

/** The one collision the projection statement expects (see src/db/projection.ts): a unique violation in a raw query. */
export function isUniqueViolation(err: unknown): boolean {
  const { code, sqlState } = dbErrorCodes(err);
  return code === 'P2010' && sqlState === UNIQUE_VIOLATION;
}
