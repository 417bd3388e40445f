import { z } from 'zod';

/**
 * The public, stable status of a case, shared by the API, the read model and the workflow.
 * Machine states map onto it (src/machines/case-status.ts); renaming a state never renames one.
 */
export const CaseStatusSchema = z.enum([
  'intake',
  'sponsor_identification',
  'vetting',
  'home_study',
  'release_decision',
  'release_approved',
  'released',
]);
export type CaseStatus = z.infer<typeof CaseStatusSchema>;
