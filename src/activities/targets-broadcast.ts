import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

import { CASE_WORKFLOW_TYPE, targetsChangedSignal } from '../contracts/messages';
import { CARE_PROVIDER, CASE_STATUS, SPONSOR_CATEGORY } from '../contracts/search-attributes';
import type { VersionedTargets } from '../contracts/targets';
import type { MovedCases } from '../domain/targets-change';
import { casesMovedBy } from '../domain/targets-change';

const RUNNING_CASES = `WorkflowType = '${CASE_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`;

/** The visibility query for the running cases a change moves, by their search attributes; null when none or all. */
export function movedCasesQuery(moved: MovedCases): string | null {
  if (moved === 'all') return null;
  const inList = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');
  const clauses = [
    ...(moved.statuses.length > 0 ? [`${CASE_STATUS.name} IN (${inList(moved.statuses)})`] : []),
    ...(moved.categories.length > 0 ? [`${SPONSOR_CATEGORY.name} IN (${inList(moved.categories)})`] : []),
  ];
  return clauses.length > 0 ? `${RUNNING_CASES} AND (${clauses.join(' OR ')})` : null;
}

/**
 * Tells every open case about new targets, those whose deadlines the change moves first (found by
 * their search attributes), then all the others, so that at 10,000 open cases the cases it matters
 * to hear first. Cases ignore a version they already have; a case too new to carry its attributes
 * yet is reached by the second pass, and one that starts after it catches up at its first write.
 */
export async function signalOpenCases(
  temporal: Client | undefined,
  targets: VersionedTargets,
  previous?: VersionedTargets,
): Promise<{ signalled: number; movedFirst: number; byCareProvider: Record<string, number> }> {
  if (!temporal) throw ApplicationFailure.create({ message: 'No Temporal client given to the activities', nonRetryable: true });
  const signalled = new Set<string>();
  const byCareProvider: Record<string, number> = {};
  const signalAll = async (query: string): Promise<void> => {
    for await (const execution of temporal.workflow.list({ query })) {
      if (signalled.has(execution.workflowId)) continue;
      await temporal.workflow
        .getHandle(execution.workflowId)
        .signal(targetsChangedSignal, targets)
        .catch((err: unknown) => {
          // A case that closed since it was listed needs no targets.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
      signalled.add(execution.workflowId);
      const provider = execution.typedSearchAttributes.get(CARE_PROVIDER) ?? 'unknown';
      byCareProvider[provider] = (byCareProvider[provider] ?? 0) + 1;
      if (signalled.size % 100 === 0) Context.current().heartbeat({ signalled: signalled.size });
    }
  };
  const moved = movedCasesQuery(previous ? casesMovedBy(previous.targets, targets.targets) : 'all');
  // The first pass only orders the work: if it fails (a server whose visibility cannot query the
  // attributes), the second reaches every case all the same.
  if (moved) await signalAll(moved).catch(() => undefined);
  const movedFirst = signalled.size;
  await signalAll(RUNNING_CASES);
  return { signalled: signalled.size, movedFirst, byCareProvider };
}
