import { randomUUID } from 'node:crypto';

import type { AuditRecord, AuditTrail } from '../audit/chain';
import type { Principal } from '../auth/tokens';
import { actorOf } from '../auth/tokens';
import type { AlertDelivery } from '../contracts/alerts';
import type { CaseCommand, CaseEventType, ReleaseDecision } from '../contracts/case-events';
import type { OpenCase } from '../contracts/case-input';
import type { CaseStatus } from '../contracts/case-status';
import type { CaseMove, CaseView, DecisionLook } from '../contracts/case-view';
import type { DeadlineStatus } from '../contracts/deadlines';
import type { PolicyEvaluation } from '../contracts/policy-evaluation';
import type { CaseList, CaseSort } from '../contracts/read-model';
import type { Role } from '../contracts/roles';
import type { VersionedTargets } from '../contracts/targets';
import type { CaseCursor } from '../db/cursor';
import type { CaseFilter, ReadModel } from '../db/queries';
import { deadlineLevel } from '../domain/deadlines';
import { RefusalCodeSchema, refuseClosed, refuseInState, refuseReassignment, refuseRole } from '../domain/refusals';
import { allowedEventsByRole, openCaseSnapshot } from '../machines/case-logic';
import { toCaseStatus } from '../machines/case-status';
import { assertInScope, assertMayOpenCases, assertMaySend, listScope } from './access';
import type { CaseWorkflows } from './case-workflows';
import type { AppErrorCode } from './errors';
import { AppError, caseExists, caseNotFound, refused } from './errors';
import { idempotencyOf } from './idempotency';
import { answeringOutages, isOutage } from './outage';

/** What the API does with cases, for a verified caller. The routes translate HTTP to it and back. */
export interface CaseService {
  /** Opens a case: starts its workflow. The opening state is a pure function of the request. */
  open(principal: Principal, request: Omit<OpenCase, 'openedBy'>): Promise<OpenedCase>;
  /** The live view, each deadline with its level and the time remaining now. */
  view(principal: Principal, caseId: string): Promise<CaseDetail>;
  /** What a policy profile would make of the case as it stands: anyone who may see the case may ask; nothing changes. */
  policy(principal: Principal, caseId: string, profileId?: string): Promise<PolicyEvaluation>;
  /** A case manager's event: the move (the full view stays on `view`), or why not (a refusal is written to the audit trail). */
  send(
    principal: Principal,
    caseId: string,
    command: WithoutActor<CaseCommand>,
    request: RequestRef & { idempotencyKey?: string },
  ): Promise<CaseMove>;
  /** An ORR reviewer's decision, delivered as a signal; waits a moment to see it applied. */
  decide(principal: Principal, caseId: string, decision: Omit<ReleaseDecision, 'actor'>, request: RequestRef): Promise<DecisionOutcome>;
  audit(principal: Principal, caseId: string): Promise<AuditTrail>;
  list(principal: Principal, query: CaseQuery): Promise<CaseList>;
  /** A supervisor reassigns a case (an Update the case may refuse); the new view, or why not (audited). */
  reassign(principal: Principal, caseId: string, change: { assigneeId: string; reason?: string }, request: RequestRef): Promise<CaseView>;
}

export type CaseDetail = Omit<CaseView, 'deadlines'> & { deadlines: DeadlineStatus[] };

/** The filters (a scoped caller gets only their own care provider's cases anyway), the sort and the page. */
/** GET /cases as asked over HTTP: `q` is the read model's `text` (part of the case id). */
export type CaseQuery = Omit<CaseFilter, 'text'> & {
  q?: string;
  sort: CaseSort;
  order?: 'asc' | 'desc';
  limit: number;
  after?: CaseCursor;
};

/** Each sort's own order: the soonest deadline, the longest stay, the oldest admission first. */
const DEFAULT_ORDER: Record<CaseSort, 'asc' | 'desc'> = { admission: 'asc', least_time_left: 'asc', days_in_care: 'desc' };

type WithoutActor<T> = T extends unknown ? Omit<T, 'actor'> : never;

export interface RequestRef {
  /** The HTTP request's id, kept with an audited refusal. */
  requestId: string;
}

export interface OpenedCase {
  caseId: string;
  status: CaseStatus;
  /** Per role, the events the new case accepts. */
  allowedEvents: Partial<Record<Role, CaseEventType[]>>;
}

/** applied: true (applied), false (refused by the case), null (delivered, not yet seen applied). */
export interface DecisionOutcome {
  applied: boolean | null;
  message: string;
}

/** Where refused attempts are kept (src/audit/chain.ts over the database). */
export interface AuditLog {
  append(caseId: string, records: readonly AuditRecord[]): Promise<unknown>;
  read(caseId: string): Promise<AuditTrail>;
}

export interface ServiceLog {
  error(details: object, message: string): void;
}

export interface CaseServiceDeps {
  workflows: CaseWorkflows;
  readModel: ReadModel;
  audit: AuditLog;
  /** The targets in force: a new case starts on them. */
  currentTargets: () => Promise<VersionedTargets>;
  /** How new cases deliver alerts to the webhook (from configuration). */
  alertDelivery?: AlertDelivery;
  /** How long a decision waits to be seen applied before the answer says only "delivered". */
  decisionWaitMs: number;
  log: ServiceLog;
}

/** The refusals kept in the audit trail: the case's own, and a caller outside the case's care provider. */
const AUDITED = new Set<AppErrorCode>([...RefusalCodeSchema.options, 'out_of_scope']);

const DELIVERED: DecisionOutcome = {
  applied: null,
  message: 'Decision delivered; the case applies it when its worker next runs. GET the case to see the outcome.',
};

export function createCaseService(deps: CaseServiceDeps): CaseService {
  const { readModel, audit, currentTargets } = deps;
  return new DefaultCaseService({
    ...deps,
    readModel: answeringOutages(readModel),
    audit: answeringOutages(audit),
    currentTargets: answeringOutages(currentTargets),
  });
}

class DefaultCaseService implements CaseService {
  constructor(private readonly deps: CaseServiceDeps) {}

  async open(principal: Principal, request: Omit<OpenCase, 'openedBy'>): Promise<OpenedCase> {
    assertMayOpenCases(principal);
    assertInScope(principal, request.careProviderId, 'The case');
    const open: OpenCase = { ...request, openedBy: actorOf(principal) };
    // Temporal forgets a closed workflow after its namespace's retention; the read model does not.
    if (await this.deps.readModel.findCase(open.caseId)) throw caseExists(open.caseId);
    await this.deps.workflows.start({ open, targets: await this.deps.currentTargets(), alertDelivery: this.deps.alertDelivery });
    const snapshot = openCaseSnapshot(open);
    return { caseId: open.caseId, status: toCaseStatus(snapshot), allowedEvents: allowedEventsByRole(snapshot, new Date().toISOString()) };
  }

  async view(principal: Principal, caseId: string): Promise<CaseDetail> {
    const view = await this.deps.workflows.view(caseId).catch(async (err: unknown) => {
      throw (await this.readModelOnly(caseId, err)) ?? err;
    });
    assertInScope(principal, view.careProviderId, 'The case');
    const now = Date.now();
    return {
      ...view,
      deadlines: view.deadlines.map((d) => ({
        ...d,
        level: deadlineLevel(d, now),
        remainingSeconds: Math.round((Date.parse(d.dueAt) - now) / 1000),
      })),
    };
  }

  async reassign(
    principal: Principal,
    caseId: string,
    change: { assigneeId: string; reason?: string },
    { requestId }: RequestRef,
  ): Promise<CaseView> {
    const careProviderId = await this.careProviderOf(caseId);
    return this.auditingRefusals(caseId, principal, 'REASSIGN_CASE', requestId, async () => {
      const byRole = refuseReassignment(principal.role);
      if (byRole) throw refused(byRole);
      assertInScope(principal, careProviderId, 'The case');
      try {
        return await this.deps.workflows.reassign(caseId, { ...change, actor: actorOf(principal) });
      } catch (err) {
        throw await this.explainIfClosed(caseId, err);
      }
    });
  }

  async policy(principal: Principal, caseId: string, profileId?: string): Promise<PolicyEvaluation> {
    // The scope first: an evaluation says as much about the case as its view does.
    assertInScope(principal, await this.careProviderOf(caseId), 'The case');
    return this.deps.workflows.policy(caseId, profileId);
  }

  async send(
    principal: Principal,
    caseId: string,
    command: WithoutActor<CaseCommand>,
    request: RequestRef & { idempotencyKey?: string },
  ): Promise<CaseMove> {
    const careProviderId = await this.careProviderOf(caseId);
    return this.auditingRefusals(caseId, principal, command.type, request.requestId, async () => {
      assertMaySend(principal, command.type);
      assertInScope(principal, careProviderId, 'The case');
      const event: CaseCommand = { ...command, actor: actorOf(principal) };
      try {
        const idempotency = request.idempotencyKey ? idempotencyOf(request.idempotencyKey, caseId, event) : undefined;
        return await this.deps.workflows.send(caseId, event, idempotency);
      } catch (err) {
        throw await this.explainIfClosed(caseId, err);
      }
    });
  }

  async decide(
    principal: Principal,
    caseId: string,
    fields: Omit<ReleaseDecision, 'actor'>,
    { requestId }: RequestRef,
  ): Promise<DecisionOutcome> {
    const decision: ReleaseDecision = { ...fields, actor: actorOf(principal) };
    const byRole = refuseRole(decision.type, principal.role);
    if (byRole) {
      const exists = (await this.deps.workflows.runState(caseId)) !== 'unknown';
      if (exists) await this.recordRefusal(caseId, principal, decision.type, requestId, refused(byRole));
      throw refused(byRole);
    }
    // Refuse at once what the case clearly will not take. With no worker to ask, deliver anyway:
    // the signal is durable, and the case applies or refuses it when a worker runs.
    const before = await this.deps.workflows.lookAtDecision(caseId, null);
    const refusal = before && precheckDecision(before, decision);
    if (refusal) {
      await this.recordRefusal(caseId, principal, decision.type, requestId, refusal);
      throw refusal;
    }
    if (!before && (await this.deps.workflows.runState(caseId)) === 'unknown') throw caseNotFound(caseId);
    const signalId = `decision-${requestId}-${Date.now().toString(36)}`;
    // The case may close between the look above and the signal: Temporal then says "not found".
    await this.deps.workflows.signalDecision(caseId, { requestId: signalId, decision }).catch(async (err: unknown) => {
      const explained = await this.explainIfClosed(caseId, err);
      if (explained instanceof AppError && AUDITED.has(explained.code)) {
        await this.recordRefusal(caseId, principal, decision.type, requestId, explained);
      }
      throw explained;
    });
    return (before && (await this.waitForDecision(caseId, signalId))) ?? DELIVERED;
  }

  async audit(principal: Principal, caseId: string): Promise<AuditTrail> {
    assertInScope(principal, await this.careProviderOf(caseId), 'The case');
    return this.deps.audit.read(caseId);
  }

  list(principal: Principal, { sort, order, limit, after, careProviderId, q, ...filter }: CaseQuery): Promise<CaseList> {
    const scope = listScope(principal, careProviderId, 'cases');
    if (after && after.sort !== sort) {
      throw new AppError(
        'invalid_request',
        `The cursor belongs to a list sorted by ${after.sort}, not ${sort}: keep the sort while paging.`,
      );
    }
    return this.deps.readModel.listCases(
      { ...filter, text: q, careProviderId: scope },
      { sort, order: order ?? DEFAULT_ORDER[sort], limit, after },
    );
  }

  /**
   * The case's care provider: from the read model, else from the case's search attribute (a case
   * opened a moment ago, before its first workflow task, or the database is down: a transition
   * never waits for the read model or for a worker), else from the case itself.
   */
  private async careProviderOf(caseId: string): Promise<string> {
    const row = await this.deps.readModel.findCase(caseId).catch((err: unknown) => {
      if (isOutage(err)) return undefined;
      throw err;
    });
    return (
      row?.careProviderId ?? (await this.deps.workflows.careProvider(caseId)) ?? (await this.deps.workflows.view(caseId)).careProviderId
    );
  }

  /** Runs a command; a refusal is written to the case's audit trail before it is answered. */
  private async auditingRefusals<T>(
    caseId: string,
    principal: Principal,
    event: string,
    requestId: string,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError && AUDITED.has(err.code)) await this.recordRefusal(caseId, principal, event, requestId, err);
      throw err;
    }
  }

  private async recordRefusal(caseId: string, principal: Principal, event: string, requestId: string, err: AppError): Promise<void> {
    const record: AuditRecord = {
      sourceKey: `request:${randomUUID()}`,
      kind: 'refused',
      event,
      actor: actorOf(principal),
      at: new Date().toISOString(),
      reason: null,
      requestId,
      detail: `${err.code}: ${err.message}`,
    };
    await this.deps.audit.append(caseId, [record]).catch((auditErr: unknown) => {
      this.deps.log.error({ err: auditErr, caseId }, 'could not record a refusal in the audit trail');
    });
  }

  /** An update to a closed case reports "not found": say that the case exists but is closed. */
  private async explainIfClosed(caseId: string, err: unknown): Promise<unknown> {
    if (!(err instanceof AppError) || err.code !== 'case_not_found') return err;
    const runState = await this.deps.workflows.runState(caseId);
    // Known to the read model alone: a closed case imported, or one whose workflow Temporal no longer keeps.
    if (runState === 'unknown' && (await this.deps.readModel.findCase(caseId))) {
      return refused({ ...refuseClosed('closed'), status: 'closed', allowedEvents: [] });
    }
    if (runState !== 'closed') return err;
    const view = await this.deps.workflows.peek(caseId).catch(() => undefined);
    return refused({ ...refuseClosed(view?.status ?? 'closed'), ...(view ? { status: view.status } : {}), allowedEvents: [] });
  }

  /** A case the read model holds but Temporal does not: say where its history is. */
  private async readModelOnly(caseId: string, err: unknown): Promise<AppError | undefined> {
    if (!(err instanceof AppError) || err.code !== 'case_not_found' || !(await this.deps.readModel.findCase(caseId))) return undefined;
    return new AppError(
      'case_not_found',
      `Case ${caseId} is closed and has no workflow to ask (imported closed, or past Temporal's retention): its transitions are in its audit trail, GET /cases/${caseId}/audit, and it is listed by GET /cases.`,
    );
  }

  /** Watches the case for the decision signalled as `signalId`: applied, refused, or (not seen in time) undefined. */
  private async waitForDecision(caseId: string, signalId: string): Promise<DecisionOutcome | undefined> {
    const deadline = Date.now() + this.deps.decisionWaitMs;
    for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const look = await this.deps.workflows.lookAtDecision(caseId, signalId).catch(() => undefined);
      if (look?.applied) return { applied: true, message: `Decision applied; the case is now ${look.applied.toStatus}.` };
      if (look?.refused) return { applied: false, message: `The case refused the decision: ${look.refused.message}` };
    }
    return undefined;
  }
}

/** The refusal the case would give this decision now, judged from a look at the live case (the role is checked already). */
function precheckDecision(view: DecisionLook, decision: ReleaseDecision): AppError | undefined {
  if (view.closed) return refused({ ...refuseClosed(view.status), status: view.status, allowedEvents: [] });
  const allowed = view.allowedEvents[decision.actor.role] ?? [];
  if (!allowed.includes(decision.type))
    return refused({ ...refuseInState(decision.type, view.status), status: view.status, allowedEvents: allowed });
  return undefined;
}
