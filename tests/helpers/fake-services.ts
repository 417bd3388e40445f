import type { AuditRecord, AuditTrail } from '../../src/audit/chain';
import type { AlertAck, AcknowledgeAlert } from '../../src/contracts/alerts';
import type { CaseCommand, ReassignCase, ReleaseDecisionSignal } from '../../src/contracts/case-events';
import type { CaseMove, CaseView, DecisionLook } from '../../src/contracts/case-view';
import { decisionLookOf, moveOf } from '../../src/contracts/case-view';
import type { PolicyEvaluation } from '../../src/contracts/policy-evaluation';
import type { AlertView, CaseList, CaseSummary, Page } from '../../src/contracts/read-model';
import type { Targets, VersionedTargets } from '../../src/contracts/targets';
import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import type { Analytics, AnalyticsQuery } from '../../src/db/analytics';
import { Prisma } from '../../src/db/generated/client';
import type { ImportedCaseRow } from '../../src/db/imports';
import type { AlertEventView, AlertFilter, CaseFilter, CasePageRequest, ReadModel } from '../../src/db/queries';
import { createAlertService } from '../../src/services/alert-service';
import { createAnalyticsService } from '../../src/services/analytics-service';
import type { AppServices } from '../../src/services/app-services';
import { createBulkService } from '../../src/services/bulk-service';
import type { AuditLog } from '../../src/services/case-service';
import { createCaseService } from '../../src/services/case-service';
import type { CaseWorkflows } from '../../src/services/case-workflows';
import { AppError, caseExists, caseNotFound } from '../../src/services/errors';
import type { Idempotency } from '../../src/services/idempotency';
import { createImportService } from '../../src/services/import-service';
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
    rules: 2,
    sponsorId: null,
    sponsor: null,
    sponsorHistory: [],
    policyProfile: null,
    expedited: false,
    checks: null,
    people: [],
    flags: [],
    homeStudyTriggers: [],
    homeStudy: null,
    recommendation: null,
    review: null,
    decision: null,
    postReleaseServices: false,
    appeals: [],
    ageOutPlan: null,
    releasedAt: null,
    closedAt: null,
    allowedEvents: { case_manager: ['COMPLETE_INTAKE', 'DEPART'], orr_reviewer: ['TRANSFER_CARE_PROVIDER'] },
    assigneeId: 'cm-ana',
    assignments: [],
    deadlines: [],
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
        subject: null,
      },
    ],
    refusedSignals: [],
    ...overrides,
  };
}

/** A valid evaluation of a case with no sponsor yet under a profile (the case answers this in intake). */
export function policyEvaluation(view: CaseView, profileId = 'ifr-2025'): PolicyEvaluation {
  return {
    profile: { id: profileId, title: profileId, effectiveFrom: '2025-03-25', source: 'test', notes: [], unsure: [] },
    caseProfile: view.policyProfile,
    evaluatedAt: '2026-11-13T09:00:00.000Z',
    sponsorId: view.sponsorId,
    expedited: false,
    homeStudy: { triggers: [], mandatory: false, done: false },
    people: [],
    blocksRelease: [{ code: 'no_sponsor', message: 'No sponsor has been identified.' }],
  };
}

/** A case as the read model lists it: in intake at `careProviderId`, assigned to cm-ana; override any field. */
export function caseSummary(caseId: string, careProviderId = 'shelter-tx-07', overrides: Partial<CaseSummary> = {}): CaseSummary {
  return {
    caseId,
    status: 'intake',
    careProviderId,
    sponsorCategory: null,
    admittedAt: '2026-11-02T14:00:00.000Z',
    releasedAt: null,
    daysInCare: 1,
    updatedAt: '2026-11-02T14:00:00.000Z',
    assigneeId: 'cm-ana',
    policyProfile: null,
    dischargedAt: null,
    nextDeadline: { at: '2026-11-05T14:00:00.000Z', label: 'Stage: sponsor identified' },
    level: 'on_track',
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
  /** The case's answer to a reassignment (throw a refusal to refuse); default: the new assignee. */
  onReassign: (view: CaseView, change: ReassignCase) => CaseView = (view, change) => ({ ...view, assigneeId: change.assigneeId });

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

  /** What each start was given. */
  readonly started: Parameters<CaseWorkflows['start']>[0][] = [];

  async start(input: Parameters<CaseWorkflows['start']>[0]): Promise<void> {
    this.calls.push(`start ${input.open.caseId}`);
    this.started.push(input);
    if (this.cases.has(input.open.caseId)) throw caseExists(input.open.caseId);
    this.add(caseView({ caseId: input.open.caseId, careProviderId: input.open.careProviderId }));
  }

  async view(caseId: string): Promise<CaseView> {
    const { view } = this.known(caseId);
    this.worker();
    return view;
  }

  async policy(caseId: string, profileId?: string): Promise<PolicyEvaluation> {
    this.calls.push(`policy ${caseId} ${profileId ?? '(own)'}`);
    const { view } = this.known(caseId);
    this.worker();
    return policyEvaluation(view, profileId);
  }

  async peek(caseId: string): Promise<CaseView | undefined> {
    const { view } = this.known(caseId);
    return this.workerUp ? view : undefined;
  }

  /** As the gateway: the look from the live view (through `peek`, which a test may replace). */
  async lookAtDecision(caseId: string, signalId: string | null): Promise<DecisionLook | undefined> {
    const view = await this.peek(caseId);
    return view && decisionLookOf(view, signalId);
  }

  async send(caseId: string, event: CaseCommand, idempotency?: Idempotency): Promise<CaseMove> {
    this.calls.push(`send ${caseId} ${event.type} by ${event.actor.role}${idempotency ? ` key ${idempotency.key}` : ''}`);
    const entry = this.known(caseId);
    // Temporal answers an Update to a closed workflow as to an unknown one.
    if (!entry.running) throw caseNotFound(caseId);
    this.worker();
    entry.view = this.answer(entry.view, event);
    return moveOf(entry.view);
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

  async reassign(caseId: string, change: ReassignCase): Promise<CaseView> {
    this.calls.push(`reassign ${caseId} to ${change.assigneeId} by ${change.actor.role}`);
    const entry = this.known(caseId);
    if (!entry.running) throw caseNotFound(caseId);
    this.worker();
    entry.view = this.onReassign(entry.view, change);
    return entry.view;
  }

  /** Cases the test marks as opened before their care provider was a search attribute. */
  readonly withoutSearchAttributes = new Set<string>();

  async careProvider(caseId: string): Promise<string | undefined> {
    const { view } = this.known(caseId);
    return this.withoutSearchAttributes.has(caseId) ? undefined : view.careProviderId;
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
  readonly pages: CasePageRequest[] = [];

  async findCase(caseId: string) {
    this.reachable();
    const row = this.cases.find((c) => c.caseId === caseId);
    return row ? { careProviderId: row.careProviderId } : undefined;
  }
  async listCases(filter: CaseFilter, page: CasePageRequest): Promise<CaseList> {
    this.reachable();
    this.listed.push(filter);
    this.pages.push(page);
    const items = this.cases.filter(
      (c) => (!filter.status || filter.status.includes(c.status)) && (!filter.careProviderId || c.careProviderId === filter.careProviderId),
    );
    return { items, nextCursor: null, asOf: '2026-11-13T09:00:00.000Z' };
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

/** The analytics: each figure empty, and every query remembered as it was asked. */
export class FakeAnalytics implements Analytics {
  readonly queries: { figure: string; query: Partial<AnalyticsQuery> }[] = [];
  private asked<T>(figure: string, query: Partial<AnalyticsQuery>, answer: T): Promise<T> {
    this.queries.push({ figure, query });
    return Promise.resolve(answer);
  }
  lengthOfStay(q: AnalyticsQuery) {
    return this.asked('lengthOfStay', q, {
      all: { children: 0, meanDays: null, medianDays: null, p90Days: null },
      byCategory: [],
      byExit: [],
    });
  }
  categoryOne(q: AnalyticsQuery) {
    return this.asked('categoryOne', q, {
      targetDays: 10 as const,
      averageTargetDays: 7 as const,
      released: { children: 2, withinTarget: 1, shareWithinTarget: 0.5, meanDays: 11, meanMinusAverageTarget: 4 },
      open: { children: 0, withinTarget: 0, shareWithinTarget: null, meanDaysSoFar: null },
    });
  }
  stageDays(q: AnalyticsQuery) {
    return this.asked('stageDays', q, { stages: [] });
  }
  cohorts(q: AnalyticsQuery) {
    return this.asked('cohorts', q, { weeks: [] });
  }
  flow(q: AnalyticsQuery) {
    return this.asked('flow', q, { thresholds: { alertAtOrBelow: 2 as const, warnAtOrBelow: 2.4 as const }, days: [] });
  }
  risk(q: Omit<AnalyticsQuery, 'from' | 'to'>) {
    return this.asked('risk', q, { asOf: q.asOf.toISOString(), rows: [], totals: { open: 0, atRisk: 0, breached: 0 } });
  }
}

export interface FakeWorld {
  services: AppServices;
  workflows: FakeCaseWorkflows;
  readModel: FakeReadModel;
  audit: FakeAuditLog;
  analytics: FakeAnalytics;
  /** Closed cases the import wrote to the read model. */
  imported: ImportedCaseRow[];
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
  const analytics = new FakeAnalytics();
  const imported: ImportedCaseRow[] = [];
  const targets = { saved: [] as VersionedTargets[], broadcasts: [] as string[] };
  const errors: FakeWorld['errors'] = [];
  const current = (): VersionedTargets => targets.saved.at(-1) ?? { version: 0, targets: DEFAULT_TARGETS };
  const cases = createCaseService({
    workflows,
    readModel,
    audit,
    currentTargets: async () => current(),
    decisionWaitMs: options.decisionWaitMs ?? 200,
    log: { error: (details, message) => errors.push({ details, message }) },
  });
  const alerts = createAlertService({ workflows, readModel });
  const services: AppServices = {
    cases,
    alerts,
    bulk: createBulkService({ cases, alerts }),
    imports: createImportService({
      workflows,
      existingCaseIds: async (ids) => new Set(ids.filter((id) => readModel.cases.some((c) => c.caseId === id))),
      writeClosedCases: async (rows) => {
        imported.push(...rows);
      },
      currentTargets: async () => current(),
      now: () => Date.parse('2026-11-20T00:00:00Z'),
    }),
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
    analytics: createAnalyticsService({ analytics, now: () => new Date('2026-04-15T10:00:00Z') }),
  };
  return { services, workflows, readModel, audit, analytics, imported, targets, errors };
}
