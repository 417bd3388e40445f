import type { Principal } from '../auth/tokens';
import type { BulkAcknowledge, BulkItemResult, BulkReassign, BulkResult, BulkTransfer } from '../contracts/bulk';
import { refuseReassignment } from '../domain/refusals';
import { assertMayAcknowledge, assertMaySend } from './access';
import type { AlertService } from './alert-service';
import type { CaseService, RequestRef } from './case-service';
import { AppError, refused } from './errors';

/**
 * Supervisors' bulk actions, each item through the single action's own service (its checks, its
 * Update, its audit): an item is applied whole or refused whole, and the answer says which. A role
 * that may not take the action at all is refused once, before any item.
 */
export interface BulkService {
  reassign(principal: Principal, request: BulkReassign, ref: RequestRef): Promise<BulkResult>;
  acknowledge(principal: Principal, request: BulkAcknowledge): Promise<BulkResult>;
  transfer(principal: Principal, request: BulkTransfer, ref: RequestRef): Promise<BulkResult>;
}

/** Items in flight at once: each waits on its case's worker. */
const CONCURRENCY = 4;

export function createBulkService({ cases, alerts }: { cases: CaseService; alerts: AlertService }): BulkService {
  return {
    reassign(principal, { caseIds, assigneeId, reason }, ref) {
      const byRole = refuseReassignment(principal.role);
      if (byRole) throw refused(byRole);
      return each(caseIds, (caseId) => cases.reassign(principal, caseId, { assigneeId, ...(reason ? { reason } : {}) }, ref));
    },
    acknowledge(principal, { alertIds, note }) {
      assertMayAcknowledge(principal);
      return each(alertIds, (alertId) => alerts.acknowledge(principal, alertId, note));
    },
    transfer(principal, { caseIds, toCareProviderId, reason }, ref) {
      assertMaySend(principal, 'TRANSFER_CARE_PROVIDER');
      return each(caseIds, (caseId) => cases.send(principal, caseId, { type: 'TRANSFER_CARE_PROVIDER', toCareProviderId, reason }, ref));
    },
  };
}

/** Runs the action on every item, a few at a time, and tells each item's outcome in the order given. */
async function each(ids: readonly string[], action: (id: string) => Promise<unknown>): Promise<BulkResult> {
  const items: BulkItemResult[] = new Array<BulkItemResult>(ids.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, ids.length) }, async () => {
      while (next < ids.length) {
        const i = next++;
        items[i] = await outcomeOf(ids[i]!, action);
      }
    }),
  );
  const count = (outcome: BulkItemResult['outcome']) => items.filter((item) => item.outcome === outcome).length;
  return { applied: count('applied'), refused: count('refused'), failed: count('failed'), items };
}

async function outcomeOf(id: string, action: (id: string) => Promise<unknown>): Promise<BulkItemResult> {
  try {
    await action(id);
    return { id, outcome: 'applied' };
  } catch (err) {
    if (err instanceof AppError) {
      return { id, outcome: err.code === 'worker_unavailable' ? 'failed' : 'refused', code: err.code, message: err.message };
    }
    return { id, outcome: 'failed', code: 'internal_error', message: 'Something went wrong on our side with this item; retry it.' };
  }
}
