import { patched, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';

import { formatIssues } from '../contracts/issues';
import type { CarriedCase } from './case-state';

/**
 * Issue 15: a case continues as new once its history passes a limit, carrying its state, so that a
 * case that lives for months (repeats, acknowledgements, targets broadcasts) keeps a bounded
 * history. Never rename it.
 */
export const CONTINUE_AS_NEW_PATCH = 'i15-continue-as-new';

/**
 * Events in one run before the case continues as new: well under Temporal's warning (10,240
 * events) and limit (51,200), and above what a whole lifecycle takes (about 11 events per
 * transition), so that most cases never need it.
 */
export const DEFAULT_HISTORY_LIMIT = 2_000;

/** The lowest limit a case takes (tests and the fault suite use it to make short cases roll over). */
export const MIN_HISTORY_LIMIT = 40;

/** The workflow's own checks of what it carried over; the parts are its own types, checked by shape. */
const CarriedCaseSchema = z.looseObject({
  rules: z.union([z.literal(1), z.literal(2)]),
  snapshot: z.looseObject({
    value: z.union([z.string(), z.record(z.string(), z.unknown())]),
    context: z.looseObject({ caseId: z.string() }),
  }),
  targets: z.looseObject({ version: z.int().min(0), targets: z.looseObject({}) }),
  transitions: z.array(z.looseObject({ seq: z.int().min(0), event: z.string() })).min(1),
  refusedSignals: z.array(z.looseObject({})),
  alerts: z.looseObject({
    fired: z.array(z.string()),
    open: z.array(z.looseObject({ id: z.string() })),
    acknowledged: z.array(z.tuple([z.string(), z.array(z.string())])),
    acknowledgements: z.array(z.looseObject({ alertId: z.string() })),
    nextAt: z.number().nullable(),
  }),
  keyed: z.array(z.tuple([z.string(), z.looseObject({ fingerprint: z.string() })])),
  ageOutStuck: z.boolean(),
  assigneeId: z.string().nullable(),
  assignments: z.array(z.looseObject({})),
  projections: z.int().min(0),
  projectedDeadlines: z.string().nullable(),
});

/**
 * The state a case's previous run carried over, checked. A malformed one is a defect of the code
 * that carried or reads it, not of the case: the workflow task fails and is retried, so that the
 * case waits for a fixed worker instead of failing for good.
 */
export function parseCarried(carried: unknown): CarriedCase {
  const parsed = CarriedCaseSchema.safeParse(carried);
  if (parsed.success) return parsed.data as unknown as CarriedCase;
  throw new Error(`Invalid state carried over from the case's previous run: ${formatIssues(parsed.error)}`);
}

/**
 * Whether this run's history has grown past the limit (or the server suggests continuing) and the
 * case runs code that continues as new. Asks the patch once the history is long, so that a
 * recorded history that grew long under older code replays as it ran.
 */
export class HistoryBound {
  private rollsOver: boolean | undefined;

  private readonly limit: number;

  /** A limit below what a new run starts with would roll over at every quiet moment: at least MIN_HISTORY_LIMIT. */
  constructor(limit: number) {
    this.limit = Math.max(limit, MIN_HISTORY_LIMIT);
  }

  get due(): boolean {
    if (this.rollsOver !== undefined) return this.rollsOver;
    const info = workflowInfo();
    if (info.historyLength < this.limit && !info.continueAsNewSuggested) return false;
    const rollsOver = patched(CONTINUE_AS_NEW_PATCH);
    // A replayed task that grew long under older code answers false; the first live task after
    // it answers true (and records the marker), so that such a case too rolls over from then on.
    if (rollsOver || !info.unsafe.isReplaying) this.rollsOver = rollsOver;
    return rollsOver;
  }
}
