import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import type { TransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate';

import type { CaseEvent, CaseEventType, Check, Sponsor } from '../../src/contracts/case-events';
import { CASE_EVENT_TYPES, CHECKS, SponsorSchema } from '../../src/contracts/case-events';
import type { PolicyProfile } from '../../src/domain/policy';
import { EVENT_ROLES, POLICY_PROFILES, checkRequired, profileAt } from '../../src/domain/policy';
import type { RefusalCode } from '../../src/machines/case-logic';
import { allowedEvents, evaluateEvent, handledEventTypes, openCaseSnapshot, vettingRegions } from '../../src/machines/case-logic';
import type { CaseMachine, CaseMachineEvent } from '../../src/machines/case-machine';
import { caseMachine, createCaseMachine } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { toCaseStatus } from '../../src/machines/case-status';
import {
  MODEL_AT,
  ROLES,
  machineStateNodes,
  machineTransitions,
  modelEvents,
  modelStateKey,
  transitionEventTypes,
} from '../helpers/machine-model';

/**
 * Model-based tests: explore every state the case machine can reach under the events a case
 * manager, coordinator and reviewer can send, run every transition from every state, and fail when
 * a transition the machine defines is never taken or a refusal is not the one its role should meet.
 *
 * The policy in force today requires identity, public-records and sex-offender checks of every
 * sponsor, so their "not required" branches cannot be reached with today's tables. The machine keeps
 * them because a table may change; a second exploration over a table where every check but one is
 * conditional reaches them, with no machine edit.
 */

const input = {
  caseId: 'UC-MODEL',
  careProviderId: 'shelter-a',
  admittedAt: '2026-11-02T14:00:00.000Z',
  child: { birthDate: '2017-05-20', traffickingVictim: false, disability: false, abuseVictim: false },
};

const current = POLICY_PROFILES.at(-1)!;
/** Every check conditional but one, whose flag then raises all the others. */
const EVERY_CHECK_CONDITIONAL: PolicyProfile = {
  ...current,
  id: 'test-every-check-conditional',
  checks: Object.fromEntries(
    CHECKS.map((check) => {
      const rule = check === 'prior_sponsorship' ? 'required' : 'when_raised';
      return [check, { '1': rule, '2A': rule, '2B': rule, '3': rule }];
    }),
  ) as PolicyProfile['checks'],
  expeditedChecks: ['prior_sponsorship'],
};

const vettingId = 'case.open.sponsored.vetting';
const regionsOf = vettingRegions;

interface Exploration {
  states: CaseSnapshot[];
  edges: number;
  paths: ReturnType<typeof getShortestPaths<CaseMachine>>;
  covered: Set<string>;
}

function explore(machine: CaseMachine): Exploration {
  const options = { input, events: modelEvents, serializeState: (s: CaseSnapshot) => modelStateKey(s), limit: 200_000 };
  const adjacency = getAdjacencyMap(machine, options);
  const edges = adjacencyMapToArray(adjacency).filter(({ state, nextState }) => state !== nextState);
  const idOf = new Map<TransitionDefinition<never, never>, string>(machineTransitions(machine).map((t) => [t.definition, t.id]));

  /** The machine transitions one step takes: the event's own, the eventless ones it sets off, and the raised re-evaluation. */
  const taken = (state: CaseSnapshot, event: CaseMachineEvent, next: CaseSnapshot): string[] => {
    const definitions = machine.getTransitionData(state, event);
    const ids = definitions.map((definition) => {
      const id = idOf.get(definition as never);
      if (!id) throw new Error(`A transition of ${event.type} is not in the machine's list`);
      return id;
    });
    const before = regionsOf(state);
    const after = regionsOf(next);
    if (after) {
      const entered = !before || definitions.some((d) => d.target?.some((t) => t.id === vettingId));
      for (const check of CHECKS) {
        // deciding's eventless branches, in order: restore cleared, restore flagged, required, not required.
        if (entered)
          ids.push(`${vettingId}.${check}.deciding always#${['cleared', 'flagged', 'pending', 'notRequired'].indexOf(after[check]!)}`);
        else if (before?.[check] === 'notRequired' && after[check] === 'pending') {
          ids.push(`${vettingId}.${check}.notRequired REEVALUATE_CHECKS#0`);
        }
      }
    }
    return ids;
  };

  const covered = new Set<string>();
  for (const { state, event, nextState } of edges) for (const id of taken(state, event, nextState)) covered.add(id);
  return {
    states: Object.values(adjacency).map((v) => v.state),
    edges: edges.length,
    paths: getShortestPaths(machine, options),
    covered,
  };
}

const production = explore(caseMachine);
const conditional = explore(createCaseMachine([EVERY_CHECK_CONDITIONAL]));
const transitions = machineTransitions();
const nodes = machineStateNodes();

const report = {
  stateNodes: nodes.resting.length + nodes.transient.length,
  eventTypes: CASE_EVENT_TYPES.length,
  machineTransitions: transitions.length,
  coveredByCurrentPolicy: transitions.filter((t) => production.covered.has(t.id)).length,
  coveredInAll: transitions.filter((t) => production.covered.has(t.id) || conditional.covered.has(t.id)).length,
  reachableStates: production.states.length,
  transitionsRun: production.edges,
  pathsRun: production.paths.length,
  refusals: {} as Partial<Record<RefusalCode, number>>,
  acceptedInMatrix: 0,
};

afterAll(() => console.log(`case machine model coverage: ${JSON.stringify(report)}`));

describe('case machine: model-based coverage', () => {
  it("takes every transition the machine defines (today's policy, then a table with the checks conditional)", () => {
    const missed = transitions.filter((t) => !production.covered.has(t.id) && !conditional.covered.has(t.id));
    expect(missed.map((t) => t.id)).toEqual([]);
    // What today's table leaves unreachable follows from the table alone: a check no sponsor can go
    // without never takes the "not required" branch, and one no flag can raise is never re-evaluated.
    const sponsors = (['1', '2A', '2B', '3'] as const).flatMap((category) =>
      [true, false].map((related) =>
        SponsorSchema.parse({ category, related, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false }),
      ),
    );
    const required = (check: Check, sponsor: Sponsor, raised: boolean, expedited: boolean) =>
      checkRequired(check, { profile: profileAt(MODEL_AT), sponsor, raised, expedited });
    const expectedUnreachable = CHECKS.flatMap((check) => {
      const canSkip = sponsors.some((sp) => [true, false].some((exp) => !required(check, sp, false, exp && sp.category === '1')));
      const canRaise = sponsors.some(
        (sp) => [true, false].some((exp) => !required(check, sp, false, exp && sp.category === '1')) && required(check, sp, true, false),
      );
      return [
        ...(canSkip ? [] : [`${vettingId}.${check}.deciding always#3`]),
        ...(canRaise ? [] : [`${vettingId}.${check}.notRequired REEVALUATE_CHECKS#0`]),
      ];
    });
    const unreachableToday = transitions.filter((t) => !production.covered.has(t.id)).map((t) => t.id);
    expect(unreachableToday.sort()).toEqual(expectedUnreachable.sort());
  });

  it('rests in every state node the machine defines; transient ones are only passed through', () => {
    const reached = new Set(
      [...production.states, ...conditional.states].flatMap((s) => getStateNodes(s.machine.root, s.value).map((n) => n.id)),
    );
    expect(nodes.resting.filter((id) => !reached.has(id))).toEqual([]);
    expect(nodes.transient.filter((id) => reached.has(id))).toEqual([]);
    expect(nodes.transient).toHaveLength(CHECKS.length);
  });

  it('reads the events each reachable state handles through public XState API, as XState lists its transitions', () => {
    const states = [...production.states, ...conditional.states];
    const disagreeing = states.filter((s) => {
      const [host, listed] = [[...handledEventTypes(s)].sort(), [...transitionEventTypes(s)].sort()];
      return host.join() !== listed.join();
    });
    expect(disagreeing.map((s) => JSON.stringify(s.value))).toEqual([]);
    // Not vacuous: open states handle events, every event type is handled somewhere, a closed case handles none.
    expect(states.filter((s) => s.status !== 'done' && handledEventTypes(s).size === 0)).toEqual([]);
    expect(CASE_EVENT_TYPES.filter((type) => !states.some((s) => handledEventTypes(s).has(type)))).toEqual([]);
    expect(states.filter((s) => s.status === 'done').every((s) => handledEventTypes(s).size === 0)).toBe(true);
  });

  it('every shortest path replays through the host, role checks included, to the same state', () => {
    for (const path of production.paths) {
      let snapshot = openCaseSnapshot(input);
      for (const step of path.steps.slice(1)) {
        const { at, ...event } = step.event as CaseMachineEvent & { at: string };
        const outcome = evaluateEvent(snapshot, event as CaseEvent, at);
        if (!outcome.accepted) throw new Error(`${step.event.type} refused on a model path: ${outcome.refusal.message}`);
        snapshot = outcome.next;
      }
      expect(modelStateKey(snapshot)).toBe(modelStateKey(path.state));
    }
  });

  /** A valid event of a type for the refusal matrix: the model's own where it offers one. */
  function sampleOf(type: CaseEventType, snapshot: CaseSnapshot): CaseMachineEvent {
    const offered = modelEvents(snapshot).find((e) => e.type === type);
    if (offered) return offered;
    // Check events are offered only while a check is pending; elsewhere any check will do.
    return {
      type,
      check: 'identity',
      reason: 'finding',
      sponsorPresentsRisk: false,
      at: MODEL_AT,
      actor: { id: 'x', role: 'case_manager' },
    } as CaseMachineEvent;
  }

  it('answers, per role, exactly the events that some payload of the model would get accepted now', () => {
    const distinct = new Map<string, CaseSnapshot>();
    for (const s of production.states) if (!distinct.has(JSON.stringify(s.value))) distinct.set(JSON.stringify(s.value), s);
    let compared = 0;
    for (const snapshot of distinct.values()) {
      for (const role of ROLES) {
        const accepted = new Set<CaseEventType>();
        // The model offers one flag per sponsor; here any pending check may be flagged again.
        const pendingCheck = CHECKS.find((c) => regionsOf(snapshot)?.[c] === 'pending');
        const extraFlag: CaseMachineEvent[] = pendingCheck
          ? [
              {
                type: 'FLAG_CHECK',
                check: pendingCheck,
                reason: 'finding',
                sponsorPresentsRisk: false,
                at: MODEL_AT,
                actor: { id: 'x', role },
              },
            ]
          : [];
        for (const offered of [...modelEvents(snapshot), ...extraFlag]) {
          const { at: _ignored, ...event } = { ...offered, actor: { id: `as-${role}`, role } } as CaseMachineEvent & { at: string };
          if (evaluateEvent(snapshot, event as CaseEvent, MODEL_AT).accepted) accepted.add(event.type as CaseEventType);
        }
        expect([...accepted].sort()).toEqual([...allowedEvents(snapshot, MODEL_AT, role)].sort());
        compared += 1;
      }
    }
    expect(compared).toBe(distinct.size * ROLES.length);
  });

  it('meets every refusal a role can meet, with the right code, the reason and what that role may send', () => {
    // One snapshot per distinct state value: which refusal a role meets depends on the state.
    const distinct = new Map<string, CaseSnapshot>();
    for (const s of production.states) if (!distinct.has(JSON.stringify(s.value))) distinct.set(JSON.stringify(s.value), s);
    for (const snapshot of distinct.values()) {
      // The oracle is XState's own list of the state's transitions, not the host's reading of them.
      const handled = transitionEventTypes(snapshot);
      for (const type of CASE_EVENT_TYPES) {
        const sample = sampleOf(type, snapshot);
        for (const role of ROLES) {
          const { at, ...event } = { ...sample, actor: { id: `as-${role}`, role } } as CaseMachineEvent & { at: string };
          const outcome = evaluateEvent(snapshot, event as CaseEvent, at);
          const expected: RefusalCode | 'accepted_or_conditions' =
            snapshot.status === 'done'
              ? 'case_closed'
              : !handled.has(type)
                ? 'not_allowed_in_state'
                : !EVENT_ROLES[type].includes(role)
                  ? 'role_not_permitted'
                  : 'accepted_or_conditions';
          if (outcome.accepted) {
            expect(expected).toBe('accepted_or_conditions');
            report.acceptedInMatrix++;
            continue;
          }
          const { refusal } = outcome;
          expect(refusal.code).toBe(expected === 'accepted_or_conditions' ? 'conditions_not_met' : expected);
          expect(refusal.status).toBe(toCaseStatus(snapshot));
          expect(refusal.message).toMatch(/\.$/);
          expect(refusal.allowedEvents).toEqual(allowedEvents(snapshot, at, role));
          report.refusals[refusal.code] = (report.refusals[refusal.code] ?? 0) + 1;
        }
      }
    }
    expect(Object.keys(report.refusals).sort()).toEqual([
      'case_closed',
      'conditions_not_met',
      'not_allowed_in_state',
      'role_not_permitted',
    ]);
  });
});
