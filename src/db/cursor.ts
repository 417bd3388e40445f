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

/**
 * A case list's cursor: the sort it belongs to, the last row's sort key (epoch ms; null for a case
 * without deadlines) and id, and the instant the first page was read at, so that every page of one
 * list measures days in care and deadline levels at the same time.
 */
export interface CaseCursor {
  sort: string;
  key: number | null;
  id: string;
  asOf: number;
}

export function encodeCaseCursor({ sort, key, id, asOf }: CaseCursor): string {
  return Buffer.from(JSON.stringify(['c', sort, key, id, asOf])).toString('base64url');
}

export function decodeCaseCursor(text: string): CaseCursor | undefined {
  try {
    const [tag, sort, key, id, asOf] = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown[];
    const valid =
      tag === 'c' && typeof sort === 'string' && (key === null || Number.isFinite(key)) && typeof id === 'string' && Number.isFinite(asOf);
    return valid ? { sort, key: key as number | null, id, asOf: asOf as number } : undefined;
  } catch {
    return undefined;
  }
}

/** A case list's `after` parameter: anything but a case cursor of ours is a 400 naming it. */
export const caseCursorParam = z
  .string()
  .max(400)
  .transform((text, ctx) => {
    const cursor = decodeCaseCursor(text);
    if (cursor) return cursor;
    ctx.addIssue({ code: 'custom', message: 'not a cursor returned by this API' });
    return z.NEVER;
  })
  .describe('The nextCursor of the previous page (with the same filters and sort)');
