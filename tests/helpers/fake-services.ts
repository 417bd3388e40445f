import type { AuditRecord, AuditTrail } from '../../src/audit/chain';
import type { AlertAck, AcknowledgeAlert } from '../../src/contracts/alerts';
import type { CaseCommand, ReleaseDecisionSignal } from '../../src/contracts/case-events';
import type { CaseView } from '../../src/contracts/case-view';
import type { AlertView, CaseSummary, Page } from '../../src/contracts/read-model';
import type { Targets, VersionedTargets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { Prisma } from '../../src/db/generated/client';
import type { AlertEventView, AlertFilter, CaseFilter, ReadModel } from '../../src/db/queries';
import { createAlertService } from '../../src/services/alert-service';
import type { AppServices } from '../../src/services/app-services';
import type { AuditLog } from '../../src/services/case-service';
import { createCaseService } from '../../src/services/case-service';
import type { CaseWorkflows } from '../../src/services/case-workflows';
import { AppError, caseExists, caseNotFound } from '../../src/services/errors';
import type { Idempotency } from '../../src/services/idempotency';
import { createTargetsService } from '../../src/services/targets-service';
import { alertFields } from './rows';

/**
 * The services' outside world in memory: the case workflows as the Temporal gateway shows them, the
 * read model and the audit trail, each scripted by the test. The services over them are the real
 * ones, so tests through the app check the API's own rules with neither Temporal nor a database.
 */

/** A complete, valid live view of a case in intake at shelter-tx-07; override any field. */
export function caseView(overrides: Partial<CaseView> = {}): CaseView {
  const caseId = overrides.caseId ?? 'UC-1';
  return {
    caseId,
    status: 'intake',
    closed: false,
    closure: null,
    careProviderId: 'shelter-tx-07',
    careProviderHistory: [],
    admittedAt: '2026-11-02T14:00:00.000Z',
    sponsor: null,
    sponsorHistory: [],
    policyProfile: null,
    expedited: false,
    checks: null,
    flags: [],
    homeStudyTriggers: [],
    homeStudy: null,
    recommendation: null,
    review: null,
    decision: null,
    postReleaseServices: false,
    releasedAt: null,
    closedAt: null,
    allowedEvents: { case_manager: ['COMPLETE_INTAKE', 'DEPART'], orr_reviewer: ['TRANSFER_CARE_PROVIDER'] },
    alerts: { open: [], acknowledgements: [], firedCount: 0, nextDeadlineAt: null, targetsVersion: 0 },
    transitions: [
      {
        seq: 0,
        event: 'OPEN_CASE',
        fromStatus: null,
        toStatus: 'intake',
        actor: { id: 'cm-ana', role: 'case_manager' },
        reason: null,
        at: '2026-11-02T14:00:00.000Z',
        requestId: null,
      },
    ],
    refusedSignals: [],
    ...overrides,
  };
}

export function alertView(caseId: string, overrides: Partial<AlertView> = {}): AlertView {
  return {
    ...alertFields(caseId),
    dueAt: '2026-11-12T14:00:00.000Z',
    firedAt: '2026-11-12T14:00:01.000Z',
    acknowledged: null,
    resolvedAt: null,
    ...overrides,
  };
}

/** The case workflows: each case a view and whether it runs; what the case answers is up to the test. */
export class FakeCaseWorkflows implements CaseWorkflows {
  readonly cases = new Map<string, { view: CaseView; running: boolean }>();
  /** False: every call that needs a worker gives up as the gateway does (worker_unavailable, or no peek). */
  workerUp = true;
  /** Every call that reached the workflows, in order, e.g. "send UC-1 COMPLETE_INTAKE". */
  readonly calls: string[] = [];
  /** The case's answer to an event (throw a refusal to refuse); default: applied, status unchanged. */
  answer: (view: CaseView, event: CaseCommand) => CaseView = (view) => view;
  /** What the case does with a decision signal when it sees it; default: nothing yet. */
  onDecision: (view: CaseView, signal: ReleaseDecisionSignal) => CaseView = (view) => view;

  add(view: CaseView, running = !view.closed): this {
    this.cases.set(view.caseId, { view, running });
    return this;
  }

  private known(caseId: string) {
    const entry = this.cases.get(caseId);
    if (!entry) throw caseNotFound(caseId);
    return entry;
  }

  private worker(): void {
    if (!this.workerUp) throw new AppError('worker_unavailable', 'No case worker answered within 1 s.');
  }

  async start(input: Parameters<CaseWorkflows['start']>[0]): Promise<void> {
    this.calls.push(`start ${input.open.caseId}`);
    if (this.cases.has(input.open.caseId)) throw caseExists(input.open.caseId);
    this.add(caseView({ caseId: input.open.caseId, careProviderId: input.open.careProviderId }));
  }

  async view(caseId: string): Promise<CaseView> {
    const { view } = this.known(caseId);
    this.worker();
    return view;
  }

  async peek(caseId: string): Promise<CaseView | undefined> {
    const { view } = this.known(caseId);
    return this.workerUp ? view : undefined;
  }

  async send(caseId: string, event: CaseCommand, idempotency?: Idempotency): Promise<CaseView> {
    this.calls.push(`send ${caseId} ${event.type} by ${event.actor.role}${idempotency ? ` key ${idempotency.key}` : ''}`);
    const entry = this.known(caseId);
    // Temporal answers an Update to a closed workflow as to an unknown one.
    if (!entry.running) throw caseNotFound(caseId);
    this.worker();
    entry.view = this.answer(entry.view, event);
    return entry.view;
  }

  async signalDecision(caseId: string, signal: ReleaseDecisionSignal): Promise<void> {
    this.calls.push(`signal ${caseId} ${signal.decision.decision} by ${signal.decision.actor.role}`);
    const entry = this.known(caseId);
    // Temporal answers a signal to a completed workflow as to an unknown one.
    if (!entry.running) throw caseNotFound(caseId);
    entry.view = this.onDecision(entry.view, signal);
  }

  async acknowledge(caseId: string, ack: AcknowledgeAlert): Promise<AlertAck> {
    this.calls.push(`acknowledge ${ack.alertId} by ${ack.actor.role}`);
    this.known(caseId);
    this.worker();
    return { alertId: ack.alertId, actor: ack.actor, at: '2026-11-13T09:00:00.000Z', note: ack.note ?? null };
  }

  async runState(caseId: string): Promise<'running' | 'closed' | 'unknown'> {
    const entry = this.cases.get(caseId);
    return entry ? (entry.running ? 'running' : 'closed') : 'unknown';
  }
}

/** The read model: what it holds is set by the test; lists are filtered, one page, and remember how they were asked. */
export class FakeReadModel implements ReadModel {
  /** False: every read fails as Prisma's does when PostgreSQL is down (P1001, DatabaseNotReachable). */
  up = true;
  readonly cases: CaseSummary[] = [];
  readonly alerts: AlertView[] = [];
  readonly events: AlertEventView[] = [];
  readonly listed: (CaseFilter | AlertFilter)[] = [];

  async findCase(caseId: string) {
    this.reachable();
    const row = this.cases.find((c) => c.caseId === caseId);
    return row ? { careProviderId: row.careProviderId } : undefined;
  }
  async listCases(filter: CaseFilter): Promise<Page<CaseSummary>> {
    this.reachable();
    this.listed.push(filter);
    const items = this.cases.filter(
      (c) => (!filter.status || c.status === filter.status) && (!filter.careProviderId || c.careProviderId === filter.careProviderId),
    );
    return { items, nextCursor: null };
  }
  async listAlerts(filter: AlertFilter): Promise<Page<AlertView>> {
    this.reachable();
    this.listed.push(filter);
    return { items: this.alerts.filter((a) => !filter.careProviderId || a.careProviderId === filter.careProviderId), nextCursor: null };
  }
  async findAlert(alertId: string) {
    this.reachable();
    return this.alerts.find((a) => a.id === alertId);
  }
  async lastAlertEventId() {
    this.reachable();
    return this.events.at(-1)?.id ?? 0n;
  }
  async alertEventsAfter(lastId: bigint, careProviderId: string | undefined, take: number) {
    this.reachable();
    return this.events.filter((e) => e.id > lastId && (!careProviderId || e.alert.careProviderId === careProviderId)).slice(0, take);
  }

  private reachable(): void {
    if (!this.up) throw databaseDown();
  }
}

/** What Prisma over the pg adapter throws while PostgreSQL is down (measured: a stopped server, a closed port). */
export function databaseDown(): Error {
  return new Prisma.PrismaClientKnownRequestError("Can't reach database server at 127.0.0.1:54329", {
    code: 'P1001',
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable', host: '127.0.0.1', port: 54329 } } },
  });
}

/** The audit trail: what the services append, per case. */
export class FakeAuditLog implements AuditLog {
  readonly records: { caseId: string; record: AuditRecord }[] = [];
  /** False: the trail can be neither written nor read, as while the database is down. */
  up = true;

  async append(caseId: string, records: readonly AuditRecord[]): Promise<void> {
    if (!this.up) throw databaseDown();
    this.records.push(...records.map((record) => ({ caseId, record })));
  }
  async read(caseId: string): Promise<AuditTrail> {
    if (!this.up) throw databaseDown();
    const entries = this.records
      .filter((r) => r.caseId === caseId)
      .map(({ record }, seq) => ({ ...record, seq, prevHash: '0'.repeat(64), hash: '0'.repeat(64) }));
    return { entries, verified: true, brokenAt: null };
  }
  /** "kind event by role: detail" for each entry of a case. */
  of(caseId: string): string[] {
    return this.records
      .filter((r) => r.caseId === caseId)
      .map(({ record }) => `${record.kind} ${record.event} by ${record.actor.role}: ${record.detail}`);
  }
}

export interface FakeWorld {
  services: AppServices;
  workflows: FakeCaseWorkflows;
  readModel: FakeReadModel;
  audit: FakeAuditLog;
  /** Targets saved through the targets service, and the broadcasts started. */
  targets: { saved: VersionedTargets[]; broadcasts: string[] };
  /** What the services logged as errors. */
  errors: { details: object; message: string }[];
}

/** The real case, alert and targets services over the fakes above. */
export function fakeWorld(options: { decisionWaitMs?: number } = {}): FakeWorld {
  const workflows = new FakeCaseWorkflows();
  const readModel = new FakeReadModel();
  const audit = new FakeAuditLog();
  const targets = { saved: [] as VersionedTargets[], broadcasts: [] as string[] };
  const errors: FakeWorld['errors'] = [];
  const current = (): VersionedTargets => targets.saved.at(-1) ?? { version: 0, targets: DEFAULT_TARGETS };
  const services: AppServices = {
    cases: createCaseService({
      workflows,
      readModel,
      audit,
      currentTargets: async () => current(),
      decisionWaitMs: options.decisionWaitMs ?? 200,
      log: { error: (details, message) => errors.push({ details, message }) },
    }),
    alerts: createAlertService({ workflows, readModel }),
    targets: createTargetsService({
      current: async () => current(),
      save: async ({ targets: next }: { targets: Targets }) => {
        const saved = { version: current().version + 1, targets: next };
        targets.saved.push(saved);
        return saved;
      },
      broadcast: async (saved) => {
        targets.broadcasts.push(`targets-v${saved.version}`);
        return `targets-v${saved.version}`;
      },
    }),
  };
  return { services, workflows, readModel, audit, targets, errors };
}
