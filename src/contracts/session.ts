import { z } from 'zod';

import { RoleSchema } from './roles';

/** Roles people hold; `system` is Reunify itself and never comes in a token. */
export const PersonRoleSchema = RoleSchema.exclude(['system']);
export type PersonRole = z.infer<typeof PersonRoleSchema>;

/** Who the bearer token says the caller is (GET /session). */
export const SessionSchema = z.object({
  id: z.string().describe("The token's subject"),
  role: PersonRoleSchema,
  careProviderId: z.string().nullable().describe('The care provider the caller is scoped to, if any'),
});
export type Session = z.infer<typeof SessionSchema>;

/** How to sign in to this server (GET /auth/config, public). */
export const AuthConfigSchema = z.object({
  devSignIn: z.boolean().describe('Whether POST /auth/dev-token exists (embedded default only)'),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;

/** The development sign-in's request: who the local token is for. */
export const DevTokenRequestSchema = z.strictObject({
  role: PersonRoleSchema,
  sub: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@-]{1,128}$/, 'must be 1-128 letters, digits, ".", "_", "@" or "-"'),
  careProviderId: z.string().trim().min(1).max(64).optional(),
});
export type DevTokenRequest = z.infer<typeof DevTokenRequestSchema>;

export const DevTokenSchema = z.object({ token: z.string(), expiresIn: z.string() });
