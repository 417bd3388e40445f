import { z } from 'zod';

import { CategoryKeySchema } from './scenario';

/**
 * What a simulation answers, as a schema: the API's response and the CLI's JSON are this. Every
 * figure measured per run comes with its 95% interval over the runs (`low`/`high` null with one run);
 * daily series come as bands (mean, low, high per day).
 */

export const IntervalSchema = z.object({
  mean: z.number().nullable().describe('Mean over runs (null when no run had data)'),
  low: z.number().nullable(),
  high: z.number().nullable(),
});

export const BandSchema = z.object({
  mean: z.array(z.number()),
  low: z.array(z.number()),
  high: z.array(z.number()),
});

const StaySummarySchema = z.object({
  discharged: IntervalSchema.describe('Children of the category discharged in the period'),
  mean: IntervalSchema,
  median: IntervalSchema,
  p90: IntervalSchema,
});

export const OutcomeSchema = z.object({
  label: z.string(),
  profile: z.string(),
  fundedBeds: z.number(),
  caseManagers: z.number(),
  daily: z.object({
    arrivals: BandSchema,
    inCare: BandSchema.describe('Children in care at the end of each day'),
    discharges: BandSchema,
    dischargesPer100InCare: BandSchema,
    alertsSupervisor: BandSchema.describe('Alerts fired each day to supervisors (warnings and first escalations and their repeats)'),
    alertsProgramLead: BandSchema.describe('Escalations that reached the program lead'),
    openCases: BandSchema.describe('Cases not closed (in care, or released and awaiting the follow-up call)'),
    caseloadPerCaseManager: BandSchema,
  }),
  summary: z.object({
    inCare: z.object({ mean: IntervalSchema, peak: IntervalSchema, end: IntervalSchema }),
    fundedBeds: z.object({
      daysOver: IntervalSchema.describe('Days with more children in care than funded beds'),
      meanOccupancy: IntervalSchema.describe('Mean children in care / funded beds'),
    }),
    dischargesPer100InCare: IntervalSchema.describe('Mean over days of discharges per 100 children in care'),
    lengthOfCare: z
      .record(z.enum([...CategoryKeySchema.options, 'all']), StaySummarySchema)
      .describe('Days in care of the children discharged in the period, by planned category'),
    category1: z.object({
      releasedWithin10Days: IntervalSchema.describe('Share of Category 1 children released in the period whose stay was at most 10 days'),
      meanDays: IntervalSchema.describe('Mean stay of those children'),
      meanOverTarget7: IntervalSchema.describe('Mean stay minus the long-run target of 7 days'),
    }),
    alertsPerDay: z.object({ supervisor: IntervalSchema, programLead: IntervalSchema, warnings: IntervalSchema }),
    caseloadPerCaseManager: z.object({ mean: IntervalSchema, peak: IntervalSchema }),
  }),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

export const ComparisonSchema = z.object({
  bedsFreed: z.object({
    daily: BandSchema.describe('Children in care, base minus what-if, each day'),
    mean: IntervalSchema.describe('Over the whole period'),
    lastDays: IntervalSchema.describe('Over the last 30 days (or the whole period if shorter): near the new steady state'),
    peak: IntervalSchema,
  }),
  alertsPerDayChange: z.object({ supervisor: IntervalSchema, programLead: IntervalSchema }),
  category1MeanDaysChange: IntervalSchema,
  caseloadPerCaseManagerChange: IntervalSchema,
});

export const CalibrationSchema = z.object({
  lengthOfCare: z
    .array(z.object({ from: z.string(), meanDays: z.number(), factor: z.number() }))
    .describe('Each segment: the mean stay asked for, and the factor applied to the in-care stages'),
  achievedMeanDays: z.number().nullable().describe('Mean stay of the calibration sample at the start'),
  categoryFactors: z.record(CategoryKeySchema, z.number()).describe('What-if factors from `mean_stay` changes'),
  categoryAchievedMeanDays: z.partialRecord(CategoryKeySchema, z.number()),
});

export const SimulationResultSchema = z.object({
  start: z.string(),
  days: z.number(),
  dates: z.array(z.string()),
  runs: z.number(),
  seed: z.number(),
  sample: z.number(),
  base: OutcomeSchema,
  whatIf: OutcomeSchema.nullable(),
  comparison: ComparisonSchema.nullable(),
  calibration: CalibrationSchema,
  work: z.object({
    children: z.number().describe('Simulated children, over every run and scenario (calibration and pilots included)'),
    machineEvents: z.number(),
    alertsFired: z.number(),
    initialMissed: z.number(),
  }),
  assumptions: z.array(z.string()),
});
export type SimulationResult = z.infer<typeof SimulationResultSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
export type Calibration = z.infer<typeof CalibrationSchema>;
