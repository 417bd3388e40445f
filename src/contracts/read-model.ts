import { z } from 'zod';

import { AlertLevelSchema, AlertRuleSchema } from './alerts';
import { CaseStatusSchema } from './case-status';
import { DeadlineLevelSchema } from './deadlines';

/** What the read model answers: cases and alerts as lists show them, a page at a time. */

export const CaseSummarySchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  careProviderId: z.string(),
  sponsorCategory: z.string().nullable(),
  admittedAt: z.string(),
  releasedAt: z.string().nullable(),
  daysInCare: z.number().describe('From admission to discharge (release, age-out, departure), or to asOf while in care; one decimal'),
  updatedAt: z.string(),
  assigneeId: z.string().nullable().describe('The case manager the case is assigned to'),
  policyProfile: z.string().nullable(),
  dischargedAt: z.string().nullable().describe('When the child left ORR care: release, age-out or departure'),
  nextDeadline: z
    .object({ at: z.string(), label: z.string().nullable() })
    .nullable()
    .describe('The earliest due time among the deadlines that apply (past once breached); null when none'),
  level: DeadlineLevelSchema.nullable().describe("The worst of the case's deadlines at asOf; null when none applies"),
});
export type CaseSummary = z.infer<typeof CaseSummarySchema>;

export const AlertViewSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  careProviderId: z.string(),
  sponsorCategory: z.string().nullable(),
  rule: AlertRuleSchema,
  chain: z.string(),
  kind: z.string(),
  repeat: z.number(),
  level: AlertLevelSchema,
  message: z.string(),
  dueAt: z.string(),
  firedAt: z.string(),
  acknowledged: z.object({ at: z.string(), by: z.object({ id: z.string(), role: z.string() }), note: z.string().nullable() }).nullable(),
  resolvedAt: z.string().nullable().describe('When the case moved on (stage left, child released or case closed)'),
});
export type AlertView = z.infer<typeof AlertViewSchema>;

/** One page of a list and the cursor of the next (null on the last page). */
export const pageOf = <Item extends z.ZodType>(item: Item) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export interface Page<Item> {
  items: Item[];
  nextCursor: string | null;
}

export const CaseListSchema = pageOf(CaseSummarySchema).extend({
  asOf: z.string().describe('The instant days in care and levels are measured at: kept by the cursor across pages'),
});
export type CaseList = z.infer<typeof CaseListSchema>;

export const CASE_SORTS = ['admission', 'least_time_left', 'days_in_care'] as const;
export const CaseSortSchema = z.enum(CASE_SORTS);
export type CaseSort = z.infer<typeof CaseSortSchema>;
export const AlertListSchema = pageOf(AlertViewSchema);

/** The data of each live alert event (GET /alerts/stream): when it happened and the alert as it stands after it. */
export const AlertStreamDataSchema = z.object({ at: z.string(), alert: AlertViewSchema });
export const ALERT_STREAM_EVENTS = ['alert.fired', 'alert.acknowledged', 'alert.resolved'] as const;
