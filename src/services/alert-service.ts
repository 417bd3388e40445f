import type { Principal } from '../auth/tokens';
import { actorOf } from '../auth/tokens';
import type { AlertLevel } from '../contracts/alerts';
import type { SponsorCategory } from '../contracts/case-events';
import type { AlertView, Page } from '../contracts/read-model';
import type { Cursor } from '../db/cursor';
import type { AlertEventView, ReadModel } from '../db/queries';
import { assertInScope, assertMayAcknowledge, listScope, scopeOf } from './access';
import type { CaseWorkflows } from './case-workflows';
import { AppError } from './errors';
import { answeringOutages } from './outage';

/** What the API does with alerts, for a verified caller: list them, follow them live, acknowledge them. */
export interface AlertService {
  list(principal: Principal, query: AlertQuery): Promise<Page<AlertView>>;
  /** Sent to the case, which refuses an alert already acknowledged or resolved. */
  acknowledge(principal: Principal, alertId: string, note?: string): Promise<AlertView>;
  /** Where a live stream starts: right after `resumeFrom`, or for a new client after the latest event. */
  streamStart(resumeFrom: bigint | undefined): Promise<bigint>;
  /** The alert events the caller may see after an id, in commit order, at most `take`. */
  eventsAfter(principal: Principal, lastId: bigint, take: number): Promise<AlertEventView[]>;
}

export interface AlertQuery {
  open?: boolean;
  level?: AlertLevel;
  careProviderId?: string;
  category?: SponsorCategory;
  limit: number;
  after?: Cursor;
}

export function createAlertService({ workflows, readModel: rows }: { workflows: CaseWorkflows; readModel: ReadModel }): AlertService {
  const readModel = answeringOutages(rows);
  return {
    list(principal, { limit, after, careProviderId, ...filter }) {
      const scope = listScope(principal, careProviderId, 'alerts');
      return readModel.listAlerts({ ...filter, careProviderId: scope }, { limit, after });
    },

    async acknowledge(principal, alertId, note) {
      assertMayAcknowledge(principal);
      const alert = await readModel.findAlert(alertId);
      if (!alert) throw new AppError('alert_not_found', `No alert ${alertId}.`);
      assertInScope(principal, alert.careProviderId, 'The alert');
      if (alert.resolvedAt) throw new AppError('alert_resolved', `Alert ${alertId} is resolved: the case has moved on.`);
      const ack = await workflows.acknowledge(alert.caseId, {
        alertId,
        actor: actorOf(principal),
        ...(note === undefined ? {} : { note }),
      });
      // The case has accepted it; its activity writes the row shortly after.
      return { ...alert, acknowledged: { at: ack.at, by: ack.actor, note: ack.note } };
    },

    streamStart: async (resumeFrom) => resumeFrom ?? readModel.lastAlertEventId(),

    eventsAfter: (principal, lastId, take) => readModel.alertEventsAfter(lastId, scopeOf(principal), take),
  };
}
