import { z } from 'zod';

/**
 * The public, stable status of a case, shared by the API, the read model and the workflow.
 * Machine states map onto it (src/machines/case-status.ts); renaming a state never renames one.
 */
export const CaseStatusSchema = z.enum([
  'intake',
  'sponsor_identification',
  'no_viable_sponsor',
  'application',
  'vetting',
  'home_study',
  'recommendation',
  'third_party_review',
  'release_decision',
  'release_approved',
  'released',
  'closed',
]);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;
