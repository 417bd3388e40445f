import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';

import { appendAudit, readAudit } from '../audit/chain';
import type { AlertDelivery } from '../contracts/alerts';
import { BROADCAST_TARGETS_WORKFLOW_TYPE } from '../contracts/messages';
import type { VersionedTargets } from '../contracts/targets';
import { sqlAnalytics } from '../db/analytics';
import type { PrismaClient } from '../db/generated/client';
import { existingCaseIds, writeImportedCases } from '../db/imports';
import { prismaReadModel } from '../db/queries';
import { currentTargets, saveTargets } from '../targets/store';
import type { AlertService } from './alert-service';
import { createAlertService } from './alert-service';
import type { AnalyticsService } from './analytics-service';
import { createAnalyticsService } from './analytics-service';
import type { BulkService } from './bulk-service';
import { createBulkService } from './bulk-service';
import type { CaseService, ServiceLog } from './case-service';
import { createCaseService } from './case-service';
import { temporalCaseWorkflows } from './case-workflows';
import type { ImportService } from './import-service';
import { createImportService } from './import-service';
import type { TargetsService } from './targets-service';
import { createTargetsService } from './targets-service';

/** Everything the routes call. buildApp makes them from the process's connections; tests may pass fakes. */
export interface AppServices {
  cases: CaseService;
  alerts: AlertService;
  targets: TargetsService;
  analytics: AnalyticsService;
  bulk: BulkService;
  imports: ImportService;
}

export interface ServiceConnections {
  temporal: Client;
  prisma: PrismaClient;
  taskQueue: string;
  /** How long POST /decision waits to see a signalled decision applied before answering 202. */
  decisionWaitMs?: number;
  /** How long a call may wait for a case's worker before the API gives up with 503. */
  workerWaitMs?: number;
  /** How new cases deliver alerts to the webhook (from configuration). */
  alertDelivery?: AlertDelivery;
  /** History events after which new cases continue as new (from configuration; the workflow's default when unset). */
  caseHistoryLimit?: number;
}

export function createServices(connections: ServiceConnections, log: ServiceLog): AppServices {
  const { temporal, prisma, taskQueue, decisionWaitMs = 2_000, workerWaitMs = 15_000 } = connections;
  const workflows = temporalCaseWorkflows({ temporal, taskQueue, workerWaitMs, historyLimit: connections.caseHistoryLimit });
  const readModel = prismaReadModel(prisma);
  const cases = createCaseService({
    workflows,
    readModel,
    audit: { append: (caseId, records) => appendAudit(prisma, caseId, records), read: (caseId) => readAudit(prisma, caseId) },
    currentTargets: () => currentTargets(prisma),
    alertDelivery: connections.alertDelivery,
    decisionWaitMs,
    log,
  });
  const alerts = createAlertService({ workflows, readModel });
  return {
    cases,
    alerts,
    bulk: createBulkService({ cases, alerts }),
    imports: createImportService({
      workflows,
      existingCaseIds: (ids) => existingCaseIds(prisma, ids),
      writeClosedCases: (rows, at) => writeImportedCases(prisma, rows, at),
      currentTargets: () => currentTargets(prisma),
      alertDelivery: connections.alertDelivery,
    }),
    targets: createTargetsService({
      current: () => currentTargets(prisma),
      save: (change) => saveTargets(prisma, change),
      broadcast: (saved, previous) => startTargetsBroadcast(temporal, taskQueue, saved, previous),
    }),
    analytics: createAnalyticsService({ analytics: sqlAnalytics(prisma) }),
  };
}

/** Starts the workflow that signals a saved targets version to every open case; its id is the version's. */
async function startTargetsBroadcast(
  temporal: Client,
  taskQueue: string,
  saved: VersionedTargets,
  previous: VersionedTargets,
): Promise<string> {
  const workflowId = `targets-v${saved.version}`;
  await temporal.workflow
    .start(BROADCAST_TARGETS_WORKFLOW_TYPE, { workflowId, taskQueue, args: [saved, previous] })
    .catch((err: unknown) => {
      // A retry after a crash between the save and the start: the broadcast runs already.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    });
  return workflowId;
}
