import { z } from 'zod';

import { CaseEventTypeSchema } from './case-events';
import { CaseStatusSchema } from './case-status';

/** The body of every error the API answers: shared with the web application, which shows it to a person. */
export const ErrorSchema = z.object({
  error: z.string().describe('HTTP reason phrase'),
  code: z.string().describe('Machine-readable error code'),
  message: z.string().describe('What was wrong, for a person'),
  issues: z
    .array(z.object({ where: z.string(), path: z.string(), message: z.string() }))
    .optional()
    .describe('Each invalid field: where (body, params, querystring), its path, and why'),
});
export type ErrorBody = z.infer<typeof ErrorSchema>;

/** A refusal by the case's state: the reason, the status (unchanged) and what the caller may send now. */
export const RefusalBodySchema = ErrorSchema.extend({
  status: CaseStatusSchema.optional().describe('The case status, unchanged'),
  allowedEvents: z.array(CaseEventTypeSchema).describe("Events the sender's role may send now"),
});
export type RefusalBody = z.infer<typeof RefusalBodySchema>;

/** The code of a 404 for a path the server has no route for (as against a case or alert it does not know). */
export const ROUTE_NOT_FOUND = 'route_not_found';
