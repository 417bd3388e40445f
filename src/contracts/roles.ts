import { z } from 'zod';

/**
 * Who acts on a case. `system` is Reunify itself (timers, automatic steps). `appeal_reviewer` is
 * the ACF Assistant Secretary's neutral and detached designee who decides appeals of denials
 * (45 CFR 410.1206): not the ORR reviewer, whose decision is the one appealed.
 */
export const RoleSchema = z.enum(['case_manager', 'case_coordinator', 'orr_reviewer', 'appeal_reviewer', 'supervisor', 'admin', 'system']);
export type Role = z.infer<typeof RoleSchema>;

export const ActorSchema = z
  .strictObject({
    id: z.string().trim().min(1).max(128).describe('Stable id of the person or service acting'),
    role: RoleSchema,
  })
  .describe('Who sends the event');
export type Actor = z.infer<typeof ActorSchema>;
