import type { Client } from '@temporalio/client';
import { QueryNotRegisteredError, WorkflowNotFoundError } from '@temporalio/client';

import type { AcknowledgeAlert, AlertAck } from '../contracts/alerts';
import type { CaseCommand, ReassignCase, ReleaseDecisionSignal } from '../contracts/case-events';
import type { CaseMove, CaseView, DecisionLook } from '../contracts/case-view';
import { decisionLookOf, moveOf } from '../contracts/case-view';
import { CaseFailure } from '../contracts/failures';
import { keyedUpdateId } from '../contracts/idempotency';
import { caseWorkflowId } from '../contracts/ids';
import type { CaseWorkflowInput } from '../contracts/messages';
import {
  CASE_WORKFLOW_TYPE,
  acknowledgeAlertUpdate,
  caseCommandOnceUpdate,
  caseCommandUpdate,
  caseDecisionQuery,
  casePolicyQuery,
  caseViewQuery,
  reassignCaseUpdate,
  releaseDecisionSignal,
} from '../contracts/messages';
import type { PolicyEvaluation } from '../contracts/policy-evaluation';
import { CARE_PROVIDER } from '../contracts/search-attributes';
import { AppError } from './errors';
import type { Idempotency } from './idempotency';
import { fromTemporalError, isWorkerUnavailable, updateFailure } from './temporal-errors';

/**
 * The case workflows as the API uses them: every call that needs a worker gives up after the
 * worker deadline, and every failure comes back as an AppError (src/services/errors.ts) or as
 * the unexpected error it is.
 */
export interface CaseWorkflows {
  /** Starts a case's workflow; its id is never reused (case_exists). */
  start(input: CaseWorkflowInput): Promise<void>;
  /** The live view, from the case's worker. */
  view(caseId: string): Promise<CaseView>;
  /** The case evaluated under a policy profile (default: its own), changing nothing. */
  policy(caseId: string, profileId?: string): Promise<PolicyEvaluation>;
  /** The live view if a worker answers at once (PEEK_MS), else undefined; case_not_found for an unknown case. */
  peek(caseId: string): Promise<CaseView | undefined>;
  /**
   * As `peek`, only what a reviewer's decision needs: whether the case takes one now, and what it
   * made of the decision signalled as `signalId` (null: none). Small at any age of the case.
   */
  lookAtDecision(caseId: string, signalId: string | null): Promise<DecisionLook | undefined>;
  /**
   * A case manager's event, as an Update: the move (status, allowed events, the new transition),
   * or the case's refusal. With an Idempotency-Key, the case keeps the outcome (a refusal too) and
   * answers it again to a retry.
   */
  send(caseId: string, event: CaseCommand, idempotency?: Idempotency): Promise<CaseMove>;
  /** An ORR reviewer's decision, as a Signal: durable even while no worker runs. */
  signalDecision(caseId: string, signal: ReleaseDecisionSignal): Promise<void>;
  acknowledge(caseId: string, ack: AcknowledgeAlert): Promise<AlertAck>;
  /** A supervisor's reassignment, as an Update: the new view, or the case's refusal. */
  reassign(caseId: string, change: ReassignCase): Promise<CaseView>;
  /**
   * The case's care provider as its workflow's search attribute says (no worker needed: set when
   * the case starts, kept by the case on a transfer); undefined for a case that has none yet.
   */
  careProvider(caseId: string): Promise<string | undefined>;
  /** Whether Temporal knows the case's workflow, and whether it still runs (no worker needed). */
  runState(caseId: string): Promise<'running' | 'closed' | 'unknown'>;
}

/** How long a look at a case may take before the API goes on without it. */
const PEEK_MS = 2_000;

export interface TemporalCaseWorkflowsOptions {
  temporal: Client;
  taskQueue: string;
  /** How long a call may wait for a worker before the API gives up with worker_unavailable. */
  workerWaitMs: number;
  /** History events after which the cases it starts continue as new; unset: the workflow's default. */
  historyLimit?: number | undefined;
}

export function temporalCaseWorkflows({ temporal, taskQueue, workerWaitMs, historyLimit }: TemporalCaseWorkflowsOptions): CaseWorkflows {
  const handle = (caseId: string) => temporal.workflow.getHandle(caseWorkflowId(caseId));
  /** Runs a call that needs a worker; after workerWaitMs the call is cancelled (it may still take effect later). */
  const withWorker = async <T>(caseId: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await temporal.withDeadline(Date.now() + workerWaitMs, call);
    } catch (err) {
      if (!isWorkerUnavailable(err)) return fromTemporalError(err, caseId);
      throw new AppError(
        'worker_unavailable',
        `No case worker answered within ${workerWaitMs / 1000} s. The request may still be applied when a worker runs: retry it with the same Idempotency-Key to learn the outcome.`,
      );
    }
  };
  /** A look at a case if a worker answers within PEEK_MS, else undefined; case_not_found for an unknown case. */
  const atOnce = <T>(caseId: string, look: () => Promise<T>): Promise<T | undefined> =>
    temporal.withDeadline(Date.now() + PEEK_MS, look).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return fromTemporalError(err, caseId);
      return undefined;
    });
  return {
    async start(input) {
      await temporal.workflow
        .start(CASE_WORKFLOW_TYPE, {
          workflowId: caseWorkflowId(input.open.caseId),
          taskQueue,
          args: [historyLimit === undefined ? input : { ...input, historyLimit }],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // So that the case's scope is known before its first workflow task (careProvider below).
          typedSearchAttributes: [{ key: CARE_PROVIDER, value: input.open.careProviderId }],
        })
        .catch((err: unknown) => fromTemporalError(err, input.open.caseId));
    },
    view: (caseId) => withWorker(caseId, () => handle(caseId).query(caseViewQuery)),
    policy: (caseId, profileId) => withWorker(caseId, () => handle(caseId).query(casePolicyQuery, profileId)),
    peek: (caseId) => atOnce(caseId, () => handle(caseId).query(caseViewQuery)),
    lookAtDecision: (caseId, signalId) =>
      atOnce(caseId, async () => {
        try {
          return await handle(caseId).query(caseDecisionQuery, signalId);
        } catch (err) {
          // A worker from before the query (a rolling upgrade): the full view says as much.
          if (err instanceof QueryNotRegisteredError) return decisionLookOf(await handle(caseId).query(caseViewQuery), signalId);
          throw err;
        }
      }),
    send: (caseId, event, idempotency) =>
      withWorker(caseId, async () =>
        moveOf(
          idempotency
            ? await handle(caseId).executeUpdate(caseCommandOnceUpdate, {
                args: [{ key: idempotency.key, fingerprint: idempotency.fingerprint, command: event }],
                updateId: keyedUpdateId(idempotency.key, idempotency.fingerprint),
              })
            : await handle(caseId).executeUpdate(caseCommandUpdate, { args: [event] }),
        ),
      ),
    reassign: (caseId, change) => withWorker(caseId, () => handle(caseId).executeUpdate(reassignCaseUpdate, { args: [change] })),
    async signalDecision(caseId, signal) {
      await handle(caseId)
        .signal(releaseDecisionSignal, signal)
        .catch((err: unknown) => fromTemporalError(err, caseId));
    },
    async acknowledge(caseId, ack) {
      try {
        return await temporal.withDeadline(Date.now() + workerWaitMs, () =>
          handle(caseId).executeUpdate(acknowledgeAlertUpdate, { args: [ack] }),
        );
      } catch (err) {
        const failure = updateFailure(err);
        if (failure?.type === CaseFailure.TRANSITION_REFUSED) throw new AppError('ack_refused', failure.message);
        return fromTemporalError(err, caseId);
      }
    },
    careProvider: (caseId) =>
      handle(caseId)
        .describe()
        .then((description) => description.typedSearchAttributes.get(CARE_PROVIDER))
        .catch((err: unknown) => fromTemporalError(err, caseId)),
    runState: (caseId) =>
      handle(caseId)
        .describe()
        .then((description) => (description.status.name === 'RUNNING' ? 'running' : 'closed'))
        // As before: whatever keeps Temporal from describing the case, the API cannot show it exists.
        .catch(() => 'unknown' as const),
  };
}
