import type { AlertLevel } from '../../../src/contracts/alerts';
import type { AlertView } from '../../../src/contracts/read-model';

/**
 * The alerts inbox's state: the list the API gave, kept current by the live stream's events, newest
 * first, and the subset the viewer's filters show. Pure, so the page only renders it.
 */

export interface InboxFilter {
  level?: AlertLevel;
  careProviderId?: string;
  /** open: not yet resolved (the case has not moved on). */
  show: 'open' | 'all';
}

const newestFirst = (a: AlertView, b: AlertView): number => b.firedAt.localeCompare(a.firedAt) || b.id.localeCompare(a.id);

/** The list with each incoming alert added or replacing the one with its id (a later state wins), newest first. */
export function mergeAlerts(current: readonly AlertView[], incoming: readonly AlertView[]): AlertView[] {
  const byId = new Map(current.map((alert) => [alert.id, alert]));
  for (const alert of incoming) byId.set(alert.id, alert);
  return [...byId.values()].sort(newestFirst);
}

export function visibleAlerts(alerts: readonly AlertView[], filter: InboxFilter): AlertView[] {
  return alerts.filter(
    (alert) =>
      (filter.show === 'all' || alert.resolvedAt === null) &&
      (!filter.level || alert.level === filter.level) &&
      (!filter.careProviderId || alert.careProviderId === filter.careProviderId),
  );
}

/** Whether a supervisor can still acknowledge it: neither acknowledged nor resolved. */
export const awaitsAcknowledgement = (alert: AlertView): boolean => alert.acknowledged === null && alert.resolvedAt === null;

/** The care providers in a list, for the filter's choices. */
export const providersOf = (alerts: readonly AlertView[]): string[] => [...new Set(alerts.map((a) => a.careProviderId))].sort();

/** The state of the live connection, as the page shows it. */
export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export const STREAM_STATE_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting to live alerts…',
  live: 'Live: new alerts appear as they fire',
  reconnecting: 'Connection lost: reconnecting… (alerts fired meanwhile arrive when it is back)',
  stopped: 'Live updates stopped: reload the page to reconnect',
};

/** What a screen reader hears when an event arrives. */
export function announcement(type: string, alert: AlertView): string {
  const kind = alert.kind === 'escalation' ? 'escalation' : 'warning';
  const what = `${kind === 'escalation' ? 'Escalation' : 'Warning'} for case ${alert.caseId}`;
  if (type === 'alert.fired') return `New ${kind} for case ${alert.caseId}: ${alert.message}`;
  if (type === 'alert.acknowledged') return `${what} acknowledged by ${alert.acknowledged?.by.id ?? 'someone'}`;
  return `${what} resolved`;
}
