import { z } from 'zod';

import { AlertRuleSchema } from './alerts';

/**
 * A case's deadlines as people read them: each target that applies to the case now, when it warns
 * and when it is due. Where the case stands against a deadline depends on the time it is asked:
 * on track before the warning, at risk from the warning, breached from the due time.
 */
export const DeadlineLevelSchema = z.enum(['on_track', 'at_risk', 'breached']);
export type DeadlineLevel = z.infer<typeof DeadlineLevelSchema>;

export const DeadlineSchema = z.object({
  key: z.string().describe('The target instance, as in alert ids (e.g. length_of_stay, stage.vetting.4)'),
  rule: AlertRuleSchema,
  label: z.string().describe('What is due, for people (e.g. "Length of stay, Category 1")'),
  target: z.string().describe('The target in words (e.g. "10 days from admission")'),
  warnAt: z.string().nullable().describe('When the warning falls due: from then the deadline is at risk (null: no warning)'),
  dueAt: z.string().describe('When the target is missed: from then the deadline is breached'),
});
export type Deadline = z.infer<typeof DeadlineSchema>;

export const DeadlineStatusSchema = DeadlineSchema.extend({
  level: DeadlineLevelSchema,
  remainingSeconds: z.int().describe('Seconds until dueAt when asked; negative once breached'),
});
export type DeadlineStatus = z.infer<typeof DeadlineStatusSchema>;

/**
 * What the read model keeps of a case's deadlines, so that lists sort and filter on them: the
 * earliest due time and the earliest warning among the targets that apply. The worst level at any
 * moment follows from the two (breached once the earliest due time has passed, at risk once the
 * earliest warning has), so it never goes stale between the case's writes.
 */
export const DeadlineSummarySchema = z.object({
  nextDeadlineAt: z.string().nullable(),
  nextDeadlineLabel: z.string().nullable(),
  atRiskAt: z.string().nullable(),
});
export type DeadlineSummary = z.infer<typeof DeadlineSummarySchema>;
