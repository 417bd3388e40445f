import type { Alert, AlertLevel } from '../../contracts/alerts';
import type { CaseEvent } from '../../contracts/case-events';
import type { ChildFacts } from '../../contracts/case-input';
import type { CaseStatus } from '../../contracts/case-status';
import type { Targets } from '../../contracts/targets';
import type { CaseClock } from '../../domain/deadlines';
import { eighteenthBirthday, schedule } from '../../domain/deadlines';
import { evaluateEvent, openCaseSnapshot } from '../../machines/case-logic';
import type { CaseMachine } from '../../machines/case-machine';
import type { CaseSnapshot } from '../../machines/case-status';
import { toCaseStatus } from '../../machines/case-status';
import type { AgentState, Step } from './agent';
import { CASE_MANAGER, nextStep } from './agent';
import { sample } from './distributions';
import type { Plan } from './plan';
import { DAY_MS } from './plan';
import { Rng } from './rng';
import type { CategoryKey } from './scenario';
import { CATEGORY_KEYS } from './scenario';

/**
 * One simulated child, from admission to the closed case: the statechart as a pure reducer
 * (`evaluateEvent`, as the case workflow applies events) and the deadline schedule the workflow
 * uses (`schedule`, run whenever the workflow would run it: after each transition and when its
 * timer for the earliest deadline fires). A refused event is a bug in the simulator, never skipped.
 */

export interface ChildStart {
  index: number;
  seed: number;
  admittedMs: number;
}

export type Exit = 'released' | 'aged_out' | 'departed';

export interface ChildOutcome {
  category: CategoryKey;
  admittedMs: number;
  /** When the child left care (release, age-out, departure); null while in care at the horizon. */
  dischargedMs: number | null;
  exit: Exit | null;
  closedMs: number | null;
  events: number;
}

/** Receives what happens to a case: alerts (when given, the deadlines run) and transitions. */
export interface ChildObserver {
  alert?(alert: Alert, atMs: number): void;
  transition?(event: CaseEvent, toStatus: CaseStatus, atMs: number): void;
}

export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}

const SYSTEM = { id: 'sim-system', role: 'system' } as const;
const NO_ACKS = new Map<string, ReadonlySet<AlertLevel>>();
const MAX_EVENTS = 400;
const YEAR_MS = 365.25 * DAY_MS;

/** The child's planned category: always the first draw of its stream (see categoryOfSeed). */
export function drawCategory(plan: Plan, rng: Rng): CategoryKey {
  return CATEGORY_KEYS[rng.pick(CATEGORY_KEYS.map((c) => plan.scenario.mix.categories[c] ?? 0))]!;
}

function drawChild(plan: Plan, rng: Rng, admittedMs: number): { category: CategoryKey; child: ChildFacts } {
  const mix = plan.scenario.mix;
  const category = drawCategory(plan, rng);
  const age = rng.pick(mix.ageYears) + rng.next();
  const birthDate = new Date(admittedMs - age * YEAR_MS).toISOString().slice(0, 10);
  const child = {
    birthDate,
    traffickingVictim: rng.chance(mix.traffickingVictim),
    disability: rng.chance(mix.disability),
    abuseVictim: rng.chance(mix.abuseVictim),
  };
  return { category, child };
}

/** Deadlines of one case, fired as the workflow fires them; no supervisor acknowledges in the simulation. */
class CaseDeadlines {
  private readonly fired = new Set<string>();
  private nextAt: number | null = null;

  constructor(
    private readonly targets: Targets,
    private readonly onAlert: (alert: Alert, atMs: number) => void,
  ) {}

  run(clock: CaseClock, now: number): void {
    const plan = schedule(clock, this.targets, { fired: this.fired, acknowledged: NO_ACKS }, now);
    for (const alert of plan.due) {
      this.fired.add(alert.id);
      this.onAlert(alert, now);
    }
    this.nextAt = plan.nextAt !== null && plan.nextAt > now ? plan.nextAt : null;
  }

  /** Fires every deadline that falls before `untilMs`, at its own time. */
  advance(clock: () => CaseClock, untilMs: number): void {
    while (this.nextAt !== null && this.nextAt <= untilMs) this.run(clock(), this.nextAt);
  }
}

interface ChildRun {
  agent: AgentState;
  machine: CaseMachine;
  caseId: string;
  birthday: number;
  departAt: number;
  transitions: { seq: number; toStatus: CaseStatus; at: string }[];
}

function clockOf(run: ChildRun): CaseClock {
  const { context } = run.agent.snapshot;
  return {
    caseId: run.caseId,
    careProviderId: context.careProviderId,
    status: run.agent.status,
    admittedAt: context.admittedAt,
    birthDate: context.child.birthDate,
    category: context.sponsor?.category ?? context.sponsorHistory.at(-1)?.sponsor.category ?? null,
    releasedAt: context.releasedAt,
    transitions: run.transitions,
  };
}

/** Turning 18 or leaving the country ends a stay that has not ended first. */
function withExits(run: ChildRun, step: Step): Step {
  const { status, now } = run.agent;
  if (status === 'released') return step;
  if (run.birthday <= step.atMs && run.birthday <= run.departAt) {
    return { atMs: Math.max(now, run.birthday), event: { type: 'AGE_OUT', actor: SYSTEM } };
  }
  if (run.departAt <= step.atMs) {
    const departure = run.agent.rng.chance(0.5) ? 'voluntary_departure' : 'repatriation';
    return { atMs: Math.max(now, run.departAt), event: { type: 'DEPART', actor: CASE_MANAGER, departure, reason: 'Left ORR care' } };
  }
  return step;
}

function startRun(plan: Plan, machine: CaseMachine, start: ChildStart): ChildRun {
  const rng = new Rng(start.seed);
  const { category, child } = drawChild(plan, rng, start.admittedMs);
  const process = plan.scenario.process;
  const departs = rng.chance(process.departure);
  const departAt = departs ? start.admittedMs + sample(process.departureAfter, rng) * DAY_MS : Infinity;
  const caseId = `SIM-${start.index}`;
  const at = new Date(start.admittedMs).toISOString();
  const snapshot = openCaseSnapshot({ caseId, careProviderId: 'sim-provider', admittedAt: at, child }, machine);
  const agent: AgentState = {
    plan,
    rng,
    category,
    snapshot,
    status: toCaseStatus(snapshot),
    now: start.admittedMs,
    checkDue: new Map(),
    sponsorsSinceNoViable: 0,
    noViableVisits: 0,
    remanded: false,
    moreAssessed: false,
    held: null,
  };
  return {
    agent,
    machine,
    caseId,
    birthday: eighteenthBirthday(child.birthDate),
    departAt,
    transitions: [{ seq: 0, toStatus: agent.status, at }],
  };
}

/** Applies the step and returns the case's new status. */
function apply(run: ChildRun, step: Step): CaseStatus {
  const { agent } = run;
  const at = new Date(step.atMs).toISOString();
  const outcome = evaluateEvent(agent.snapshot, step.event, at, run.machine);
  if (!outcome.accepted) {
    throw new SimulationError(`${run.caseId}: the case refused ${step.event.type} in ${agent.status}: ${outcome.refusal.message}`);
  }
  const from = agent.status;
  agent.snapshot = outcome.next;
  agent.status = toCaseStatus(outcome.next);
  agent.now = step.atMs;
  if (agent.status === 'vetting' && from !== 'vetting') agent.checkDue.clear();
  if (step.event.type === 'IDENTIFY_SPONSOR') agent.sponsorsSinceNoViable += 1;
  if (step.event.type === 'NO_VIABLE_SPONSOR') {
    agent.noViableVisits += 1;
    agent.sponsorsSinceNoViable = 0;
  }
  run.transitions.push({ seq: run.transitions.length, toStatus: agent.status, at });
  return agent.status;
}

function exitOf(snapshot: CaseSnapshot): Exit {
  const closure = snapshot.context.closure;
  if (closure === 'aged_out') return 'aged_out';
  return closure === 'released' || snapshot.context.releasedAt ? 'released' : 'departed';
}

/**
 * Simulates one child from admission until the case closes or `untilMs` passes. With an observer
 * that takes alerts, the deadlines run too and every alert they fire goes to it.
 */
export function runChild(plan: Plan, machine: CaseMachine, start: ChildStart, untilMs: number, observer: ChildObserver = {}): ChildOutcome {
  const run = startRun(plan, machine, start);
  const { agent } = run;
  const deadlines = observer.alert ? new CaseDeadlines(plan.scenario.targets, (alert, atMs) => observer.alert!(alert, atMs)) : null;
  const clock = () => clockOf(run);
  deadlines?.run(clock(), start.admittedMs);
  const out: ChildOutcome = {
    category: agent.category,
    admittedMs: start.admittedMs,
    dischargedMs: null,
    exit: null,
    closedMs: null,
    events: 0,
  };
  while (agent.status !== 'closed') {
    if (out.events >= MAX_EVENTS) throw new SimulationError(`${run.caseId}: still open after ${MAX_EVENTS} events`);
    const step = withExits(run, nextStep(agent));
    if (step.atMs > untilMs) break;
    deadlines?.advance(clock, step.atMs);
    const [wasInCare, before] = [agent.status !== 'released', agent.status];
    const status = apply(run, step);
    out.events += 1;
    observer.transition?.(step.event, status, step.atMs);
    if (wasInCare && (status === 'released' || status === 'closed')) {
      out.dischargedMs = step.atMs;
      out.exit = exitOf(agent.snapshot);
    }
    if (status === 'closed') out.closedMs = step.atMs;
    // The workflow recomputes after every transition. One that keeps the status (a check result)
    // changes no target: every deadline up to now has just fired, and the next is the same.
    if (status !== before) deadlines?.run(clock(), step.atMs);
  }
  deadlines?.advance(clock, untilMs);
  return out;
}
