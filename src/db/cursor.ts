import { z } from 'zod';

/** A keyset-pagination cursor: the sort time and id of the last row of a page, opaque to callers. */
export interface Cursor {
  at: Date;
  id: string;
}

export function encodeCursor({ at, id }: Cursor): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

/** Reads a cursor this API returned; anything else is undefined. */
export function decodeCursor(text: string): Cursor | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString()) as [unknown, unknown];
    const date = new Date(String(at));
    return typeof id === 'string' && typeof at === 'string' && !Number.isNaN(date.getTime()) ? { at: date, id } : undefined;
  } catch {
    return undefined;
  }
}

/** The `after` query parameter: read at the boundary, so that anything but a cursor of ours is a 400 naming it. */
export const cursorParam = (maxLength: number) =>
  z
    .string()
    .max(maxLength)
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (cursor) return cursor;
      ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
      return z.NEVER;
    })
    .describe('The nextCursor of the previous page');
