import type { Prisma } from '../../src/db/generated/client';

/** Read-model rows written straight to the database, for tests of what the API reads. */

export function caseRow(caseId: string, extra: Partial<Prisma.CaseCreateInput> = {}): Prisma.CaseCreateInput {
  return {
    id: caseId,
    workflowId: `case-${caseId}`,
    careProviderId: 'shelter-tx-07',
    status: 'intake',
    admittedAt: new Date('2026-11-02T14:00:00Z'),
    lastSeq: 0,
    ...extra,
  };
}

/** What an alert of a case is, before its times: its id, rule and level, and the message. */
export function alertFields(caseId: string) {
  return {
    id: `${caseId}:length_of_stay:escalation-0`,
    caseId,
    careProviderId: 'shelter-tx-07',
    sponsorCategory: '1',
    rule: 'length_of_stay' as const,
    chain: 'length_of_stay',
    kind: 'escalation',
    repeat: 0,
    level: 'supervisor' as const,
    message: `${caseId}: Over the Category 1 length-of-stay target of 10 days from admission.`,
  };
}

export function alertRow(caseId: string, extra: Partial<Prisma.AlertCreateInput> = {}): Prisma.AlertCreateInput {
  return { ...alertFields(caseId), dueAt: new Date('2026-11-12T14:00:00Z'), firedAt: new Date('2026-11-12T14:00:01Z'), ...extra };
}
