import type { HistoricalEvent, OpenCase } from '../contracts/case-input';
import type { CaseTransition } from '../contracts/case-view';
import type { Refusal } from './case-logic';
import { evaluateEvent, openCaseSnapshot, subjectOf } from './case-logic';
import type { CaseSnapshot } from './case-status';
import { toCaseStatus } from './case-status';

/**
 * A case's past run through the statechart as a pure reducer, each event at its own time: what an
 * import checks before it brings a case in. The same evaluation the case workflow applies, so a
 * history the statechart would not have taken is refused with the case's own reason.
 */
export type Replayed =
  | { ok: true; snapshot: CaseSnapshot; transitions: CaseTransition[]; lastPolicyProfile: string | null }
  | { ok: false; index: number; refusal: Pick<Refusal, 'code' | 'message'> & { status?: string } };

/** Clock skew allowed for an event stamped a little ahead of this machine's clock. */
const SKEW_MS = 5 * 60_000;

export function replayHistory(open: OpenCase, events: readonly HistoricalEvent[], now: number, requestId: string): Replayed {
  const { caseId, careProviderId, admittedAt, child } = open;
  let snapshot = openCaseSnapshot({ caseId, careProviderId, admittedAt, child });
  let lastPolicyProfile: string | null = null;
  const transitions: CaseTransition[] = [
    {
      seq: 0,
      event: 'OPEN_CASE',
      fromStatus: null,
      toStatus: toCaseStatus(snapshot),
      actor: open.openedBy,
      reason: null,
      at: new Date(admittedAt).toISOString(),
      requestId,
      subject: null,
      careProviderId,
    },
  ];
  let previous = Date.parse(admittedAt);
  for (const [index, { at, event }] of events.entries()) {
    const time = Date.parse(at);
    if (time < previous)
      return timeRefusal(index, `happened at ${at}, before the event or admission it follows (${new Date(previous).toISOString()})`);
    if (time > now + SKEW_MS) return timeRefusal(index, `happened at ${at}, which is in the future`);
    const outcome = evaluateEvent(snapshot, event, new Date(time).toISOString());
    if (!outcome.accepted) return { ok: false, index, refusal: outcome.refusal };
    const fromStatus = toCaseStatus(snapshot);
    const subject = subjectOf(snapshot, event, outcome.next);
    snapshot = outcome.next;
    lastPolicyProfile = snapshot.context.profileId ?? lastPolicyProfile;
    transitions.push({
      seq: transitions.length,
      event: event.type,
      fromStatus,
      toStatus: toCaseStatus(snapshot),
      actor: event.actor,
      reason: event.reason ?? null,
      at: new Date(time).toISOString(),
      requestId,
      subject,
      careProviderId: snapshot.context.careProviderId,
    });
    previous = time;
  }
  return { ok: true, snapshot, transitions, lastPolicyProfile };
}

function timeRefusal(index: number, why: string): Replayed {
  return { ok: false, index, refusal: { code: 'conditions_not_met', message: `The event ${why}: a history runs forward in time.` } };
}
