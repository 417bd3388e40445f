import { z } from 'zod';

import type { Rng } from './rng';

/**
 * Durations in days, as distributions a program office can state ("about 5 days, rarely more than
 * 12") or the fitter estimates from the read model. Mean and coefficient of variation (sd / mean)
 * rather than raw parameters, so that scaling a stage scales its mean and keeps its shape.
 */

const meanDays = z.number().positive().max(3650).describe('Mean, in days');
const cv = z.number().min(0).max(10).describe('Coefficient of variation: standard deviation / mean');

export const DistributionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lognormal'), mean: meanDays, cv }).describe('Right-skewed: most cases quick, a long tail'),
  z.strictObject({ kind: z.literal('gamma'), mean: meanDays, cv }),
  z.strictObject({ kind: z.literal('exponential'), mean: meanDays }),
  z.strictObject({ kind: z.literal('fixed'), days: z.number().min(0).max(3650) }),
  z
    .strictObject({ kind: z.literal('uniform'), min: z.number().min(0).max(3650), max: z.number().min(0).max(3650) })
    .refine((d) => d.max >= d.min, {
      message: 'max must be at least min',
      path: ['max'],
    }),
  z
    .strictObject({ kind: z.literal('empirical'), days: z.array(z.number().min(0).max(3650)).min(1).max(5000) })
    .describe('Resampled from observed durations'),
]);
export type Distribution = z.infer<typeof DistributionSchema>;

export const lognormal = (mean: number, cvValue: number): Distribution => ({ kind: 'lognormal', mean, cv: cvValue });

/** The distribution's mean, in days. */
export function meanOf(dist: Distribution): number {
  switch (dist.kind) {
    case 'lognormal':
    case 'gamma':
    case 'exponential':
      return dist.mean;
    case 'fixed':
      return dist.days;
    case 'uniform':
      return (dist.min + dist.max) / 2;
    case 'empirical':
      return dist.days.reduce((a, b) => a + b, 0) / dist.days.length;
  }
}

/** Marsaglia and Tsang's method; shapes below 1 are boosted by U^(1/shape). */
function gammaSample(shape: number, rng: Rng): number {
  if (shape < 1) return gammaSample(shape + 1, rng) * Math.pow(rng.next() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One draw, in days (never negative). */
export function sample(dist: Distribution, rng: Rng): number {
  switch (dist.kind) {
    case 'lognormal': {
      if (dist.cv === 0) return dist.mean;
      const sigma2 = Math.log(1 + dist.cv * dist.cv);
      return Math.exp(Math.log(dist.mean) - sigma2 / 2 + Math.sqrt(sigma2) * rng.normal());
    }
    case 'gamma': {
      if (dist.cv === 0) return dist.mean;
      const shape = 1 / (dist.cv * dist.cv);
      return gammaSample(shape, rng) * (dist.mean / shape);
    }
    case 'exponential':
      return -Math.log(1 - rng.next()) * dist.mean;
    case 'fixed':
      return dist.days;
    case 'uniform':
      return dist.min + (dist.max - dist.min) * rng.next();
    case 'empirical':
      return dist.days[Math.floor(rng.next() * dist.days.length)]!;
  }
}
