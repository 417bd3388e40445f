import { ApplicationFailure, patched, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';

import { CaseFailure } from '../contracts/failures';
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
  alerts: z.looseObject({ fired: z.array(z.string()), open: z.array(z.looseObject({ id: z.string() })), nextAt: z.number().nullable() }),
  keyed: z.array(z.tuple([z.string(), z.looseObject({ fingerprint: z.string() })])),
  ageOutStuck: z.boolean(),
  assigneeId: z.string().nullable(),
  assignments: z.array(z.looseObject({})),
  projections: z.int().min(0),
  projectedDeadlines: z.string().nullable(),
});

/** The state a case's previous run carried over, checked; a malformed one fails the run for good rather than guess. */
export function parseCarried(carried: unknown): CarriedCase {
  const parsed = CarriedCaseSchema.safeParse(carried);
  if (parsed.success) return parsed.data as unknown as CarriedCase;
  throw ApplicationFailure.create({
    type: CaseFailure.INVALID_PAYLOAD,
    message: `Invalid state carried over from the case's previous run: ${formatIssues(parsed.error)}`,
    nonRetryable: true,
  });
}

/**
 * Whether this run's history has grown past the limit (or the server suggests continuing) and the
 * case runs code that continues as new. Asks the patch once the history is long, so that a
 * recorded history that grew long under older code replays as it ran.
 */
export class HistoryBound {
  private rollsOver: boolean | undefined;

  constructor(private readonly limit: number) {}

  get due(): boolean {
    if (this.rollsOver !== undefined) return this.rollsOver;
    const info = workflowInfo();
    if (info.historyLength < this.limit && !info.continueAsNewSuggested) return false;
    this.rollsOver = patched(CONTINUE_AS_NEW_PATCH);
    return this.rollsOver;
  }
}
