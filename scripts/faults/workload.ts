/**
 * The suite's cases and the people who work them: case managers of four care providers move each
 * case through the expedited Category 1 lifecycle, an ORR reviewer decides, supervisors read and
 * acknowledge alerts, case managers list their cases. Each case's steps go one after another; many
 * cases move at once.
 */
import type { Actor, CaseRecord, Reply, Users } from './load';

export const PROVIDERS = ['shelter-fa-01', 'shelter-fa-02', 'shelter-fa-03', 'shelter-fa-04'];
export const REVIEWER: Actor = { id: 'ffs-faults', role: 'orr_reviewer' };
export const SUPERVISOR: Actor = { id: 'sup-faults', role: 'supervisor' };
const managerOf = (provider: string): Actor => ({ id: `cm-${provider}`, role: 'case_manager', careProvider: provider });

type Step = { kind: 'event'; body: Record<string, unknown> } | { kind: 'decision'; body: Record<string, unknown> };
const event = (type: string, extra: Record<string, unknown> = {}): Step => ({ kind: 'event', body: { type, ...extra } });

/** Intake to closure on the expedited Category 1 path: 13 steps after the opening. */
export const LIFECYCLE: Step[] = [
  event('COMPLETE_INTAKE'),
  event('IDENTIFY_SPONSOR', { sponsor: { category: '1' }, reason: 'Mother located' }),
  event('COMPLETE_ASSESSMENT'),
  ...['identity', 'relationship', 'public_records', 'sex_offender', 'fbi_fingerprint'].map((check) => event('CLEAR_CHECK', { check })),
  event('COMPLETE_VETTING'),
  event('RECOMMEND_RELEASE', { recommendation: 'release' }),
  { kind: 'decision', body: { type: 'DECIDE_RELEASE', decision: 'approve' } },
  event('RELEASE_CHILD'),
  event('COMPLETE_FOLLOW_UP'),
];

/** Runs `work` over `items`, `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export class Workload {
  readonly cases: CaseRecord[] = [];
  /** Steps finished in the current `advance`, for a scenario that strikes halfway. */
  progress = 0;

  constructor(
    private readonly users: Users,
    private readonly runId: string,
  ) {}

  /** Opens `count` cases, admitted five days ago (so their first alerts are due at once). */
  async open(count: number, concurrency: number): Promise<CaseRecord[]> {
    const fresh = Array.from({ length: count }, (_, i): CaseRecord => {
      const careProvider = PROVIDERS[(this.cases.length + i) % PROVIDERS.length]!;
      const caseId = `FA-${this.runId}-${String(this.cases.length + i).padStart(5, '0')}`;
      return {
        caseId,
        careProvider,
        manager: managerOf(careProvider),
        opened: false,
        step: 0,
        accepted: [],
        decisionsDelivered: 0,
        acks: [],
        acksSent: [],
        unexpectedRefusals: [],
      };
    });
    this.cases.push(...fresh);
    this.progress = 0;
    await pool(fresh, concurrency, async (record) => {
      await this.openOne(record);
      this.progress += 1;
    });
    return fresh;
  }

  private async openOne(record: CaseRecord): Promise<void> {
    const admittedAt = new Date(Date.now() - 5 * 86_400_000).toISOString();
    const body = { caseId: record.caseId, admittedAt, careProviderId: record.careProvider, child: { birthDate: '2014-06-15' } };
    const reply = await this.users.call(record.manager, 'POST', '/cases', body);
    // A retry of our own opening that went through finds the id taken: the case is ours.
    record.opened = reply?.status === 201 || (reply?.status === 409 && reply.body['code'] === 'case_exists');
    if (!record.opened)
      record.unexpectedRefusals.push(`open: ${reply?.status ?? 'no answer'} ${JSON.stringify(reply?.body ?? {}).slice(0, 200)}`);
  }

  /** Moves each of `cases` on by `steps` steps of the lifecycle. */
  async advance(cases: readonly CaseRecord[], steps: number, concurrency: number): Promise<void> {
    this.progress = 0;
    await pool(
      cases.filter((c) => c.opened),
      concurrency,
      async (record) => {
        for (let i = 0; i < steps && record.step < LIFECYCLE.length; i += 1) {
          await this.step(record);
          this.progress += 1;
        }
      },
    );
  }

  private async step(record: CaseRecord): Promise<void> {
    const step = LIFECYCLE[record.step]!;
    if (step.kind === 'decision') await this.decide(record, step.body);
    else {
      const key = `${record.caseId}.s${record.step}`;
      const reply = await this.users.call(record.manager, 'POST', `/cases/${record.caseId}/events`, step.body, key);
      if (reply?.status === 200) record.accepted.push({ key, type: String(step.body['type']) });
      else record.unexpectedRefusals.push(`${String(step.body['type'])}: ${describe(reply)}`);
    }
    record.step += 1;
  }

  /** The reviewer's decision: a signal, so no key; applied now (200), or delivered and watched until it is (202). */
  private async decide(record: CaseRecord, body: Record<string, unknown>): Promise<void> {
    const reply = await this.users.call(REVIEWER, 'POST', `/cases/${record.caseId}/decision`, body);
    const applied = reply?.status === 200 && reply.body['applied'] === true;
    // A retry after a lost answer finds the decision applied: the case is past it.
    const alreadyApplied = reply?.status === 409 && reply.body['status'] === 'release_approved';
    if (applied || reply?.status === 202 || alreadyApplied) record.decisionsDelivered += 1;
    else record.unexpectedRefusals.push(`DECIDE_RELEASE: ${describe(reply)}`);
    if (reply?.status === 202) await this.waitForStatus(record, 'release_approved');
  }

  private async waitForStatus(record: CaseRecord, status: string): Promise<void> {
    for (const deadline = Date.now() + 180_000; Date.now() < deadline;) {
      if ((await this.users.view(record.manager, record.caseId))?.status === status) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    record.unexpectedRefusals.push(`never reached ${status}`);
  }

  /**
   * Supervisors and case managers at work beside the load until `stop` resolves: lists of cases
   * and alerts, and now and then an acknowledgement of one of the suite's open alerts.
   */
  async bystanders(stop: Promise<void>): Promise<void> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    const byId = new Map(this.cases.map((c) => [c.caseId, c]));
    while (!stopped) {
      const manager = this.cases[Math.floor(Math.random() * this.cases.length)]?.manager;
      if (manager) await this.users.call(manager, 'GET', '/cases?limit=20', undefined, undefined, 30_000);
      const alerts = await this.users.call(SUPERVISOR, 'GET', '/alerts?open=true&limit=50', undefined, undefined, 30_000);
      const items = (alerts?.status === 200 ? (alerts.body['items'] as { id: string; caseId: string; acknowledged: unknown }[]) : []) ?? [];
      const target = items.find((a) => !a.acknowledged && byId.has(a.caseId));
      if (target) {
        byId.get(target.caseId)!.acksSent.push(target.id);
        const ack = await this.users.call(SUPERVISOR, 'POST', `/alerts/${encodeURIComponent(target.id)}/ack`, {
          note: 'Seen; following up',
        });
        if (ack?.status === 200) byId.get(target.caseId)!.acks.push(target.id);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function describe(reply: Reply | undefined): string {
  return reply ? `${reply.status} ${String(reply.body['code'] ?? '')} ${String(reply.body['message'] ?? '').slice(0, 160)}` : 'no answer';
}
