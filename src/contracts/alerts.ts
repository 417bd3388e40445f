import { z } from 'zod';

import { SponsorCategorySchema } from './case-events';
import { ActorSchema } from './roles';

export const AlertLevelSchema = z.enum(['supervisor', 'program_lead']);
export type AlertLevel = z.infer<typeof AlertLevelSchema>;
export const ALERT_LEVELS = AlertLevelSchema.options;

/** The targets' rules, and read_model: a case the read model refused for good (an alert to admins, not a deadline). */
export const AlertRuleSchema = z.enum([
  'length_of_stay',
  'stage',
  'age_out',
  'follow_up',
  'result_expiry',
  'appeal_acknowledgement',
  'fingerprint_appointment',
  'read_model',
]);
export type AlertRule = z.infer<typeof AlertRuleSchema>;

export const AlertKindSchema = z.enum(['warning', 'escalation']);

/** One fired alert. Its id is deterministic (case, target, step), so a replay or retry cannot make a second. */
export const AlertSchema = z.object({
  id: z.string().describe('caseId:chain:step, e.g. UC-1:length_of_stay:escalation-0'),
  caseId: z.string(),
  careProviderId: z.string(),
  sponsorCategory: SponsorCategorySchema.nullable(),
  rule: AlertRuleSchema,
  chain: z.string().describe('The target instance: rule, and for a stage its name and entry'),
  kind: AlertKindSchema,
  /** 0 for the first escalation, then each repeat. */
  repeat: z.int().min(0),
  level: AlertLevelSchema,
  dueAt: z.string().describe('When the rule said to alert'),
  firedAt: z.string().describe('When the case fired it (late only if no worker ran)'),
  message: z.string(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** An acknowledgement, sent to the case (a Workflow Update) so that repeats at that level stop. */
export const AcknowledgeAlertSchema = z.strictObject({
  alertId: z.string().min(1).max(300),
  actor: ActorSchema,
  note: z.string().trim().max(2000).optional(),
});
export type AcknowledgeAlert = z.infer<typeof AcknowledgeAlertSchema>;

export const AlertAckSchema = z.object({ alertId: z.string(), actor: ActorSchema, at: z.string(), note: z.string().nullable() });
export type AlertAck = z.infer<typeof AlertAckSchema>;

/** What a case hands to the read model about its alerts: newly fired, resolved (the case moved on), acknowledged. */
export interface AlertRecord {
  fired: Alert[];
  resolved: { alertId: string; at: string }[];
  acknowledged: AlertAck[];
}

/** How the case delivers alerts to the webhook (fixed when the case starts, from configuration). */
export const AlertDeliverySchema = z.strictObject({
  webhookMaxAttempts: z.int().min(1).max(100),
  webhookInitialIntervalMs: z.int().min(10).max(600_000),
});
export type AlertDelivery = z.infer<typeof AlertDeliverySchema>;
export const DEFAULT_ALERT_DELIVERY: AlertDelivery = { webhookMaxAttempts: 10, webhookInitialIntervalMs: 1000 };
