import { z } from 'zod';

import { CaseCommandSchema, ReleaseDecisionSchema } from './case-events';
import { CaseIdSchema } from './ids';
import { ActorSchema } from './roles';
import { IsoDateTimeSchema } from './time';

/** A calendar date. zod refuses dates the calendar has not (2026-02-30); the case's rules bound the years. */
const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');

/** ORR has cared for unaccompanied children since 1 March 2003 (Homeland Security Act of 2002, section 462). */
export const EARLIEST_ADMISSION = '2003-03-01';
/** How far ahead of the receiving clock an admission may be: the sender's clock may run a little fast. */
export const ADMISSION_CLOCK_SKEW_MS = 5 * 60_000;

/** Whole years from a birth date to a date (both YYYY-MM-DD): the age on that day, birthday included. */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The intake facts the release process needs; everything else stays in the care provider's file. */
export const ChildFactsSchema = z.strictObject({
  birthDate: isoDate.describe(
    "The child's date of birth (drives age-based rules and the age-out date): on or before the admission, and under 18 on admission",
  ),
  traffickingVictim: z.boolean().default(false).describe('Victim of a severe form of trafficking (TVPRA home study)'),
  disability: z.boolean().default(false).describe('Child with a disability (TVPRA home study)'),
  abuseVictim: z.boolean().default(false).describe('Victim of physical or sexual abuse indicating significant harm (TVPRA home study)'),
});
export type ChildFacts = z.infer<typeof ChildFactsSchema>;

export const OpenCaseFields = z.strictObject({
  caseId: CaseIdSchema,
  admittedAt: IsoDateTimeSchema.describe(
    `Admission to ORR care: the start of the child's length of stay. Not before ${EARLIEST_ADMISSION}, and not in the future (${ADMISSION_CLOCK_SKEW_MS / 60_000} minutes of clock skew allowed)`,
  ),
  careProviderId: z.string().trim().min(1).max(64).describe('The care provider (shelter) holding the child'),
  child: ChildFactsSchema,
  openedBy: ActorSchema,
});

type DatedOpening = Pick<z.infer<typeof OpenCaseFields>, 'admittedAt' | 'child'>;

/**
 * The dates of an opening must make sense together and with the clock: an admission that has
 * happened (since ORR's program began), a child born by then and under 18 on that day. Each
 * problem names its field. `Date.now()` is the workflow's clock inside a workflow, so a case's
 * input is checked again when its workflow starts, on the time of that start.
 */
export function refineOpeningDates(value: DatedOpening, ctx: z.RefinementCtx): void {
  // A field that is not a date at all has its issue already: judge only what parses.
  if (!IsoDateTimeSchema.safeParse(value.admittedAt).success) return;
  const admitted = Date.parse(value.admittedAt);
  // The admission's own calendar date, in the offset it was written with.
  const admissionDate = value.admittedAt.slice(0, 10);
  if (admitted > Date.now() + ADMISSION_CLOCK_SKEW_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['admittedAt'],
      message: `is in the future (${value.admittedAt}): a child is admitted on arrival`,
    });
  }
  if (admissionDate < EARLIEST_ADMISSION) {
    ctx.addIssue({
      code: 'custom',
      path: ['admittedAt'],
      message: `is before ${EARLIEST_ADMISSION}, when ORR began to care for unaccompanied children`,
    });
  }
  const birthDate = value.child?.birthDate;
  if (!isoDate.safeParse(birthDate).success) return;
  if (birthDate > admissionDate) {
    ctx.addIssue({ code: 'custom', path: ['child', 'birthDate'], message: `is after the admission (${admissionDate})` });
  } else if (ageOn(birthDate, admissionDate) >= 18) {
    ctx.addIssue({
      code: 'custom',
      path: ['child', 'birthDate'],
      message: `makes the child ${ageOn(birthDate, admissionDate)} on admission (${admissionDate}): ORR admits children under 18`,
    });
  }
}

export const OpenCaseSchema = OpenCaseFields.superRefine(refineOpeningDates);
/** What a caller sends to open a case (POST /cases, the web form): the actor comes from the session. */
export const OpenCaseBodySchema = OpenCaseFields.omit({ openedBy: true }).superRefine(refineOpeningDates);
export type OpenCase = z.infer<typeof OpenCaseSchema>;
/** Before defaults are applied: what a caller may send. */
export type OpenCaseRequest = z.input<typeof OpenCaseSchema>;

/** One event of a case's past, with the time it happened: what an import brings in. */
export const HistoricalEventSchema = z.strictObject({
  at: IsoDateTimeSchema.describe('When the event happened, in the system the case comes from'),
  event: z
    .union([CaseCommandSchema, ReleaseDecisionSchema])
    .describe('The event, with its actor, as POST /cases/:id/events or /decision take it'),
});
export type HistoricalEvent = z.infer<typeof HistoricalEventSchema>;
