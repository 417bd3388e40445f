import type { CaseStatus } from '../../src/contracts/case-status';
import type { CaseClock } from '../../src/domain/deadlines';

/** Deadline-test helpers: a case admitted on day 0 and times counted in days from then. */

export const DAY = 86_400_000;
const ADMITTED = Date.parse('2026-11-02T00:00:00.000Z');
export const at = (days: number): number => ADMITTED + days * DAY;
export const iso = (days: number): string => new Date(at(days)).toISOString();

/** Case UC-T, admitted on day 0, that reached `status` on day `since`, sponsor of Category 1. */
export function clock(status: CaseStatus, since = 0, extra: Partial<CaseClock> = {}): CaseClock {
  return {
    caseId: 'UC-T',
    careProviderId: 'shelter-1',
    status,
    admittedAt: iso(0),
    birthDate: '2014-01-01',
    category: '1',
    releasedAt: null,
    transitions: [
      { seq: 0, toStatus: 'intake', at: iso(0) },
      ...(status === 'intake' ? [] : [{ seq: 1, toStatus: status, at: iso(since) }]),
    ],
    ...extra,
  };
}
