import type { CaseEvent, CaseEventType } from '../../src/contracts/case-events';
import { CASE_EVENT_TYPES, CaseCommandSchema, ReleaseDecisionSchema } from '../../src/contracts/case-events';
import { OpenCaseSchema } from '../../src/contracts/case-input';
import type { Role } from '../../src/contracts/roles';
import { caseMachine } from '../../src/machines/case-machine';
import { allowedEvents, allowedEventsByRole, evaluateEvent, openCaseSnapshot } from '../../src/machines/case-logic';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { STATE_TO_STATUS, UnmappedStateError, toCaseStatus } from '../../src/machines/case-status';
import { EVENT_ROLES } from '../../src/machines/policy';
import { caseManager, events, openCaseRequest, reviewer } from '../helpers/builders';

const AT = '2026-11-03T09:00:00.000Z';

function open(overrides: Parameters<typeof openCaseRequest>[1] = {}): CaseSnapshot {
  const input = OpenCaseSchema.parse(openCaseRequest('UC-M-1', overrides));
  return openCaseSnapshot(input);
}

function parse(event: unknown): CaseEvent {
  const e = event as { type: string };
  return e.type === 'DECIDE_RELEASE' ? ReleaseDecisionSchema.parse(event) : CaseCommandSchema.parse(event);
}

/** Applies events in order; fails the test on the first refusal. */
function drive(snapshot: CaseSnapshot, ...sequence: unknown[]): CaseSnapshot {
  let current = snapshot;
  for (const event of sequence) {
    const outcome = evaluateEvent(current, parse(event), AT);
    if (!outcome.accepted) throw new Error(`refused: ${outcome.refusal.message}`);
    current = outcome.next;
  }
  return current;
}

/** A valid event of each type, sent by a role that may send it. */
const sampleEvents: Record<CaseEventType, unknown> = {
  COMPLETE_INTAKE: events.completeIntake(),
  IDENTIFY_SPONSOR: events.identifySponsor('1'),
  COMPLETE_VETTING: events.completeVetting(),
  COMPLETE_HOME_STUDY: events.completeHomeStudy(),
  DECIDE_RELEASE: events.approve(),
  RELEASE_CHILD: events.releaseChild(),
};

describe('case machine: the slice, transition by transition', () => {
  it('opens in intake with only COMPLETE_INTAKE allowed, for case managers', () => {
    const s = open();
    expect(toCaseStatus(s)).toBe('intake');
    expect(allowedEventsByRole(s)).toEqual({ case_manager: ['COMPLETE_INTAKE'] });
  });

  it('goes intake -> sponsor identification -> vetting, recording the sponsor', () => {
    const s1 = drive(open(), events.completeIntake());
    expect(toCaseStatus(s1)).toBe('sponsor_identification');
    const s2 = drive(s1, events.identifySponsor('2A'));
    expect(toCaseStatus(s2)).toBe('vetting');
    expect(s2.context.sponsor).toEqual({ category: '2A', related: true, presentsRisk: false });
    expect(s2.context.homeStudyTriggers).toEqual([]);
  });

  it('skips the home study when none is required: vetting -> release decision', () => {
    const s = drive(open(), events.completeIntake(), events.identifySponsor('1'), events.completeVetting());
    expect(toCaseStatus(s)).toBe('release_decision');
    expect(allowedEventsByRole(s)).toEqual({ orr_reviewer: ['DECIDE_RELEASE'] });
  });

  it('goes through the home study when one is required', () => {
    const s = drive(
      open({ child: { birthDate: '2017-05-20', traffickingVictim: true } }),
      events.completeIntake(),
      events.identifySponsor('1'),
      events.completeVetting(),
    );
    expect(toCaseStatus(s)).toBe('home_study');
    expect(s.context.homeStudyTriggers).toEqual(['child_trafficking_victim']);
    expect(toCaseStatus(drive(s, events.completeHomeStudy()))).toBe('release_decision');
  });

  it('approval -> release approved -> released, which is final and stamps the release time', () => {
    const decided = drive(open(), events.completeIntake(), events.identifySponsor('1'), events.completeVetting(), events.approve());
    expect(toCaseStatus(decided)).toBe('release_approved');
    const released = drive(decided, events.releaseChild());
    expect(toCaseStatus(released)).toBe('released');
    expect(released.status).toBe('done');
    expect(released.context.releasedAt).toBe(AT);
    expect(allowedEvents(released)).toEqual([]);
  });
});

describe('case machine: refusals', () => {
  // Every reachable state of the slice, with how to get there.
  const reachable: Record<string, () => CaseSnapshot> = {
    intake: () => open(),
    sponsor_identification: () => drive(open(), events.completeIntake()),
    vetting: () => drive(open(), events.completeIntake(), events.identifySponsor('1')),
    home_study: () =>
      drive(open(), events.completeIntake(), events.identifySponsor('1', { presentsRisk: true }), events.completeVetting()),
    release_decision: () => drive(open(), events.completeIntake(), events.identifySponsor('1'), events.completeVetting()),
    release_approved: () =>
      drive(open(), events.completeIntake(), events.identifySponsor('1'), events.completeVetting(), events.approve()),
  };

  const cases = Object.entries(reachable).flatMap(([status, make]) =>
    CASE_EVENT_TYPES.filter((type) => !allowedEvents(make()).includes(type)).map((type) => [status, type, make] as const),
  );

  it('covers every state x event pair that is not allowed', () => {
    // 6 open states x 6 event types, less the one allowed event in each.
    expect(cases).toHaveLength(6 * 6 - 6);
  });

  it.each(cases)('in %s, %s is refused with the reason and what is allowed; the case is unchanged', (status, type, make) => {
    const before = make();
    const outcome = evaluateEvent(before, parse(sampleEvents[type]), AT);
    expect(outcome.accepted).toBe(false);
    if (outcome.accepted) return;
    expect(outcome.refusal).toMatchObject({ code: 'not_allowed_in_state', status });
    expect(outcome.refusal.message).toBe(`${type} is not allowed while the case is in ${status}.`);
    const role = (sampleEvents[type] as { actor: { role: Role } }).actor.role;
    expect(outcome.refusal.allowedEvents).toEqual(allowedEvents(before, role));
    expect(toCaseStatus(before)).toBe(status);
  });

  it('refuses an event from a role that may not send it, naming who may', () => {
    const s = reachable.release_decision!();
    const outcome = evaluateEvent(s, parse(events.approve(caseManager)), AT);
    expect(outcome).toEqual({
      accepted: false,
      refusal: {
        code: 'role_not_permitted',
        message: 'DECIDE_RELEASE may be sent by orr_reviewer, not by case_manager.',
        status: 'release_decision',
        allowedEvents: [],
      },
    });
    const byReviewer = evaluateEvent(reachable.intake!(), parse({ ...events.completeIntake(), actor: reviewer }), AT);
    expect(byReviewer.accepted).toBe(false);
    if (!byReviewer.accepted) expect(byReviewer.refusal.code).toBe('role_not_permitted');
  });

  it('refuses everything once the case is released', () => {
    const released = drive(reachable.release_approved!(), events.releaseChild());
    for (const type of CASE_EVENT_TYPES) {
      const outcome = evaluateEvent(released, parse(sampleEvents[type]), AT);
      expect(outcome.accepted).toBe(false);
      if (!outcome.accepted) expect(outcome.refusal.code).toBe('case_closed');
    }
  });
});

describe('case machine: public status', () => {
  it('maps every machine state to a public status', () => {
    const states = Object.keys(caseMachine.root.states);
    expect(states.sort()).toEqual(Object.keys(STATE_TO_STATUS).sort());
  });

  it('throws on a state with no public status', () => {
    const s = open();
    expect(() => toCaseStatus({ ...s, value: 'limbo' } as unknown as CaseSnapshot)).toThrow(UnmappedStateError);
  });

  it('lets every event type be sent by at least one role', () => {
    for (const type of CASE_EVENT_TYPES) expect(EVENT_ROLES[type].length).toBeGreaterThan(0);
  });
});
