import { z } from 'zod';

import { POLICY_PROFILES } from '../domain/policy';
import { CheckSchema, HouseholdRoleSchema } from './case-events';
import { CheckStatusSchema } from './case-view';

const PROFILE_IDS = POLICY_PROFILES.map((p) => p.id) as [string, ...string[]];

/** GET /cases/:id/policy's query: the profile to evaluate the case under. */
export const CasePolicyQuerySchema = z.strictObject({
  profile: z
    .enum(PROFILE_IDS)
    .optional()
    .describe("A policy profile's id (see docs/statechart.md); default: the case's own, or before a sponsor the one in force now"),
});

/** What would keep the child from being released under a profile, as the case stands. */
export const ReleaseBlockerSchema = z.object({
  code: z.enum(['no_sponsor', 'check_pending', 'check_expired', 'flag_undecided', 'home_study_outstanding', 'child_is_adult']),
  message: z.string(),
  personId: z.string().optional(),
  check: CheckSchema.optional(),
});

/**
 * A case evaluated under a policy profile, as it stands, without changing it: which checks the
 * profile requires of whom, its home-study triggers, whether the path would be expedited, and what
 * would block the release.
 */
export const PolicyEvaluationSchema = z.object({
  profile: z.object({
    id: z.string(),
    title: z.string(),
    effectiveFrom: z.string(),
    source: z.string(),
    notes: z.array(z.string()).describe('What else the profile changed that Reunify does not hold as rules'),
    unsure: z.array(z.string()).describe('Where the research notes are unsure of what the profile holds'),
  }),
  caseProfile: z.string().nullable().describe('The profile the case itself runs on: in force when its sponsor was identified'),
  evaluatedAt: z.string(),
  sponsorId: z.string().nullable(),
  expedited: z.boolean().describe('Whether the expedited Category 1 path would apply'),
  homeStudy: z.object({
    triggers: z.array(z.string()).describe('Mandatory home-study triggers under the profile'),
    mandatory: z.boolean(),
    done: z.boolean(),
  }),
  people: z.array(
    z.object({
      personId: z.string(),
      role: z.union([z.literal('sponsor'), HouseholdRoleSchema]),
      checks: z.array(z.object({ check: CheckSchema, required: z.boolean(), status: CheckStatusSchema })),
    }),
  ),
  blocksRelease: z.array(ReleaseBlockerSchema).describe('Empty: nothing in the policy stands between the case and a release'),
});
export type PolicyEvaluation = z.infer<typeof PolicyEvaluationSchema>;
export type ReleaseBlocker = z.infer<typeof ReleaseBlockerSchema>;
