import type { CaseTransition } from '../../../src/contracts/case-view';
import type { CaseSummary } from '../../../src/contracts/read-model';
import type { Targets } from '../../../src/contracts/targets';

/**
 * The reviewer inbox's order: by when each decision is due. A case's due time is when it entered
 * its stage (from its transitions) plus the stage's target in the targets in force (GET /targets).
 */

export interface InboxItem {
  summary: CaseSummary;
  /** When the case entered the stage; null until its transitions have loaded. */
  enteredAt: string | null;
  /** null when no target covers the stage, or the entry is not known yet. */
  dueAt: string | null;
  targetDays: number | null;
}

export function stageTargetDays(targets: Targets, status: string): number | null {
  return targets.stages.find((stage) => stage.from === 'stage_entry' && stage.statuses.some((s) => s === status))?.days ?? null;
}

/** The time of the latest transition into the stage the case is in. */
export function enteredStageAt(transitions: readonly CaseTransition[], status: string): string | null {
  const entry = transitions.findLast((t) => t.toStatus === status && t.fromStatus !== status);
  return entry?.at ?? null;
}

/** Each case with its due time, soonest (most overdue) first; cases with no known due time last, by case id. */
export function inboxOrder(cases: readonly CaseSummary[], targets: Targets, enteredAt: (caseId: string) => string | null): InboxItem[] {
  return cases
    .map((summary) => {
      const days = stageTargetDays(targets, summary.status);
      const entered = enteredAt(summary.caseId);
      const dueAt = days === null || entered === null ? null : new Date(new Date(entered).getTime() + days * 86_400_000).toISOString();
      return { summary, enteredAt: entered, dueAt, targetDays: days };
    })
    .sort((a, b) => {
      if (a.dueAt && b.dueAt) return a.dueAt.localeCompare(b.dueAt) || a.summary.caseId.localeCompare(b.summary.caseId);
      if (a.dueAt || b.dueAt) return a.dueAt ? -1 : 1;
      return a.summary.caseId.localeCompare(b.summary.caseId);
    });
}
