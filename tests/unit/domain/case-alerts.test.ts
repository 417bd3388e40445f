import type { AcknowledgeAlert } from '../../../src/contracts/alerts';
import type { Targets } from '../../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../../src/contracts/targets';
import { CaseAlerts } from '../../../src/domain/case-alerts';
import { at, clock, iso } from '../../helpers/case-clock';

/** A case's alert bookkeeping, pure: what fired, what is open, acknowledged, and handed to the read model. */

const LOS_ONLY: Targets = { ...DEFAULT_TARGETS, stages: [] };
const supervisor = { id: 'sup-carla', role: 'supervisor' } as const;
const ack = (alertId: string, actor: AcknowledgeAlert['actor'] = supervisor, note?: string): AcknowledgeAlert => ({
  alertId,
  actor,
  ...(note ? { note } : {}),
});
const losId = (step: string) => `UC-T:length_of_stay:${step}`;
/** A Category 1 case waiting on ORR since day 9.9: only its length of stay is late. */
const waiting = clock('release_decision', 9.9);

/** Runs the deadlines on each day in turn; answers the ids fired on each. */
function daysOf(alerts: CaseAlerts, days: number[], targets: Targets = LOS_ONLY): string[][] {
  return days.map((day) => alerts.keepDeadlines(waiting, targets, at(day)).map((a) => a.id));
}

describe("a case's alerts", () => {
  it('fires each alert once, keeps it open, and says when the next one is due', () => {
    const alerts = new CaseAlerts('UC-T');
    expect(alerts.nextDeadlineAt).toBeNull();
    expect(daysOf(alerts, [6, 7, 7.5, 10, 10.2])).toEqual([[], [losId('warning')], [], [losId('escalation-0')], []]);
    expect(alerts.nextDeadlineAt).toBe(at(13));
    expect(alerts.view(4)).toMatchObject({
      open: [expect.objectContaining({ id: losId('warning') }), expect.objectContaining({ id: losId('escalation-0') })],
      acknowledgements: [],
      firedCount: 2,
      nextDeadlineAt: iso(13),
      targetsVersion: 4,
    });
  });

  it('hands the read model each fired alert, resolution and acknowledgement once, in order', () => {
    const alerts = new CaseAlerts('UC-T');
    expect(alerts.takeUnrecorded()).toBeNull();
    daysOf(alerts, [7, 10]);
    const acknowledgement = alerts.acknowledge(ack(losId('warning'), supervisor, 'Seen'), iso(10.5));
    expect(acknowledgement).toEqual({ alertId: losId('warning'), actor: supervisor, at: iso(10.5), note: 'Seen' });
    const first = alerts.takeUnrecorded();
    expect(first?.fired.map((a) => a.id)).toEqual([losId('warning'), losId('escalation-0')]);
    expect(first?.acknowledged).toEqual([acknowledgement]);
    expect(first?.resolved).toEqual([]);
    expect(alerts.takeUnrecorded()).toBeNull();
    alerts.closeAll(iso(11));
    expect(alerts.takeUnrecorded()).toEqual({
      fired: [],
      acknowledged: [],
      resolved: [
        { alertId: losId('warning'), at: iso(11) },
        { alertId: losId('escalation-0'), at: iso(11) },
      ],
    });
  });

  it('resolves the open alerts of a target the case has moved past, at that moment', () => {
    const alerts = new CaseAlerts('UC-T');
    const inVetting = clock('vetting', 0, { category: '3' });
    const vetting = ['UC-T:stage.vetting.1:warning', 'UC-T:stage.vetting.1:escalation-0'];
    expect(alerts.keepDeadlines(inVetting, DEFAULT_TARGETS, at(5.01)).map((a) => a.id)).toEqual(vetting);
    alerts.takeUnrecorded();
    const inHomeStudy = {
      ...inVetting,
      status: 'home_study' as const,
      transitions: [...inVetting.transitions, { seq: 2, toStatus: 'home_study' as const, at: iso(6) }],
    };
    expect(alerts.keepDeadlines(inHomeStudy, DEFAULT_TARGETS, at(6))).toEqual([]);
    expect(alerts.takeUnrecorded()?.resolved).toEqual(vetting.map((alertId) => ({ alertId, at: iso(6) })));
    expect(alerts.view(0)).toMatchObject({ open: [], firedCount: 2 });
    // The home study's own target counts from day 6.
    expect(alerts.nextDeadlineAt).toBe(at(6 + 7));
  });

  it('after the case closes, nothing is open and nothing is due', () => {
    const alerts = new CaseAlerts('UC-T');
    daysOf(alerts, [7]);
    alerts.closeAll(iso(8));
    expect(alerts.view(0)).toMatchObject({ open: [], firedCount: 1, nextDeadlineAt: null });
  });

  it('refuses an acknowledgement by another role, of an alert not its own or resolved, or a second one, saying why', () => {
    const alerts = new CaseAlerts('UC-T');
    daysOf(alerts, [7]);
    expect(alerts.refusalOf(ack(losId('warning'), { id: 'cm-ana', role: 'case_manager' }))).toBe(
      'Alerts are acknowledged by a supervisor, not by case_manager.',
    );
    expect(alerts.refusalOf(ack('UC-X:length_of_stay:warning'))).toBe('Alert UC-X:length_of_stay:warning is not an alert of case UC-T.');
    expect(alerts.refusalOf(ack(losId('warning')))).toBeNull();
    alerts.acknowledge(ack(losId('warning')), iso(7.1));
    expect(alerts.refusalOf(ack(losId('warning')))).toBe(`Alert ${losId('warning')} is already acknowledged.`);
    expect(() => alerts.acknowledge(ack(losId('warning')), iso(7.2))).toThrow(`Alert ${losId('warning')} is already acknowledged.`);
    alerts.closeAll(iso(8));
    expect(alerts.refusalOf(ack(losId('warning')))).toBe(`Alert ${losId('warning')} is resolved: the case has moved on.`);
    expect(alerts.view(0).acknowledgements).toHaveLength(1);
  });

  it('an acknowledged escalation stops the repeats at its level until the next level; a warning silences nothing', () => {
    const alerts = new CaseAlerts('UC-T');
    daysOf(alerts, [7, 10]);
    alerts.acknowledge(ack(losId('warning')), iso(10.1));
    expect(daysOf(alerts, [13])).toEqual([[losId('escalation-1')]]);
    alerts.acknowledge(ack(losId('escalation-0')), iso(13.1));
    // Repeat 2 (day 16) is the supervisor's, silenced: the next deadline is the program lead's, day 19.
    expect(daysOf(alerts, [13.2])).toEqual([[]]);
    expect(alerts.nextDeadlineAt).toBe(at(19));
    expect(daysOf(alerts, [16.5, 19.01])).toEqual([[], [losId('escalation-3')]]);
    expect(alerts.view(0).open.find((a) => a.id === losId('escalation-3'))?.level).toBe('program_lead');
  });
});
