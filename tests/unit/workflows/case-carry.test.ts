import { OpenCaseFields } from '../../../src/contracts/case-input';
import { DEFAULT_TARGETS } from '../../../src/contracts/targets';
import type { CarriedCase } from '../../../src/workflows/case-state';
import { CaseState } from '../../../src/workflows/case-state';
import { events, openCaseRequest } from '../../helpers/builders';

// The workflow's logger needs a running workflow; here the case state runs as a plain object, so
// its log lines go nowhere. Nothing else of the SDK is replaced.
jest.mock('@temporalio/workflow', () => ({
  ...jest.requireActual<object>('@temporalio/workflow'),
  log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
}));

const DAY = 86_400_000;
const supervisor = { id: 'sup-carla', role: 'supervisor' } as const;

/**
 * Continue-as-new, as pure state: a case carried into a new run (through JSON, as Temporal carries
 * it) is the same case. Its alerts that fired do not fire again, an acknowledged escalation stays
 * silenced, keyed outcomes and the read model's revision go on where they stopped.
 */
describe("a case's state carried into its next run", () => {
  function caseWithHistory(): CaseState {
    // Admitted 12 days ago with a Category 1 sponsor: the day-7 warning and the day-10 escalation are due.
    const open = OpenCaseFields.parse(openCaseRequest('UC-carry-1', { admittedAt: new Date(Date.now() - 12 * DAY).toISOString() }));
    const state = new CaseState(open, { version: 3, targets: DEFAULT_TARGETS }, 'case-UC-carry-1');
    state.applyCommand(events.completeIntake(), 'update-1');
    expect(() =>
      state.applyKeyedCommand({ key: 'key-1', fingerprint: 'a'.repeat(64), command: events.identifySponsor('1') }),
    ).not.toThrow();
    state.applyCommand(events.completeAssessment(), 'update-3');
    state.keepDeadlines();
    const escalation = state.view().alerts.open.find((a) => a.kind === 'escalation');
    expect(escalation).toBeDefined();
    state.acknowledge({ alertId: escalation!.id, actor: supervisor, note: 'calling the sponsor' });
    state.reassign({ assigneeId: 'cm-2', actor: { id: 'sup-carla', role: 'supervisor' }, reason: 'leave' }, 'update-5');
    state.keepDeadlines();
    // Everything written, as at the moment the workflow rolls over.
    while (state.takeProjection(true) || state.takeUnrecordedAlerts());
    return state;
  }

  it('restores the same view, and neither fires nor projects anything again', () => {
    const before = caseWithHistory();
    const carried = JSON.parse(JSON.stringify(before.carry())) as CarriedCase;
    const after = new CaseState(
      OpenCaseFields.parse(openCaseRequest('UC-carry-1')),
      { version: 0, targets: DEFAULT_TARGETS },
      'case-UC-carry-1',
      {
        carried,
      },
    );
    expect(after.view()).toEqual(before.view());
    expect(after.view().alerts.firedCount).toBeGreaterThanOrEqual(2);
    expect(after.view().alerts.targetsVersion).toBe(3);

    after.keepDeadlines();
    expect(after.takeUnrecordedAlerts()).toBeNull();
    expect(after.takeProjection(true)).toBeNull();
    expect(after.hasWork).toBe(false);

    // The next transition goes on from the same sequence and read-model revision.
    after.applyCommand(events.clearCheck('public_records'), 'update-6');
    const projection = after.takeProjection(true);
    expect(projection?.transitions.map((t) => t.seq)).toEqual([before.view().transitions.length]);
    expect(projection?.revision).toBeGreaterThan(1);
  });

  it('answers a keyed request and an Update applied in the earlier run as then, without applying them again', () => {
    const carried = JSON.parse(JSON.stringify(caseWithHistory().carry())) as CarriedCase;
    const after = new CaseState(
      OpenCaseFields.parse(openCaseRequest('UC-carry-1')),
      { version: 0, targets: DEFAULT_TARGETS },
      'case-UC-carry-1',
      {
        carried,
      },
    );
    const transitions = after.view().transitions.length;
    const keyed = after.applyKeyedCommand({ key: 'key-1', fingerprint: 'a'.repeat(64), command: events.identifySponsor('1') });
    expect(keyed.transition.event).toBe('IDENTIFY_SPONSOR');
    expect(() => after.validateCommand(events.completeIntake(), 'update-1')).not.toThrow();
    expect(after.applyCommand(events.completeIntake(), 'update-1').transition).toMatchObject({
      event: 'COMPLETE_INTAKE',
      requestId: 'update-1',
    });
    expect(after.reassign({ assigneeId: 'cm-2', actor: supervisor, reason: 'leave' }, 'update-5').assignments).toHaveLength(1);
    expect(after.view().transitions).toHaveLength(transitions);
    // A different request under the same key is still refused.
    expect(() => after.applyKeyedCommand({ key: 'key-1', fingerprint: 'b'.repeat(64), command: events.sponsorWithdrew() })).toThrow(
      /different request/,
    );
  });

  it('refuses to carry a case with writes pending', () => {
    const state = caseWithHistory();
    state.applyCommand(events.clearCheck('public_records'), 'update-7');
    expect(() => state.carry()).toThrow(/writes pending/);
  });
});
