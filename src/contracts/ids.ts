import { z } from 'zod';

/**
 * A case id is opaque: it must not carry a child's name or any other personal data, because it
 * is also the Temporal workflow id, which the server stores and shows in the clear.
 */
export const CaseIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'must be 3-64 characters: letters, digits, "-" or "_", starting with a letter or digit')
  .describe('Opaque case id chosen by the care provider; never a name or other personal data');

export type CaseId = z.infer<typeof CaseIdSchema>;

const WORKFLOW_ID_PREFIX = 'case-';

/** The Temporal workflow id of a case: one workflow per case, found by the case id alone. */
export function caseWorkflowId(caseId: CaseId): string {
  return `${WORKFLOW_ID_PREFIX}${caseId}`;
}
