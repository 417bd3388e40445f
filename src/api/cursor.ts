import { HttpError } from './http-errors';

/** A keyset-pagination cursor: the sort time and id of the last row of a page, opaque to callers. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor({ at, id }: Cursor): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** Reads a cursor this API returned; anything else is a 400 naming the parameter. */
export function decodeCursor(cursor: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, string];
    const date = new Date(at);
    if (typeof id !== 'string' || Number.isNaN(date.getTime())) throw new Error('bad cursor');
    return { at: date, id };
  } catch {
    throw new HttpError(400, 'invalid_request', 'Invalid querystring: after: not a cursor returned by this API', {
      issues: [{ where: 'querystring', path: 'after', message: 'not a cursor returned by this API' }],
    });
  }
}
