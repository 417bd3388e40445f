import { adjacencyMapToArray, getAdjacencyMap, getShortestPaths } from '@xstate/graph';
import type { TransitionDefinition } from 'xstate';
import { getStateNodes } from 'xstate';

import type { CaseEvent, CaseEventType, Check, Sponsor } from '../../src/contracts/case-events';
import { CASE_EVENT_TYPES, CHECKS, SponsorSchema } from '../../src/contracts/case-events';
import type { Role } from '../../src/contracts/roles';
import type { PolicyProfile } from '../../src/domain/policy';
import { EVENT_ROLES, POLICY_PROFILES, checkRequired, profileAt } from '../../src/domain/policy';
import type { RefusalCode } from '../../src/machines/case-logic';
import { allowedEvents, evaluateEvent, handledEventTypes, openCaseSnapshot, vettingRegions } from '../../src/machines/case-logic';
import type { CaseMachine, CaseMachineEvent } from '../../src/machines/case-machine';
import { caseMachine, createCaseMachine } from '../../src/machines/case-machine';
import type { CaseSnapshot } from '../../src/machines/case-status';
import { toCaseStatus } from '../../src/machines/case-status';
import type { ModelScope } from '../helpers/machine-model';
import {
  MAIN_PATH,
  MODEL_AT,
  ROLES,
  SCOPES,
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

function explore(machine: CaseMachine, scope: ModelScope): Exploration {
  const options = {
    input,
    events: (s: CaseSnapshot) => modelEvents(s, scope),
    serializeState: (s: CaseSnapshot) => modelStateKey(s, scope),
    limit: 200_000,
  };
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
        // deciding's eventless branches, in order: restore a result, required, not required.
        if (entered) ids.push(`${vettingId}.${check}.deciding always#${['recorded', 'pending', 'notRequired'].indexOf(after[check]!)}`);
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

/** Today's policy: the main path, then each new rule on a path of its own. */
const explorations = SCOPES.map((scope) => ({ scope, ...explore(caseMachine, scope) }));
const production = {
  states: explorations.flatMap((e) => e.states),
  covered: new Set(explorations.flatMap((e) => [...e.covered])),
};
const conditional = explore(createCaseMachine([EVERY_CHECK_CONDITIONAL]), MAIN_PATH);
const transitions = machineTransitions();
const nodes = machineStateNodes();

const report = {
  stateNodes: nodes.resting.length + nodes.transient.length,
  eventTypes: CASE_EVENT_TYPES.length,
  machineTransitions: transitions.length,
  coveredByCurrentPolicy: transitions.filter((t) => production.covered.has(t.id)).length,
  coveredInAll: transitions.filter((t) => production.covered.has(t.id) || conditional.covered.has(t.id)).length,
  explorations: Object.fromEntries(
    explorations.map((e) => [e.scope.name, { reachableStates: e.states.length, transitionsRun: e.edges, pathsRun: e.paths.length }]),
  ),
  conditionalTable: { reachableStates: conditional.states.length, transitionsRun: conditional.edges },
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
        ...(canSkip ? [] : [`${vettingId}.${check}.deciding always#2`]),
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
    let replayed = 0;
    for (const { scope, paths } of explorations) {
      // Shortest paths form a tree: each is its parent's path and one step more. The host's own
      // snapshot at the parent's state (by the model's key, which holds what changes behaviour)
      // takes the last step, so each path is replayed from the start once in all.
      const reached = new Map<string, CaseSnapshot>([[modelStateKey(openCaseSnapshot(input), scope), openCaseSnapshot(input)]]);
      for (const path of [...paths].sort((a, b) => a.steps.length - b.steps.length)) {
        const steps = path.steps.slice(1);
        const last = steps.at(-1);
        if (!last) continue;
        const parent = steps.length > 1 ? steps[steps.length - 2]!.state : openCaseSnapshot(input);
        const from = reached.get(modelStateKey(parent, scope));
        if (!from) throw new Error(`No host snapshot for the parent of a path of ${steps.length} steps`);
        const { at, ...event } = last.event as CaseMachineEvent & { at: string };
        const outcome = evaluateEvent(from, event as CaseEvent, at);
        if (!outcome.accepted) throw new Error(`${last.event.type} refused on a model path: ${outcome.refusal.message}`);
        expect(modelStateKey(outcome.next, scope)).toBe(modelStateKey(path.state, scope));
        reached.set(modelStateKey(path.state, scope), outcome.next);
        replayed += 1;
      }
    }
    expect(replayed).toBe(explorations.reduce((n, e) => n + e.paths.length - 1, 0));
  });

  /** A valid event of a type for the refusal matrix: the model's own where it offers one. */
  function sampleOf(type: CaseEventType, snapshot: CaseSnapshot): CaseMachineEvent {
    const offered = modelEvents(snapshot).find((e) => e.type === type);
    if (offered) return offered;
    // Where the model offers none, a well-formed one that names nothing the case holds.
    const fields: Record<string, unknown> = {
      check: 'identity',
      reason: 'finding',
      sponsorPresentsRisk: false,
      person: 'hm-9',
      appealId: 'ap-9',
      appellant: 'sponsor',
      decision: 'denied',
      appointmentAt: MODEL_AT,
      member: { role: 'household_member' },
      sponsor: { category: '1', related: true, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false },
    };
    return { type, ...fields, at: MODEL_AT, actor: { id: 'x', role: 'case_manager' } } as CaseMachineEvent;
  }

  /**
   * Events the model holds back to stay finite, which the host may still accept: a second adult of
   * the household, a sponsor beyond the model's few, a flag after the first.
   */
  function heldBack(snapshot: CaseSnapshot, role: Role): CaseMachineEvent[] {
    const actor = { id: 'x', role };
    const pendingCheck = CHECKS.find((c) => regionsOf(snapshot)?.[c] === 'pending');
    const member = snapshot.context.household.find((m) => m.removedAt === null);
    const memberCheck = member && (['identity', 'public_records', 'sex_offender'] as const).find((c) => !member.results[c]);
    const flag = (check: Check, person?: string): CaseMachineEvent =>
      ({
        type: 'FLAG_CHECK',
        check,
        ...(person ? { person } : {}),
        reason: 'finding',
        sponsorPresentsRisk: false,
        at: MODEL_AT,
        actor,
      }) as CaseMachineEvent;
    return [
      ...(pendingCheck ? [flag(pendingCheck)] : []),
      ...(member && memberCheck ? [flag(memberCheck, member.id)] : []),
      { type: 'ADD_HOUSEHOLD_MEMBER', member: { role: 'alternate_caregiver' }, at: MODEL_AT, actor } as CaseMachineEvent,
      sampleOf('IDENTIFY_SPONSOR', snapshot),
    ];
  }

  it('answers, per role, exactly the events that some payload of the model would get accepted now', () => {
    const distinct = new Map<string, CaseSnapshot>();
    for (const s of production.states) if (!distinct.has(JSON.stringify(s.value))) distinct.set(JSON.stringify(s.value), s);
    let compared = 0;
    for (const snapshot of distinct.values()) {
      for (const role of ROLES) {
        const accepted = new Set<CaseEventType>();
        for (const offered of [...modelEvents(snapshot), ...heldBack(snapshot, role)]) {
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
