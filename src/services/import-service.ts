import { randomUUID } from 'node:crypto';

import type { Principal } from '../auth/tokens';
import type { AlertDelivery } from '../contracts/alerts';
import type { ImportCase, ImportRefusal, ImportRequest, ImportResult } from '../contracts/imports';
import { ImportRequestSchema } from '../contracts/imports';
import type { VersionedTargets } from '../contracts/targets';
import type { ImportedCaseRow } from '../db/imports';
import type { Replayed } from '../machines/case-history';
import { replayHistory } from '../machines/case-history';
import { toCaseStatus } from '../machines/case-status';
import type { CaseWorkflows } from './case-workflows';
import { AppError } from './errors';

/**
 * Brings in the cases of the system Reunify replaces. Every case's history is run through the
 * statechart first; one impossible history, or an id already used, refuses the whole batch with
 * every reason, and nothing is written. Then the closed cases go into the read model in one
 * transaction, and each open case starts its workflow from its history (each whole or not at all).
 */
export interface ImportService {
  importCases(principal: Principal, request: ImportRequest): Promise<ImportResult>;
}

export interface ImportServiceDeps {
  workflows: Pick<CaseWorkflows, 'start'>;
  existingCaseIds(caseIds: readonly string[]): Promise<Set<string>>;
  writeClosedCases(cases: readonly ImportedCaseRow[], importedAt: Date): Promise<void>;
  currentTargets(): Promise<VersionedTargets>;
  alertDelivery?: AlertDelivery;
  now?: () => number;
}

type Checked = { case: ImportCase; replay: Extract<Replayed, { ok: true }> };

export function createImportService(deps: ImportServiceDeps): ImportService {
  return {
    async importCases(principal, request) {
      if (principal.role !== 'admin') {
        throw new AppError('role_not_permitted', `Cases are imported by an admin, not by ${principal.role}.`);
      }
      const { cases } = ImportRequestSchema.parse(request);
      const requestId = `import-${randomUUID()}`;
      const checked = await check(deps, cases, requestId);
      const closed = checked.filter((c) => c.replay.snapshot.status === 'done');
      const open = checked.filter((c) => c.replay.snapshot.status !== 'done');
      if (closed.length > 0) await deps.writeClosedCases(closed.map(closedRow), new Date(deps.now?.() ?? Date.now()));
      const targets = open.length > 0 ? await deps.currentTargets() : undefined;
      for (const { case: c } of open) {
        await deps.workflows.start({
          open: { caseId: c.caseId, admittedAt: c.admittedAt, careProviderId: c.careProviderId, child: c.child, openedBy: c.openedBy },
          targets,
          alertDelivery: deps.alertDelivery,
          ...(c.assigneeId ? { assigneeId: c.assigneeId } : {}),
          history: c.events,
        });
      }
      return {
        imported: checked.length,
        cases: checked.map(({ case: c, replay }) => ({
          caseId: c.caseId,
          status: toCaseStatus(replay.snapshot),
          into: replay.snapshot.status === 'done' ? ('read_model' as const) : ('workflow' as const),
        })),
      };
    },
  };
}

/** Every case replayed and its id checked unused; throws every refusal at once. */
async function check(deps: ImportServiceDeps, cases: readonly ImportCase[], requestId: string): Promise<Checked[]> {
  const now = deps.now?.() ?? Date.now();
  const existing = await deps.existingCaseIds(cases.map((c) => c.caseId));
  const refusals: ImportRefusal[] = [];
  const checked: Checked[] = [];
  for (const c of cases) {
    if (existing.has(c.caseId)) {
      refusals.push({
        caseId: c.caseId,
        index: null,
        event: null,
        at: null,
        code: 'case_exists',
        message: `A case with id ${c.caseId} already exists; case ids are never reused.`,
      });
      continue;
    }
    const replay = replayHistory(c, c.events, now, requestId);
    if (replay.ok) checked.push({ case: c, replay });
    else {
      const event = c.events[replay.index]!;
      const { code, message } = replay.refusal;
      refusals.push({ caseId: c.caseId, index: replay.index, event: event.event.type, at: event.at, code, message });
    }
  }
  if (refusals.length > 0) {
    const first = refusals[0]!;
    const where = first.index === null ? '' : ` (events[${first.index}], ${first.event} at ${first.at})`;
    throw new AppError(
      'history_refused',
      `${refusals.length} of ${cases.length} cases refused, so nothing was imported. First: ${first.caseId}${where}: ${first.message}`,
      { refusals },
    );
  }
  return checked;
}

function closedRow({ case: c, replay }: Checked): ImportedCaseRow {
  const { context } = replay.snapshot;
  return {
    caseId: c.caseId,
    careProviderId: context.careProviderId,
    sponsorCategory: context.sponsor?.category ?? null,
    policyProfile: replay.lastPolicyProfile,
    admittedAt: c.admittedAt,
    releasedAt: context.releasedAt,
    dischargedAt: context.releasedAt ?? (context.closure !== 'released' ? context.closedAt : null),
    assigneeId: c.assigneeId ?? (c.openedBy.role === 'case_manager' ? c.openedBy.id : null),
    transitions: replay.transitions,
  };
}
