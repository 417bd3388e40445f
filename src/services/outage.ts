import { isDatabaseUnavailable } from '../db/failures';
import { AppError } from './errors';

/** How long a caller should wait before retrying a request that needed the database during an outage. */
export const DATABASE_RETRY_AFTER_S = 10;

export function databaseUnavailable(): AppError {
  return new AppError(
    'database_unavailable',
    `The database is unavailable for now; retry in ${DATABASE_RETRY_AFTER_S} s. Events sent to cases still work: the read model catches up after.`,
  );
}

const translate = (err: unknown): never => {
  throw isDatabaseUnavailable(err) ? databaseUnavailable() : err;
};

/** Calls `fn`, answering a database outage with `database_unavailable`, however it fails (at once or later). */
function guardedCall(fn: (...args: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  try {
    const result = fn.apply(self, args);
    return result instanceof Promise ? result.catch(translate) : result;
  } catch (err) {
    return translate(err);
  }
}

/**
 * The same object or function, every call of which answers a database outage with
 * `database_unavailable` (503 with Retry-After) instead of the driver's error (a 500). Other errors
 * pass through untouched.
 */
export function answeringOutages<T extends object>(target: T): T {
  return new Proxy(target, {
    apply: (fn, self, args: unknown[]) => guardedCall(fn as (...a: unknown[]) => unknown, self, args),
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => guardedCall(value as (...a: unknown[]) => unknown, object, args);
    },
  });
}

/** True for the error `answeringOutages` throws. */
export function isOutage(err: unknown): boolean {
  return err instanceof AppError && err.code === 'database_unavailable';
}
