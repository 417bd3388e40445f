import { createHash } from 'node:crypto';

import type { CaseCommand } from '../contracts/case-events';

/** An Idempotency-Key and the request it comes with. */
export interface Idempotency {
  key: string;
  /** SHA-256 of the case, the caller and the event: the same request hashes the same, whatever the order of its fields. */
  fingerprint: string;
}

export function idempotencyOf(key: string, caseId: string, command: CaseCommand): Idempotency {
  return { key, fingerprint: createHash('sha256').update(canonicalJson({ caseId, command })).digest('hex') };
}

/** JSON with every object's keys sorted and undefined left out, so that equal requests give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
