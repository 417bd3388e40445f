import { ApplicationFailure, log } from '@temporalio/workflow';

import type { AlertAck, AlertRecord } from '../contracts/alerts';
import { AcknowledgeAlertSchema } from '../contracts/alerts';
import type { CaseCommandRequest, CaseEvent, ReleaseDecisionSignal } from '../contracts/case-events';
import { CaseCommandSchema, ReassignCaseSchema, ReleaseDecisionSignalSchema } from '../contracts/case-events';
import type { HistoricalEvent, OpenCase } from '../contracts/case-input';
import type { CaseStatus } from '../contracts/case-status';
import type { Assignment, CaseMove, CaseProjection, CaseTransition, CaseView, DecisionLook, RefusedSignal } from '../contracts/case-view';
import { decisionOutcome } from '../contracts/case-view';
import type { DeadlineSummary } from '../contracts/deadlines';
import { CaseFailure } from '../contracts/failures';
import { KeyedCaseCommandSchema } from '../contracts/idempotency';
import { formatIssues } from '../contracts/issues';
import type { PolicyEvaluation } from '../contracts/policy-evaluation';
import type { VersionedTargets } from '../contracts/targets';
import { VersionedTargetsSchema } from '../contracts/targets';
import type { CarriedAlerts } from '../domain/case-alerts';
import { CaseAlerts } from '../domain/case-alerts';
import type { CaseClock } from '../domain/deadlines';
import { activeDeadlines, deadlineSummary, eighteenthBirthday } from '../domain/deadlines';
import { profileAt, profileById } from '../domain/policy';
import { evaluatePolicy } from '../domain/policy-evaluation';
import { refuseReassignment } from '../domain/refusals';
import type { CarriedSnapshot, Evaluation, Refusal } from '../machines/case-logic';
import {
  allowedEventsByRole,
  carrySnapshot,
  checkStatuses,
  evaluateEvent,
  openCaseSnapshot,
  resumeSnapshot,
  subjectOf,
} from '../machines/case-logic';
import type { RulesVersion } from '../machines/case-machine';
import { appealsView, currentPeople, deadlineFacts, sponsorHistoryView } from '../machines/case-people';
import type { CaseSnapshot } from '../machines/case-status';
import { toCaseStatus } from '../machines/case-status';

/**
 * A case's state as it carries it into its next run when its history grows long (continue-as-new):
 * everything but what is still to write, which is written first.
 */
export interface CarriedCase {
  rules: RulesVersion;
  snapshot: CarriedSnapshot;
  targets: VersionedTargets;
  transitions: CaseTransition[];
  refusedSignals: RefusedSignal[];
  alerts: CarriedAlerts;
  keyed: [string, { fingerprint: string; refusal: Refusal | null }][];
  ageOutStuck: boolean;
  assigneeId: string | null;
  assignments: Assignment[];
  projections: number;
  projectedDeadlines: string | null;
}

/** Reunify itself, when it acts on a case (the age-out on the 18th birthday). */
const SYSTEM_ACTOR = { id: 'reunify', role: 'system' } as const;

/**
 * One case as its workflow holds it: the statechart's snapshot, every transition and refused
 * decision (and those the read model has not been given yet), the targets it runs on and its
 * alerts. The workflow's message handlers hand it their messages and its main loop drains what it
 * has to write; it makes no calls out. Times are the workflow clock's.
 */
export class CaseState {
  private snapshot: CaseSnapshot;
  private targets: VersionedTargets;
  private readonly transitions: CaseTransition[] = [];
  private readonly refusedSignals: RefusedSignal[] = [];
  /** Transitions accepted but not yet projected, oldest first. */
  private unprojected: CaseTransition[] = [];
  /** Refused reviewer decisions not yet written to the audit trail. */
  private unauditedRefusals: RefusedSignal[] = [];
  private readonly alerts: CaseAlerts;
  /** The validator's verdict on the command it let through, which its handler takes: see `validateCommand`. */
  private validated: { request: string; snapshot: CaseSnapshot; at: string; outcome: Evaluation } | null = null;
  /** Set by every change that may move the deadlines; `keepDeadlines` recomputes them. */
  private dirty = true;
  /** Per Idempotency-Key, the request it was first used for and that request's outcome (null: applied). */
  private readonly keyed = new Map<string, { fingerprint: string; refusal: Refusal | null }>();
  /** Set if the system's age-out was ever refused, so that its timer does not spin. */
  private ageOutStuck = false;
  private assigneeId: string | null;
  private readonly assignments: Assignment[] = [];
  /** Reassignments not yet written to the read model and the audit trail. */
  private unprojectedAssignments: Assignment[] = [];
  /** How many projections the case has handed over: the read model's row revision. */
  private projections = 0;
  /** The deadline summary the last projection carried (JSON), to tell when it changed. */
  private projectedDeadlines: string | null = null;
  readonly rules: RulesVersion;

  /**
   * `rules` 2 runs today's rules; 1 keeps a case that opened before them on its original path
   * (no household, dated results, appeals, nor automatic age-out, and the deadlines it had).
   */
  constructor(
    private readonly open: OpenCase,
    targets: VersionedTargets,
    private readonly workflowId: string,
    options: { rules?: RulesVersion; assigneeId?: string; history?: readonly HistoricalEvent[]; carried?: CarriedCase } = {},
  ) {
    const { carried } = options;
    const rules = (this.rules = carried?.rules ?? options.rules ?? 2);
    this.targets = carried?.targets ?? targets;
    this.alerts = new CaseAlerts(open.caseId, carried?.alerts);
    if (carried) {
      this.snapshot = resumeSnapshot(carried.snapshot, rules);
      this.assigneeId = carried.assigneeId;
      this.resume(carried);
      return;
    }
    // Cases are opened by case managers, who take the case until a supervisor reassigns it.
    this.assigneeId = options.assigneeId ?? (open.openedBy.role === 'case_manager' ? open.openedBy.id : null);
    const { caseId, careProviderId, admittedAt, child } = open;
    this.snapshot = openCaseSnapshot({ caseId, careProviderId, admittedAt, child, rules });
    this.recordTransition({
      seq: 0,
      event: 'OPEN_CASE',
      fromStatus: null,
      toStatus: toCaseStatus(this.snapshot),
      actor: open.openedBy,
      reason: null,
      // A case brought in from another system opened when the child was admitted there.
      at: options.history ? new Date(admittedAt).toISOString() : new Date().toISOString(),
      requestId: null,
      subject: null,
      careProviderId,
    });
    for (const [index, { at, event }] of (options.history ?? []).entries()) {
      const refusal = this.apply(event, 'import', at);
      if (refusal) throw invalidPayload(`history[${index}] (${event.type} at ${at}) refused: ${refusal.message}`);
    }
  }

  /** Everything but the snapshot and assignee (set in the constructor), from the case's previous run. */
  private resume(carried: CarriedCase): void {
    this.transitions.push(...carried.transitions);
    this.refusedSignals.push(...carried.refusedSignals);
    this.assignments.push(...carried.assignments);
    for (const [key, outcome] of carried.keyed) this.keyed.set(key, outcome);
    this.ageOutStuck = carried.ageOutStuck;
    this.projections = carried.projections;
    this.projectedDeadlines = carried.projectedDeadlines;
  }

  /** The state to carry into the next run; only once everything is written (else it throws). */
  carry(): CarriedCase {
    if (this.hasWork) throw new Error(`Case ${this.caseId} has writes pending; it cannot carry its state over yet`);
    return {
      rules: this.rules,
      snapshot: carrySnapshot(this.snapshot),
      targets: this.targets,
      transitions: [...this.transitions],
      refusedSignals: [...this.refusedSignals],
      alerts: this.alerts.carry(),
      keyed: [...this.keyed],
      ageOutStuck: this.ageOutStuck,
      assigneeId: this.assigneeId,
      assignments: [...this.assignments],
      projections: this.projections,
      projectedDeadlines: this.projectedDeadlines,
    };
  }

  /** What Temporal keeps of the case to find it by (never personal data): status, sponsor category, care provider. */
  searchAttributes(): { status: CaseStatus; sponsorCategory: string | null; careProviderId: string } {
    const { context } = this.snapshot;
    return {
      status: toCaseStatus(this.snapshot),
      sponsorCategory: context.sponsor?.category ?? null,
      careProviderId: context.careProviderId,
    };
  }

  get caseId(): string {
    return this.open.caseId;
  }

  /** Who the case is, for records about it: its id, its workflow's and its care provider now. */
  ids(): { caseId: string; workflowId: string; careProviderId: string } {
    return { caseId: this.open.caseId, workflowId: this.workflowId, careProviderId: this.snapshot.context.careProviderId };
  }

  /** True once the case accepts no more events. */
  get closed(): boolean {
    return this.snapshot.status === 'done';
  }

  /** True while something is left to do: deadlines to recompute, transitions or refusals to write. */
  get hasWork(): boolean {
    return this.dirty || this.unprojected.length > 0 || this.unauditedRefusals.length > 0 || this.unprojectedAssignments.length > 0;
  }

  /** Transitions, reassignments and refused decisions the read model has not been given. */
  get unprojectedCount(): number {
    return this.unprojected.length + this.unauditedRefusals.length + this.unprojectedAssignments.length;
  }

  /** True once the case's opening (seq 0) has been handed to the read model. */
  get openingProjected(): boolean {
    return this.projections > 0;
  }

  /** True while a reassignment waits to be handed to the read model. */
  get reassignmentsToProject(): boolean {
    return this.unprojectedAssignments.length > 0;
  }

  /** True while alerts wait to be handed to the read model. */
  get alertsToRecord(): boolean {
    return this.alerts.hasUnrecorded;
  }

  /** When the next deadline is due (epoch ms), if nothing changes: an alert, or under today's rules the 18th birthday. */
  get nextDeadlineAt(): number | null {
    const ageOut = this.ageOutAt;
    const alert = this.alerts.nextDeadlineAt;
    return ageOut === null ? alert : alert === null ? ageOut : Math.min(alert, ageOut);
  }

  /** The 18th birthday while the case is open under today's rules: the system closes it then. */
  private get ageOutAt(): number | null {
    if (this.rules < 2 || this.ageOutStuck || !this.snapshot.matches('open')) return null;
    return eighteenthBirthday(this.snapshot.context.child.birthDate);
  }

  /**
   * On the 18th birthday an open case closes as aged out, by the system, with the post-18 plan
   * that was recorded, if any. Today's rules only: a case that opened before them keeps waiting
   * for a case manager's AGE_OUT, as it always did.
   */
  ageOutIfDue(): void {
    const due = this.ageOutAt;
    if (due === null || Date.now() < due) return;
    const { ageOutPlan } = this.snapshot.context;
    const birthday = new Date(due).toISOString().slice(0, 10);
    const reason = ageOutPlan
      ? `Turned 18 on ${birthday}; the post-18 plan recorded on ${ageOutPlan.at.slice(0, 10)} applies`
      : `Turned 18 on ${birthday}; no post-18 plan was recorded`;
    const refusal = this.apply({ type: 'AGE_OUT', actor: SYSTEM_ACTOR, reason }, null);
    if (refusal) {
      this.ageOutStuck = true;
      log.error('The age-out on the 18th birthday was refused', { caseId: this.caseId, code: refusal.code });
    }
  }

  view(): CaseView {
    const { context } = this.snapshot;
    const now = new Date().toISOString();
    return {
      caseId: this.open.caseId,
      status: toCaseStatus(this.snapshot),
      closed: this.closed,
      closure: context.closure,
      careProviderId: context.careProviderId,
      careProviderHistory: context.careProviderHistory,
      admittedAt: context.admittedAt,
      rules: this.rules,
      sponsorId: context.sponsorId,
      sponsor: context.sponsor,
      sponsorHistory: sponsorHistoryView(this.snapshot),
      policyProfile: context.profileId,
      expedited: context.expedited,
      checks: checkStatuses(this.snapshot, now),
      people: currentPeople(this.snapshot, now),
      flags: context.flags,
      homeStudyTriggers: context.homeStudyTriggers,
      homeStudy: context.homeStudy,
      recommendation: context.recommendation,
      review: context.review,
      decision: context.decision,
      postReleaseServices: context.postReleaseServices,
      appeals: appealsView(this.snapshot, this.targets.targets.businessCalendar),
      ageOutPlan: context.ageOutPlan,
      releasedAt: context.releasedAt,
      closedAt: context.closedAt,
      allowedEvents: allowedEventsByRole(this.snapshot, now),
      assigneeId: this.assigneeId,
      assignments: this.assignments,
      deadlines: this.closed ? [] : activeDeadlines(this.clock(), this.targets.targets),
      alerts: this.alerts.view(this.targets.version),
      transitions: this.transitions,
      refusedSignals: this.refusedSignals,
    };
  }

  /**
   * Around a reviewer's decision: whether the case takes one now, and what it made of the one
   * signalled with `signalId` (issue 18: the API looks before and after the signal; the full view
   * would re-encode the case's history each time).
   */
  decisionLook(signalId: string | null): DecisionLook {
    return {
      status: toCaseStatus(this.snapshot),
      closed: this.closed,
      allowedEvents: allowedEventsByRole(this.snapshot, new Date().toISOString()),
      ...decisionOutcome({ transitions: this.transitions, refusedSignals: this.refusedSignals }, signalId),
    };
  }

  /** The case under a policy profile (its own by default, or the one in force now before a sponsor), changing nothing. */
  policyUnder(profileId: string | undefined): PolicyEvaluation {
    const { context } = this.snapshot;
    const now = new Date().toISOString();
    const id = profileId ?? context.profileId;
    return evaluatePolicy(context, id ? profileById(id) : profileAt(now), now);
  }

  /** The update validator: throws what makes the case refuse a command, before it reaches history. */
  validateCommand(request: CaseCommandRequest, requestId: string | null = null): void {
    // An Update the case applied in an earlier run, delivered again in this one (the server
    // recognises an Update's id within a run only): the handler answers what it did then.
    if (this.appliedRequest(requestId)) return;
    const parsed = CaseCommandSchema.safeParse(request);
    if (!parsed.success) throw invalidPayload(formatIssues(parsed.error));
    const at = new Date().toISOString();
    const outcome = evaluateEvent(this.snapshot, parsed.data, at);
    if (!outcome.accepted) throw refusalFailure(outcome.refusal);
    // The handler runs right after, on the same case at the same instant: it takes this verdict rather
    // than run the statechart again (issue 18). On replay no validator runs and the handler evaluates
    // the event itself, to the same result: the evaluation is a pure function of these three.
    this.validated = { request: JSON.stringify(request), snapshot: this.snapshot, at, outcome };
  }

  /** The validator's verdict, if it was on this very request, case and instant; taken once. */
  private takeValidated(request: CaseCommandRequest, at: string): Evaluation | undefined {
    const validated = this.validated;
    this.validated = null;
    const same = validated?.snapshot === this.snapshot && validated.at === at && validated.request === JSON.stringify(request);
    return same ? validated.outcome : undefined;
  }

  /** True when a transition of this case came from the Update with this id (in this run or one before). */
  private appliedRequest(requestId: string | null): boolean {
    return requestId !== null && this.transitions.some((t) => t.requestId === requestId);
  }

  /** True when a reassignment of this case came from the Update with this id (in this run or one before). */
  private reassignedBy(requestId: string | null): boolean {
    return requestId !== null && this.assignments.some((a) => a.requestId === requestId);
  }

  /** Applies a command the validator let through; answers the move. */
  applyCommand(request: CaseCommandRequest, requestId: string | null): CaseMove {
    if (this.appliedRequest(requestId)) return this.move(requestId);
    const at = new Date().toISOString();
    const refusal = this.apply(CaseCommandSchema.parse(request), requestId, at, this.takeValidated(request, at));
    if (refusal) throw refusalFailure(refusal); // unreachable unless the validator was skipped
    return this.move(requestId);
  }

  /**
   * The keyed update's validator: only the request's shape and its key. Whether the case takes the
   * event is the handler's to say, so that a refusal too is kept as the key's outcome.
   */
  validateKeyedCommand(request: unknown): void {
    const parsed = KeyedCaseCommandSchema.safeParse(request);
    if (!parsed.success) throw invalidPayload(formatIssues(parsed.error));
    this.assertKeyFor(parsed.data.key, parsed.data.fingerprint);
  }

  /** Applies or refuses a keyed command once; the same key and request again answer the same outcome. */
  applyKeyedCommand(request: unknown): CaseMove {
    const { key, fingerprint, command } = KeyedCaseCommandSchema.parse(request);
    this.assertKeyFor(key, fingerprint);
    const known = this.keyed.get(key);
    const refusal = known ? known.refusal : (this.apply(command, key) ?? null);
    if (!known) this.keyed.set(key, { fingerprint, refusal });
    if (refusal) throw refusalFailure(refusal);
    return this.move(key);
  }

  /**
   * The answer to an accepted event (issue 18): the case now, and the transition the request made
   * (the last one, unless a later event followed a repeated key's). Small and the same size at any
   * age of the case, unlike the view with its whole history.
   */
  private move(requestId: string | null): CaseMove {
    const now = new Date().toISOString();
    const transition =
      (requestId === null ? undefined : this.transitions.findLast((t) => t.requestId === requestId)) ?? this.transitions.at(-1)!;
    return {
      caseId: this.open.caseId,
      status: toCaseStatus(this.snapshot),
      closed: this.closed,
      allowedEvents: allowedEventsByRole(this.snapshot, now),
      checks: checkStatuses(this.snapshot, now),
      transition,
    };
  }

  private assertKeyFor(key: string, fingerprint: string): void {
    const known = this.keyed.get(key);
    if (known && known.fingerprint !== fingerprint) {
      throw ApplicationFailure.create({
        type: CaseFailure.IDEMPOTENCY_KEY_REUSED,
        message: `Idempotency-Key ${key} was used for a different request to this case; use a new key for a new request.`,
        nonRetryable: true,
      });
    }
  }

  /** A reviewer's decision: applied when the case allows it, otherwise kept as refused (a signal cannot be answered). */
  receiveDecision(payload: ReleaseDecisionSignal): void {
    const at = new Date().toISOString();
    const parsed = ReleaseDecisionSignalSchema.safeParse(payload);
    if (!parsed.success) {
      const actor = payload?.decision?.actor;
      this.refuseSignal({
        requestId: typeof payload?.requestId === 'string' ? payload.requestId : null,
        event: 'DECIDE_RELEASE',
        actor: { id: String(actor?.id ?? 'unknown'), role: String(actor?.role ?? 'unknown') },
        at,
        code: 'invalid_payload',
        message: formatIssues(parsed.error),
      });
      return;
    }
    const { requestId, decision } = parsed.data;
    const refusal = this.apply(decision, requestId);
    if (!refusal) return;
    this.refuseSignal({ requestId, event: 'DECIDE_RELEASE', actor: decision.actor, at, code: refusal.code, message: refusal.message });
    log.warn('Release decision refused', { caseId: this.caseId, code: refusal.code });
  }

  /** The reassignment validator: throws why the case refuses it, before it reaches history. */
  validateReassignment(request: unknown, requestId: string | null = null): void {
    // As for commands: a reassignment made by this Update in an earlier run is answered, not made again.
    if (this.reassignedBy(requestId)) return;
    const parsed = ReassignCaseSchema.safeParse(request);
    if (!parsed.success) throw invalidPayload(formatIssues(parsed.error));
    const status = toCaseStatus(this.snapshot);
    const byRole = refuseReassignment(parsed.data.actor.role);
    if (byRole) throw refusalFailure({ ...byRole, status, allowedEvents: [] });
    if (parsed.data.assigneeId === this.assigneeId) {
      throw refusalFailure({
        code: 'conditions_not_met',
        message: `The case is already assigned to ${this.assigneeId}.`,
        status,
        allowedEvents: [],
      });
    }
  }

  /** Records a reassignment the validator let through; answers the new view. */
  reassign(request: unknown, requestId: string | null): CaseView {
    if (this.reassignedBy(requestId)) return this.view();
    this.validateReassignment(request); // passes unless the validator was skipped
    const { assigneeId, actor, reason } = ReassignCaseSchema.parse(request);
    const assignment: Assignment = {
      assigneeId,
      previousAssigneeId: this.assigneeId,
      actor,
      reason: reason ?? null,
      at: new Date().toISOString(),
      requestId,
    };
    this.assigneeId = assigneeId;
    this.assignments.push(assignment);
    this.unprojectedAssignments.push(assignment);
    return this.view();
  }

  /** New targets by broadcast; an older or repeated version changes nothing. */
  changeTargets(payload: VersionedTargets): void {
    const parsed = VersionedTargetsSchema.safeParse(payload);
    if (!parsed.success) {
      log.warn('Targets refused', { caseId: this.caseId, issues: formatIssues(parsed.error) });
      return;
    }
    if (parsed.data.version <= this.targets.version) return;
    this.targets = parsed.data;
    this.dirty = true;
    log.info('Targets changed', { caseId: this.caseId, version: this.targets.version });
  }

  /** True when the read model reports targets newer than the case's (saved while it started, or missed by a broadcast). */
  runsOnOlderTargets(savedVersion: number | undefined): boolean {
    return savedVersion !== undefined && savedVersion > this.targets.version;
  }

  /** The targets in force, loaded from the read model after `runsOnOlderTargets`. */
  catchUpTargets(loaded: VersionedTargets): void {
    this.targets = VersionedTargetsSchema.parse(loaded);
    this.dirty = true;
  }

  /** The acknowledgement validator: throws why the case refuses it, before it reaches history. */
  validateAcknowledgement(request: unknown): void {
    const parsed = AcknowledgeAlertSchema.safeParse(request);
    if (!parsed.success) throw invalidPayload(formatIssues(parsed.error));
    const refusal = this.alerts.refusalOf(parsed.data);
    if (refusal) throw ApplicationFailure.create({ type: CaseFailure.TRANSITION_REFUSED, message: refusal, nonRetryable: true });
  }

  /** Records an acknowledgement the validator let through; repeats at an escalation's level stop. */
  acknowledge(request: unknown): AlertAck {
    this.validateAcknowledgement(request); // passes unless the validator was skipped
    const acknowledgement = this.alerts.acknowledge(AcknowledgeAlertSchema.parse(request), new Date().toISOString());
    this.dirty = true;
    return acknowledgement;
  }

  /** When anything changed or a deadline is due: fires what is due, resolves what the case moved past. */
  keepDeadlines(): void {
    const due = this.alerts.nextDeadlineAt !== null && Date.now() >= this.alerts.nextDeadlineAt;
    if (!this.dirty && !due) return;
    this.dirty = false;
    if (this.closed) {
      this.alerts.closeAll(new Date().toISOString());
      return;
    }
    for (const alert of this.alerts.keepDeadlines(this.clock(), this.targets.targets, Date.now())) {
      log.info('Alert fired', { caseId: this.caseId, alertId: alert.id, level: alert.level });
    }
  }

  /**
   * What the read model has not been given (transitions, refused decisions, reassignments), with
   * the case row as it stands, handed over once; null when there is nothing. With
   * `projectsDeadlines`, a change of the deadlines alone (new targets) is handed over too.
   */
  takeProjection(projectsDeadlines: boolean): CaseProjection | null {
    const deadlines = this.deadlineSummary();
    const deadlinesChanged = projectsDeadlines && JSON.stringify(deadlines) !== this.projectedDeadlines;
    if (this.unprojected.length + this.unauditedRefusals.length + this.unprojectedAssignments.length === 0 && !deadlinesChanged) {
      return null;
    }
    const { transitions, refusedSignals, assignments } = {
      transitions: this.unprojected,
      refusedSignals: this.unauditedRefusals,
      assignments: this.unprojectedAssignments,
    };
    this.unprojected = [];
    this.unauditedRefusals = [];
    this.unprojectedAssignments = [];
    this.projections += 1;
    this.projectedDeadlines = JSON.stringify(deadlines);
    const { context } = this.snapshot;
    return {
      caseId: context.caseId,
      workflowId: this.workflowId,
      careProviderId: context.careProviderId,
      status: toCaseStatus(this.snapshot),
      sponsorCategory: context.sponsor?.category ?? null,
      admittedAt: context.admittedAt,
      releasedAt: context.releasedAt,
      transitions,
      refusedSignals,
      lastSeq: this.transitions.length - 1,
      revision: this.projections,
      assigneeId: this.assigneeId,
      assignments,
      policyProfile: context.profileId,
      dischargedAt: context.releasedAt ?? (context.closure && context.closure !== 'released' ? context.closedAt : null),
      deadlines,
    };
  }

  /** The read model's summary of the deadlines that apply now (none once the case is closed). */
  private deadlineSummary(): DeadlineSummary {
    return deadlineSummary(this.closed ? [] : activeDeadlines(this.clock(), this.targets.targets));
  }

  /** The alerts the read model has not been given, handed over once; null when none. */
  takeUnrecordedAlerts(): AlertRecord | null {
    return this.alerts.takeUnrecorded();
  }

  /** Applies an event stamped with the workflow clock (or, for a case's imported past, its own time), or answers why the case refuses it. */
  private apply(
    event: CaseEvent,
    requestId: string | null,
    at = new Date().toISOString(),
    outcome: Evaluation = evaluateEvent(this.snapshot, event, at),
  ): Refusal | undefined {
    if (!outcome.accepted) return outcome.refusal;
    const fromStatus = toCaseStatus(this.snapshot);
    const subject = subjectOf(this.snapshot, event, outcome.next);
    this.snapshot = outcome.next;
    this.recordTransition({
      seq: this.transitions.length,
      event: event.type,
      fromStatus,
      toStatus: toCaseStatus(this.snapshot),
      actor: event.actor,
      reason: event.reason ?? null,
      at,
      requestId,
      subject,
      careProviderId: this.snapshot.context.careProviderId,
    });
    this.dirty = true;
    return undefined;
  }

  private recordTransition(transition: CaseTransition): void {
    this.transitions.push(transition);
    this.unprojected.push(transition);
  }

  private refuseSignal(refused: RefusedSignal): void {
    this.refusedSignals.push(refused);
    this.unauditedRefusals.push(refused);
  }

  /** What the deadlines read of the case; under today's rules also its results, appeals and fingerprints. */
  private clock(): CaseClock {
    const { context } = this.snapshot;
    const status = toCaseStatus(this.snapshot);
    return {
      caseId: this.open.caseId,
      careProviderId: context.careProviderId,
      status,
      admittedAt: context.admittedAt,
      birthDate: context.child.birthDate,
      // The stay is measured against the current sponsor's category, else the last sponsor's.
      category: context.sponsor?.category ?? context.sponsorHistory.at(-1)?.sponsor.category ?? null,
      releasedAt: context.releasedAt,
      transitions: this.transitions,
      ...(this.rules >= 2 ? deadlineFacts(this.snapshot, status, new Date().toISOString()) : {}),
    };
  }
}

function invalidPayload(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: CaseFailure.INVALID_PAYLOAD, message, nonRetryable: true });
}

function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: CaseFailure.TRANSITION_REFUSED,
    message: refusal.message,
    details: [refusal],
    nonRetryable: true,
  });
}
