import { transition } from 'xstate';

import { CASE_EVENT_TYPES } from '../../src/contracts/case-events';
import { CaseStatusSchema } from '../../src/contracts/case-status';
import { EVENT_ROLES } from '../../src/domain/policy';
import { allowedEvents, allowedEventsByRole, checkStatuses, evaluateEvent } from '../../src/machines/case-logic';
import { caseMachine } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { GROUPING_STATES, STAGE_TO_STATUS, UnmappedStateError, toCaseStatus } from '../../src/machines/case-status';
import { caseManager, coordinator, events, reviewer } from '../helpers/builders';
import type { Step } from '../helpers/machine-driver';
import { AT, CLEAR_PENDING, drive, openSnapshot, parseEvent } from '../helpers/machine-driver';

const sponsored = (category: '1' | '2A' | '2B' | '3' = '1', extra = {}) =>
  drive(openSnapshot(), events.completeIntake(), events.identifySponsor(category, extra), events.completeAssessment());

function refusal(snapshot: CaseSnapshot, event: unknown) {
  const outcome = evaluateEvent(snapshot, parseEvent(event), AT);
  if (outcome.accepted) throw new Error(`expected a refusal of ${(event as { type: string }).type}`);
  return outcome.refusal;
}

describe('case machine: intake to sponsor', () => {
  it('opens in intake; the case manager may complete intake or record a departure, ORR may transfer', () => {
    const s = openSnapshot();
    expect(toCaseStatus(s)).toBe('intake');
    expect(allowedEventsByRole(s, AT)).toEqual({
      case_manager: ['COMPLETE_INTAKE', 'DEPART'],
      orr_reviewer: ['TRANSFER_CARE_PROVIDER'],
    });
  });

  it('records the sponsor with its defaults and the policy profile in force', () => {
    const s = drive(openSnapshot(), events.completeIntake(), events.identifySponsor('2A'));
    expect(toCaseStatus(s)).toBe('application');
    expect(s.context.sponsor).toEqual({
      category: '2A',
      related: true,
      presentsRisk: false,
      sponsoredBefore: false,
      seekingMultiple: false,
    });
    expect(s.context.profileId).toBe('ifr-2025');
    expect(s.context.sponsorId).toBe('sp-1');
    expect(s.context.expedited).toBe(false);
  });

  it('Category 4: no viable sponsor, until one appears', () => {
    const cat4 = drive(openSnapshot(), events.completeIntake(), events.noViableSponsor());
    expect(toCaseStatus(cat4)).toBe('no_viable_sponsor');
    expect(allowedEvents(cat4, AT, 'case_manager')).toEqual(['IDENTIFY_SPONSOR', 'DEPART']);
    expect(toCaseStatus(drive(cat4, events.identifySponsor('3')))).toBe('application');
  });

  it('asks a reason where the domain does: NO_VIABLE_SPONSOR without one is invalid', () => {
    expect(() => parseEvent({ type: 'NO_VIABLE_SPONSOR', actor: caseManager })).toThrow(/reason/);
  });
});

describe('case machine: vetting as parallel checks', () => {
  it('expedited Category 1: only the expedited checks are pending, and COMPLETE_VETTING waits for them', () => {
    const s = sponsored('1');
    expect(s.context.expedited).toBe(true);
    expect(checkStatuses(s)).toEqual({
      identity: 'pending',
      relationship: 'pending',
      public_records: 'pending',
      sex_offender: 'pending',
      fbi_fingerprint: 'pending',
      can_registry: 'not_required',
      prior_sponsorship: 'not_required',
    });
    expect(allowedEvents(s, AT, 'case_manager')).not.toContain('COMPLETE_VETTING');
    expect(refusal(s, events.completeVetting())).toMatchObject({
      code: 'conditions_not_met',
      message:
        'Vetting cannot complete while checks are open: identity of sp-1 (pending), relationship of sp-1 (pending), public_records of sp-1 (pending), sex_offender of sp-1 (pending), fbi_fingerprint of sp-1 (pending). Clear or flag each pending check, enter a new result for each expired one, and decide each household flag.',
    });
  });

  it('refuses a check that is not required, or already done, saying which are pending', () => {
    const s = sponsored('2B');
    expect(refusal(s, events.clearCheck('can_registry')).message).toBe(
      'The can_registry check of sp-1 is not required for a Category 2B sponsor under ifr-2025 unless something raises it; checks pending: identity, relationship, public_records, sex_offender, fbi_fingerprint, prior_sponsorship.',
    );
    const cleared = drive(s, events.clearCheck('identity'));
    expect(refusal(cleared, events.flagCheck('identity')).message).toMatch(
      /^The identity check of sp-1 is already cleared; checks pending: relationship,/,
    );
  });

  it('a flag raises the conditional checks and ends the expedited path', () => {
    const s = drive(sponsored('1'), events.flagCheck('public_records'));
    expect(s.context.expedited).toBe(false);
    expect(checkStatuses(s)).toMatchObject({ public_records: 'flagged', can_registry: 'pending', prior_sponsorship: 'pending' });
    expect(s.context.flags).toEqual([{ check: 'public_records', findings: 'Finding in the public_records check', at: AT, person: 'sp-1' }]);
    // Not expedited any more: the recommendation goes to the third-party review.
    const recommended = drive(s, CLEAR_PENDING, events.completeVetting(), events.recommend());
    expect(toCaseStatus(recommended)).toBe('third_party_review');
  });

  it('a finding that the sponsor presents a risk makes the home study mandatory', () => {
    const s = drive(sponsored('2A'), events.flagCheck('public_records', true), CLEAR_PENDING, events.completeVetting());
    expect(s.context.homeStudyTriggers).toEqual(['sponsor_presents_risk']);
    expect(toCaseStatus(s)).toBe('home_study');
    expect(s.context.homeStudy).toEqual({ mandatory: true, requested: false, outcome: null });
  });

  it('keeps the results when vetting is left; a remand to vetting re-runs only the checks named', () => {
    const decided = drive(sponsored('2B'), CLEAR_PENDING, events.completeVetting(), events.recommend(), events.review());
    expect(checkStatuses(decided)).toMatchObject({ identity: 'cleared', can_registry: 'not_required' });
    const remanded = drive(decided, events.decide('remand', { remandTo: 'vetting', recheck: ['public_records', 'fbi_fingerprint'] }));
    expect(toCaseStatus(remanded)).toBe('vetting');
    expect(checkStatuses(remanded)).toMatchObject({
      identity: 'cleared',
      public_records: 'pending',
      fbi_fingerprint: 'pending',
      prior_sponsorship: 'cleared',
      can_registry: 'not_required',
    });
    expect(() => parseEvent({ ...events.decide('remand', { remandTo: 'vetting' }), recheck: undefined })).toThrow(/recheck/);
  });

  it('a home study asked for after vetting raises checks, and the case goes back to vetting to run them', () => {
    const studied = drive(sponsored('1'), CLEAR_PENDING, events.completeVetting(), events.requestHomeStudy());
    // Expedited vetting skipped CA/N and prior sponsorship; the request raises them.
    expect(checkStatuses(studied)).toMatchObject({ can_registry: 'pending', prior_sponsorship: 'pending', identity: 'cleared' });
    const back = drive(studied, events.completeHomeStudy());
    expect(toCaseStatus(back)).toBe('vetting');
    expect(checkStatuses(back)).toMatchObject({ identity: 'cleared', can_registry: 'pending', prior_sponsorship: 'pending' });
    const done = drive(back, CLEAR_PENDING, events.completeVetting());
    // The home study has its outcome: it is not started again.
    expect(toCaseStatus(done)).toBe('recommendation');
    expect(toCaseStatus(drive(done, events.recommend()))).toBe('third_party_review');
  });

  it('shows checks the policy requires as pending before vetting starts', () => {
    const application = drive(openSnapshot(), events.completeIntake(), events.identifySponsor('2B'));
    expect(checkStatuses(application)).toMatchObject({ identity: 'pending', fbi_fingerprint: 'pending', can_registry: 'not_required' });
  });

  it('requires the relationship of a Category 3 sponsor, and refuses an unrelated Category 1 or 2 sponsor', () => {
    expect(() => parseEvent({ type: 'IDENTIFY_SPONSOR', actor: caseManager, sponsor: { category: '3' } })).toThrow(/Category 3/);
    expect(() => parseEvent({ type: 'IDENTIFY_SPONSOR', actor: caseManager, sponsor: { category: '2A', related: false } })).toThrow(
      /relative by definition/,
    );
  });
});

describe('case machine: home study, recommendation, review, decision', () => {
  it('expedited Category 1 goes from recommendation straight to the ORR decision, unless the recommendation is not to release', () => {
    const s = drive(sponsored('1'), CLEAR_PENDING, events.completeVetting());
    expect(toCaseStatus(s)).toBe('recommendation');
    expect(toCaseStatus(drive(s, events.recommend()))).toBe('release_decision');
    expect(toCaseStatus(drive(s, events.recommend('do_not_release')))).toBe('third_party_review');
  });

  it('refuses the approval itself for a child who has turned 18: the case closes by age-out instead', () => {
    const atDecision = drive(
      openSnapshot({ child: { birthDate: '2008-11-03' } }),
      events.completeIntake(),
      events.identifySponsor('1'),
      events.completeAssessment(),
      CLEAR_PENDING,
      events.completeVetting(),
      events.recommend(),
    );
    expect(refusal(atDecision, events.approve())).toMatchObject({
      code: 'conditions_not_met',
      message: 'The child is 18: ORR approves the release of minors only; the case closes by age-out.',
    });
    expect(refusal(atDecision, events.decide('approve_with_services')).code).toBe('conditions_not_met');
    // A denial or a remand is still ORR's to make.
    expect(toCaseStatus(drive(atDecision, events.decide('deny')))).toBe('sponsor_identification');
  });

  it('a mandatory home study comes after vetting; post-release services follow it', () => {
    const s = drive(
      openSnapshot({ child: { birthDate: '2017-05-20', traffickingVictim: true } }),
      events.completeIntake(),
      events.identifySponsor('1'),
      events.completeAssessment(),
      CLEAR_PENDING,
      events.completeVetting(),
    );
    expect(toCaseStatus(s)).toBe('home_study');
    // The trigger raised every conditional check: fingerprints and CA/N were required.
    expect(s.context.checkResults.can_registry?.outcome).toBe('cleared');
    const decided = drive(s, events.completeHomeStudy(), events.recommend(), events.review(), events.approve());
    expect(toCaseStatus(decided)).toBe('release_approved');
    expect(decided.context.postReleaseServices).toBe(true);
  });

  it('the case coordinator may ask for a discretionary home study at review', () => {
    const s = drive(sponsored('2A'), CLEAR_PENDING, events.completeVetting(), events.recommend());
    const studied = drive(s, events.requestHomeStudy(coordinator));
    expect(toCaseStatus(studied)).toBe('home_study');
    expect(studied.context.homeStudy).toEqual({ mandatory: false, requested: true, outcome: null });
  });

  it('the review may send the case back for more assessment', () => {
    const s = drive(sponsored('2A'), CLEAR_PENDING, events.completeVetting(), events.recommend(), events.review('more_assessment'));
    expect(toCaseStatus(s)).toBe('application');
    expect(s.context.review).toBe('more_assessment');
  });

  const atDecision = () => drive(sponsored('2A'), CLEAR_PENDING, events.completeVetting(), events.recommend(), events.review());

  it.each([
    ['approve', {}, 'release_approved'],
    ['approve_with_services', {}, 'release_approved'],
    ['refer_home_study', {}, 'home_study'],
    ['remand', { remandTo: 'application' as const }, 'application'],
    ['remand', { remandTo: 'vetting' as const }, 'vetting'],
    ['remand', { remandTo: 'home_study' as const }, 'home_study'],
    ['deny', {}, 'sponsor_identification'],
  ] as const)('ORR decision %s %j -> %s', (decision, extra, status) => {
    const s = drive(atDecision(), events.decide(decision, extra));
    expect(toCaseStatus(s)).toBe(status);
  });

  it('a denial retires the sponsor with its history; a second sponsor starts afresh', () => {
    const denied = drive(atDecision(), events.decide('deny'));
    expect(denied.context.sponsor).toBeNull();
    expect(denied.context.sponsorHistory).toEqual([
      expect.objectContaining({
        sponsorId: 'sp-1',
        sponsor: expect.objectContaining({ category: '2A' }),
        outcome: 'denied',
        at: AT,
        denial: { grounds: ['risk_to_child'], reason: "Reviewer's reasons for deny" },
      }),
    ]);
    const second = drive(denied, events.identifySponsor('1'), events.completeAssessment());
    expect(second.context.expedited).toBe(true);
    expect(second.context.decision).toBeNull();
    expect(toCaseStatus(drive(denied, events.noViableSponsor()))).toBe('no_viable_sponsor');
  });

  it('approve_with_services orders post-release services; approve alone does not; a withdrawal drops them', () => {
    const withServices = drive(atDecision(), events.decide('approve_with_services'));
    expect(withServices.context.postReleaseServices).toBe(true);
    expect(drive(atDecision(), events.decide('approve')).context.postReleaseServices).toBe(false);
    expect(drive(atDecision(), events.decide('deny')).context.postReleaseServices).toBe(false);
    expect(drive(withServices, events.sponsorWithdrew()).context.postReleaseServices).toBe(false);
  });
});

describe('case machine: exits', () => {
  it('a sponsor may withdraw from any sponsored stage; the case returns to sponsor identification', () => {
    const s = drive(sponsored('1'), events.clearCheck('identity'), events.sponsorWithdrew());
    expect(toCaseStatus(s)).toBe('sponsor_identification');
    expect(s.context.sponsorHistory).toEqual([
      expect.objectContaining({
        sponsorId: 'sp-1',
        sponsor: expect.objectContaining({ category: '1' }),
        outcome: 'withdrawn',
        at: AT,
        denial: null,
      }),
    ]);
    // The withdrawn sponsor's result stays in their file; the case has no current results.
    expect(s.context.sponsorHistory[0]?.checkResults.identity?.outcome).toBe('cleared');
    expect(s.context.checkResults).toEqual({});
    expect(refusal(openSnapshot(), events.sponsorWithdrew()).code).toBe('not_allowed_in_state');
  });

  it('a transfer keeps the stage and changes the care provider, with history', () => {
    const s = drive(sponsored('2B'), events.clearCheck('identity'), events.transfer('shelter-ca-02'));
    expect(toCaseStatus(s)).toBe('vetting');
    expect(checkStatuses(s)).toMatchObject({ identity: 'cleared', relationship: 'pending' });
    expect(s.context.careProviderId).toBe('shelter-ca-02');
    expect(s.context.careProviderHistory).toEqual([{ careProviderId: 'shelter-tx-07', until: AT }]);
    expect(refusal(s, events.transfer('shelter-ca-02')).message).toBe(
      'The case is already with care provider shelter-ca-02; a transfer needs a different one.',
    );
  });

  it('age-out applies from the 18th birthday and closes the case', () => {
    expect(refusal(sponsored('1'), events.ageOut())).toMatchObject({
      code: 'conditions_not_met',
      message: 'The child is 9; AGE_OUT applies from the 18th birthday, 2035-05-20.',
    });
    const adult = openSnapshot({ child: { birthDate: '2008-11-03' } });
    expect(allowedEvents(adult, AT, 'system')).toEqual(['AGE_OUT']);
    const closed = drive(adult, events.completeIntake(), events.ageOut());
    expect(toCaseStatus(closed)).toBe('closed');
    expect(closed.context).toMatchObject({ closure: 'aged_out', closedAt: AT });
    expect(closed.status).toBe('done');
  });

  it.each(['repatriation', 'voluntary_departure'] as const)('%s closes the case from any open stage', (departure) => {
    const closed = drive(sponsored('3'), events.depart(departure));
    expect(closed.context.closure).toBe(departure);
    expect(closed.status).toBe('done');
  });

  it('release ends the stay; the follow-up call closes the case; a closed case refuses everything', () => {
    const released = drive(
      sponsored('1'),
      CLEAR_PENDING,
      events.completeVetting(),
      events.recommend(),
      events.approve(),
      events.releaseChild(),
    );
    expect(toCaseStatus(released)).toBe('released');
    expect(released.context.releasedAt).toBe(AT);
    expect(allowedEventsByRole(released, AT)).toEqual({ case_manager: ['COMPLETE_FOLLOW_UP'] });
    expect(refusal(released, events.sponsorWithdrew()).code).toBe('not_allowed_in_state');
    const closed = drive(released, events.completeFollowUp());
    expect(closed.context.closure).toBe('released');
    expect(allowedEvents(closed, AT)).toEqual([]);
    expect(refusal(closed, events.completeFollowUp())).toMatchObject({ code: 'case_closed', allowedEvents: [] });
  });
});

describe('case machine: roles', () => {
  it('refuses an event from a role that may not send it, naming who may, and lists what the role may do', () => {
    const s = drive(sponsored('1'), CLEAR_PENDING, events.completeVetting(), events.recommend());
    expect(refusal(s, events.approve(caseManager))).toEqual({
      code: 'role_not_permitted',
      message: 'DECIDE_RELEASE may be sent by orr_reviewer, not by case_manager.',
      status: 'release_decision',
      allowedEvents: ['ADD_HOUSEHOLD_MEMBER', 'SPONSOR_WITHDREW', 'DEPART'],
    });
    expect(refusal(openSnapshot(), { ...events.completeIntake(), actor: reviewer }).code).toBe('role_not_permitted');
  });

  it('lets every event type be sent by at least one role', () => {
    for (const type of CASE_EVENT_TYPES) expect(EVENT_ROLES[type].length).toBeGreaterThan(0);
  });
});

describe('case machine: public status', () => {
  /** Every stage: the children of the grouping states that are not grouping states themselves. */
  function stages(node = caseMachine.root, prefix = ''): string[] {
    return Object.entries(node.states).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return GROUPING_STATES.has(key) ? stages(child, path) : [path];
    });
  }

  it('maps every stage of the machine to a public status, and no status to a missing stage', () => {
    expect(stages().sort()).toEqual(Object.keys(STAGE_TO_STATUS).sort());
  });

  it('uses every public status', () => {
    expect(new Set(Object.values(STAGE_TO_STATUS))).toEqual(new Set(CaseStatusSchema.options));
  });

  it('throws on a state with no public status', () => {
    const s = openSnapshot();
    expect(() => toCaseStatus({ ...s, value: 'limbo' } as unknown as CaseSnapshot)).toThrow(UnmappedStateError);
  });
});

describe('case machine: the pure step (issue 18)', () => {
  it("takes every event of a lifecycle to the snapshot XState's own transition() gives, with the same refusals, whatever other case ran before", () => {
    // Cases on both rules' machines, interleaved through the kept scopes; each step compared with a fresh actor's.
    const cases = [openSnapshot(), openSnapshot({}, 1), openSnapshot()];
    const lifecycle: Step[] = [
      events.completeIntake(),
      events.completeVetting(), // refused: the case is not in vetting
      events.identifySponsor('1'),
      events.completeAssessment(),
      CLEAR_PENDING,
      events.completeVetting(),
      events.recommend(),
    ];
    const compare = (i: number, request: unknown): void => {
      const snapshot = cases[i]!;
      const event = parseEvent(request);
      const ours = evaluateEvent(snapshot, event, AT);
      const [theirs] = transition(snapshot.machine, snapshot, { ...event, at: AT });
      expect(ours.accepted).toBe(theirs !== snapshot);
      if (!ours.accepted) return;
      expect(ours.next.value).toEqual(theirs.value);
      expect(ours.next.context).toEqual(theirs.context);
      expect(allowedEventsByRole(ours.next, AT)).toEqual(allowedEventsByRole(theirs, AT));
      cases[i] = ours.next;
    };
    for (const step of lifecycle) {
      for (let i = 0; i < cases.length; i += 1) {
        const batch = typeof step === 'function' ? (step as (s: CaseSnapshot) => unknown[])(cases[i]!) : [step];
        for (const request of batch) compare(i, request);
      }
    }
    for (const snapshot of cases) expect(toCaseStatus(snapshot)).toBe('release_decision');
  });
});
