import { z } from 'zod';

/** Who acts on a case. `system` is Reunify itself (timers, automatic steps). */
export const RoleSchema = z.enum(['case_manager', 'case_coordinator', 'orr_reviewer', 'supervisor', 'admin', 'system']);
export type Role = z.infer<typeof RoleSchema>;

export const ActorSchema = z
  .strictObject({
    id: z.string().trim().min(1).max(128).describe('Stable id of the person or service acting'),
    role: RoleSchema,
  })
  .describe('Who sends the event');
export type Actor = z.infer<typeof ActorSchema>;
