import { z } from 'zod';

import { SimulationResultSchema } from '../simulation/engine/result';
import { SimulationRequestSchema } from '../simulation/engine/scenario';

/**
 * POST /simulations, the what-if simulator over HTTP: the engine's own scenario and result schemas
 * (pure zod, in src/simulation/engine) with what the route adds. Shared with the web application.
 */

export const SimulationBodySchema = SimulationRequestSchema.extend({
  charts: z.boolean().default(false).describe('Also return the SVG charts (children in care, alerts, length of care, caseload)'),
  fitFromDatabase: z
    .boolean()
    .default(false)
    .describe("Replace the scenario's durations with those fitted from the read model's transitions"),
});

const FitSummarySchema = z.object({ cases: z.number(), samples: z.record(z.string(), z.number()) });

export const SimulationResponseSchema = SimulationResultSchema.extend({
  charts: z.record(z.string(), z.string()).optional().describe('SVG documents by file name'),
  fit: FitSummarySchema.optional().describe('Visits measured per stage, when durations were fitted from the read model'),
});
