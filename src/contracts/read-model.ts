import { z } from 'zod';

import { AlertLevelSchema, AlertRuleSchema } from './alerts';
import { CaseStatusSchema } from './case-status';

/** What the read model answers: cases and alerts as lists show them, a page at a time. */

export const CaseSummarySchema = z.object({
  caseId: z.string(),
  status: CaseStatusSchema,
  careProviderId: z.string(),
  sponsorCategory: z.string().nullable(),
  admittedAt: z.string(),
  releasedAt: z.string().nullable(),
  daysInCare: z.number().describe('From admission to release, or to now while in care'),
  updatedAt: z.string(),
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

export const CaseListSchema = pageOf(CaseSummarySchema);
export const AlertListSchema = pageOf(AlertViewSchema);

/** The data of each live alert event (GET /alerts/stream): when it happened and the alert as it stands after it. */
export const AlertStreamDataSchema = z.object({ at: z.string(), alert: AlertViewSchema });
export const ALERT_STREAM_EVENTS = ['alert.fired', 'alert.acknowledged', 'alert.resolved'] as const;
