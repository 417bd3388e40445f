import type { AcknowledgeAlert, Alert, AlertAck, AlertLevel, AlertRecord } from '../contracts/alerts';
import type { CaseView } from '../contracts/case-view';
import type { Targets } from '../contracts/targets';
import type { CaseClock } from './deadlines';
import { schedule } from './deadlines';
import { refuseAcknowledgement } from './refusals';

const emptyRecord = (): AlertRecord => ({ fired: [], resolved: [], acknowledged: [] });

/** What a case's alerts carry into its next run (continue-as-new): everything but what is still to record. */
export interface CarriedAlerts {
  fired: string[];
  open: Alert[];
  /** Per chain, the levels acknowledged. */
  acknowledged: [string, AlertLevel[]][];
  acknowledgements: AlertAck[];
  nextAt: number | null;
}

/**
 * One case's alerts between its deadlines and the read model: which fired (an id never fires
 * twice), which are open (the case has not moved past their target), who acknowledged what (an
 * acknowledged escalation stops repeating at its level), and what the read model has not been given
 * yet. Pure: the case workflow keeps one and passes in the workflow clock, so a replay rebuilds it
 * exactly.
 */
export class CaseAlerts {
  private readonly fired = new Set<string>();
  private readonly open = new Map<string, Alert>();
  /** Per chain, the levels someone acknowledged. */
  private readonly acknowledged = new Map<string, Set<AlertLevel>>();
  private readonly acknowledgements: AlertAck[] = [];
  private unrecorded = emptyRecord();
  private nextAt: number | null = null;

  constructor(
    private readonly caseId: string,
    carried?: CarriedAlerts,
  ) {
    if (!carried) return;
    for (const id of carried.fired) this.fired.add(id);
    for (const alert of carried.open) this.open.set(alert.id, alert);
    for (const [chain, levels] of carried.acknowledged) this.acknowledged.set(chain, new Set(levels));
    this.acknowledgements.push(...carried.acknowledgements);
    this.nextAt = carried.nextAt;
  }

  /** The alerts to carry into the case's next run; only once everything is recorded (else it throws). */
  carry(): CarriedAlerts {
    const { fired, resolved, acknowledged } = this.unrecorded;
    if (fired.length + resolved.length + acknowledged.length > 0) throw new Error(`Case ${this.caseId} has alerts still to record`);
    return {
      fired: [...this.fired],
      open: [...this.open.values()],
      acknowledged: [...this.acknowledged].map(([chain, levels]) => [chain, [...levels]]),
      acknowledgements: [...this.acknowledgements],
      nextAt: this.nextAt,
    };
  }

  /** When the next alert is due (epoch ms) if nothing changes; null when none is pending. */
  get nextDeadlineAt(): number | null {
    return this.nextAt;
  }

  /**
   * Fires what is due at `now`, resolves the open alerts of targets that no longer apply, and keeps
   * the next deadline. Answers the alerts it fired.
   */
  keepDeadlines(clock: CaseClock, targets: Targets, now: number): Alert[] {
    const plan = schedule(clock, targets, { fired: this.fired, acknowledged: this.acknowledged }, now);
    for (const alert of plan.due) {
      this.fired.add(alert.id);
      this.open.set(alert.id, alert);
      this.unrecorded.fired.push(alert);
    }
    const active = new Set(plan.active);
    for (const [id, alert] of this.open) {
      if (active.has(alert.chain)) continue;
      this.open.delete(id);
      this.unrecorded.resolved.push({ alertId: id, at: new Date(now).toISOString() });
    }
    this.nextAt = plan.nextAt;
    return plan.due;
  }

  /** The case closed: every open alert is resolved at `at`, and nothing more is due. */
  closeAll(at: string): void {
    for (const id of this.open.keys()) this.unrecorded.resolved.push({ alertId: id, at });
    this.open.clear();
    this.nextAt = null;
  }

  /** Why the case refuses an acknowledgement, as a sentence for the supervisor; null when it takes it. */
  refusalOf(ack: AcknowledgeAlert): string | null {
    const { alertId } = ack;
    const byRole = refuseAcknowledgement(ack.actor.role);
    if (byRole) return byRole.message;
    if (!this.open.has(alertId)) {
      return this.fired.has(alertId)
        ? `Alert ${alertId} is resolved: the case has moved on.`
        : `Alert ${alertId} is not an alert of case ${this.caseId}.`;
    }
    if (this.acknowledgements.some((a) => a.alertId === alertId)) return `Alert ${alertId} is already acknowledged.`;
    return null;
  }

  /** Records an acknowledgement made at `at`; throws what `refusalOf` says when the case refuses it. */
  acknowledge(ack: AcknowledgeAlert, at: string): AlertAck {
    const refusal = this.refusalOf(ack);
    if (refusal) throw new Error(refusal);
    const alert = this.open.get(ack.alertId)!;
    const acknowledgement: AlertAck = { alertId: ack.alertId, actor: ack.actor, at, note: ack.note ?? null };
    this.acknowledgements.push(acknowledgement);
    this.unrecorded.acknowledged.push(acknowledgement);
    // Acknowledging an escalation silences its level's repeats; a warning has none to silence.
    if (alert.kind === 'escalation') {
      const levels = this.acknowledged.get(alert.chain) ?? new Set<AlertLevel>();
      levels.add(alert.level);
      this.acknowledged.set(alert.chain, levels);
    }
    return acknowledgement;
  }

  /** What the read model has not been given yet, handed over once; null when there is nothing. */
  /** True while fired, resolved or acknowledged alerts wait to be taken. */
  get hasUnrecorded(): boolean {
    const { fired, resolved, acknowledged } = this.unrecorded;
    return fired.length + resolved.length + acknowledged.length > 0;
  }

  takeUnrecorded(): AlertRecord | null {
    const { fired, resolved, acknowledged } = this.unrecorded;
    if (fired.length + resolved.length + acknowledged.length === 0) return null;
    const record = this.unrecorded;
    this.unrecorded = emptyRecord();
    return record;
  }

  /** The alerts part of the case's view. */
  view(targetsVersion: number): CaseView['alerts'] {
    return {
      open: [...this.open.values()],
      acknowledgements: [...this.acknowledgements],
      firedCount: this.fired.size,
      nextDeadlineAt: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
      targetsVersion,
    };
  }
}
