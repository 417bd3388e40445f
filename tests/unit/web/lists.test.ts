import type { AlertView, CaseSummary } from '../../../src/contracts/read-model';
import { DEFAULT_TARGETS } from '../../../src/contracts/targets';
import { announcement, awaitsAcknowledgement, mergeAlerts, providersOf, visibleAlerts } from '../../../web/src/lib/alerts-inbox';
import { enteredStageAt, inboxOrder } from '../../../web/src/lib/inbox';
import { queryString } from '../../../web/src/lib/query-string';
import { pageSelection, toggled, toggledAll } from '../../../web/src/lib/selection';

const alert = (id: string, firedAt: string, overrides: Partial<AlertView> = {}): AlertView => ({
  id,
  caseId: id.split(':')[0]!,
  careProviderId: 'shelter-tx-07',
  sponsorCategory: '1',
  rule: 'length_of_stay',
  chain: 'length_of_stay',
  kind: 'escalation',
  repeat: 0,
  level: 'supervisor',
  message: `Alert ${id}`,
  dueAt: firedAt,
  firedAt,
  acknowledged: null,
  resolvedAt: null,
  ...overrides,
});

describe('the alerts inbox', () => {
  it('keeps alerts newest first, an event replacing the alert with its id', () => {
    const list = [alert('A:1', '2026-11-20T10:00:00Z'), alert('B:1', '2026-11-21T10:00:00Z')];
    const acked = alert('A:1', '2026-11-20T10:00:00Z', {
      acknowledged: { at: '2026-11-22T00:00:00Z', by: { id: 'sup', role: 'supervisor' }, note: null },
    });
    const merged = mergeAlerts(list, [alert('C:1', '2026-11-22T10:00:00Z'), acked]);
    expect(merged.map((a) => a.id)).toEqual(['C:1', 'B:1', 'A:1']);
    expect(merged[2]!.acknowledged?.by.id).toBe('sup');
    expect(awaitsAcknowledgement(merged[2]!)).toBe(false);
    expect(awaitsAcknowledgement(merged[0]!)).toBe(true);
  });

  it('filters by level, provider and whether resolved', () => {
    const list = [
      alert('A:1', '2026-11-20T10:00:00Z', { level: 'program_lead' }),
      alert('B:1', '2026-11-21T10:00:00Z', { careProviderId: 'shelter-ca-02' }),
      alert('C:1', '2026-11-22T10:00:00Z', { resolvedAt: '2026-11-23T00:00:00Z' }),
    ];
    expect(visibleAlerts(list, { show: 'open' }).map((a) => a.id)).toEqual(['A:1', 'B:1']);
    expect(visibleAlerts(list, { show: 'all', level: 'supervisor' }).map((a) => a.id)).toEqual(['B:1', 'C:1']);
    expect(visibleAlerts(list, { show: 'all', careProviderId: 'shelter-ca-02' }).map((a) => a.id)).toEqual(['B:1']);
    expect(providersOf(list)).toEqual(['shelter-ca-02', 'shelter-tx-07']);
  });

  it('says what arrived, for screen readers', () => {
    expect(announcement('alert.fired', alert('UC-1:x', '2026-11-20T10:00:00Z'))).toBe('New escalation for case UC-1: Alert UC-1:x');
    expect(announcement('alert.resolved', alert('UC-1:x', '2026-11-20T10:00:00Z', { kind: 'warning' }))).toBe(
      'Warning for case UC-1 resolved',
    );
  });
});

describe('row selection', () => {
  it('ticks one, all of a page, and clears the page when all were ticked, leaving other pages alone', () => {
    const one = toggled(new Set(), 'a');
    expect([...one]).toEqual(['a']);
    expect([...toggled(one, 'a')]).toEqual([]);
    const withOther = new Set(['x']);
    const all = toggledAll(withOther, ['a', 'b']);
    expect([...all].sort()).toEqual(['a', 'b', 'x']);
    expect(pageSelection(all, ['a', 'b'])).toBe('all');
    expect([...toggledAll(all, ['a', 'b'])]).toEqual(['x']);
    expect(pageSelection(new Set(['a']), ['a', 'b'])).toBe('some');
    expect(pageSelection(new Set(), [])).toBe('none');
  });
});

describe('the reviewer inbox order', () => {
  const summary = (caseId: string, status = 'release_decision'): CaseSummary => ({
    caseId,
    status: status as CaseSummary['status'],
    careProviderId: 'shelter-tx-07',
    sponsorCategory: '1',
    admittedAt: '2026-11-01T00:00:00Z',
    releasedAt: null,
    daysInCare: 10,
    updatedAt: '2026-11-10T00:00:00Z',
    assigneeId: 'cm-ana',
    policyProfile: 'fg26-2025',
    dischargedAt: null,
    nextDeadline: null,
    level: null,
  });

  it('puts the soonest due first: entry into the stage plus its target (2 days for the ORR decision)', () => {
    const entered: Record<string, string | null> = { A: '2026-11-10T00:00:00Z', B: '2026-11-08T12:00:00Z', C: null };
    const items = inboxOrder([summary('A'), summary('B'), summary('C')], DEFAULT_TARGETS, (id) => entered[id] ?? null);
    expect(items.map((i) => [i.summary.caseId, i.dueAt, i.targetDays])).toEqual([
      ['B', '2026-11-10T12:00:00.000Z', 2],
      ['A', '2026-11-12T00:00:00.000Z', 2],
      ['C', null, 2],
    ]);
  });

  it('finds when the case last entered its stage (a remand back into it counts from its return)', () => {
    const t = (seq: number, fromStatus: string | null, toStatus: string, at: string) =>
      ({ seq, event: 'X', fromStatus, toStatus, actor: { id: 'a', role: 'case_manager' }, reason: null, at, requestId: null }) as never;
    const transitions = [
      t(0, null, 'intake', '2026-11-01T00:00:00Z'),
      t(1, 'recommendation', 'release_decision', '2026-11-05T00:00:00Z'),
      t(2, 'release_decision', 'vetting', '2026-11-06T00:00:00Z'),
      t(3, 'recommendation', 'release_decision', '2026-11-09T00:00:00Z'),
      t(4, 'release_decision', 'release_decision', '2026-11-09T05:00:00Z'),
    ];
    expect(enteredStageAt(transitions, 'release_decision')).toBe('2026-11-09T00:00:00Z');
    expect(enteredStageAt(transitions, 'closed')).toBeNull();
  });
});

describe('query strings', () => {
  it('leaves out what is unset or empty', () => {
    expect(queryString({ status: 'vetting', careProviderId: '', after: null, limit: 25, open: false, level: undefined })).toBe(
      '?status=vetting&limit=25&open=false',
    );
    expect(queryString({})).toBe('');
  });
});
