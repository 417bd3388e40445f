import { z } from 'zod';

import { CaseIdSchema } from './ids';
import { ActorSchema } from './roles';

const isoDate = z.iso.date().describe('Calendar date, YYYY-MM-DD');
export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time with offset');

/** The intake facts the release process needs; everything else stays in the care provider's file. */
export const ChildFactsSchema = z.strictObject({
  birthDate: isoDate.describe("The child's date of birth (drives age-based rules and the age-out date)"),
  traffickingVictim: z.boolean().default(false).describe('Victim of a severe form of trafficking (TVPRA home study)'),
  disability: z.boolean().default(false).describe('Child with a disability (TVPRA home study)'),
  abuseVictim: z.boolean().default(false).describe('Victim of physical or sexual abuse indicating significant harm (TVPRA home study)'),
});
export type ChildFacts = z.infer<typeof ChildFactsSchema>;

/** ORR has cared for unaccompanied children since 1 March 2003: an earlier admission is a mistake. */
export const EARLIEST_ADMISSION = '2003-03-01';
/** How far ahead of the receiving clock an admission may be (the sender's clock may run fast). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The fields of an opening. A case's workflow reads its input with these alone (see `refineOpeningDates`). */
export const OpenCaseFields = z.strictObject({
  caseId: CaseIdSchema,
  admittedAt: IsoDateTimeSchema.describe(
    `Admission to ORR care: the start of the child's length of stay. Not before ${EARLIEST_ADMISSION}, not in the future`,
  ),
  careProviderId: z.string().trim().min(1).max(64).describe('The care provider (shelter) holding the child'),
  child: ChildFactsSchema,
  openedBy: ActorSchema,
});

/** Whole years from a birth date to a date (both YYYY-MM-DD), the birthday included. */
function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * The dates of an opening, checked at the door: an admission that has happened (since ORR's program
 * began; PostgreSQL cannot store a year 0), a child born by then and under 18 on that day. Each
 * problem names its field. Not re-checked inside a running case's workflow: a case opened before
 * these rules must keep replaying.
 */
export function refineOpeningDates(value: Pick<z.infer<typeof OpenCaseFields>, 'admittedAt' | 'child'>, ctx: z.RefinementCtx): void {
  const admissionDate = value.admittedAt.slice(0, 10);
  if (Date.parse(value.admittedAt) > Date.now() + CLOCK_SKEW_MS) {
    ctx.addIssue({ code: 'custom', path: ['admittedAt'], message: 'is in the future: a child is admitted on arrival' });
  }
  if (admissionDate < EARLIEST_ADMISSION) {
    ctx.addIssue({
      code: 'custom',
      path: ['admittedAt'],
      message: `is before ${EARLIEST_ADMISSION}, when ORR began to care for unaccompanied children`,
    });
  }
  const { birthDate } = value.child;
  if (birthDate > admissionDate) {
    ctx.addIssue({ code: 'custom', path: ['child', 'birthDate'], message: `is after the admission (${admissionDate})` });
  } else if (ageOn(birthDate, admissionDate) >= 18) {
    ctx.addIssue({
      code: 'custom',
      path: ['child', 'birthDate'],
      message: `makes the child ${ageOn(birthDate, admissionDate)} on admission: ORR admits children under 18`,
    });
  }
}

export const OpenCaseSchema = OpenCaseFields.superRefine(refineOpeningDates);
/** What a caller sends to open a case (the opener is the caller's token): the fields and their date rules. */
export const OpenCaseBodySchema = OpenCaseFields.omit({ openedBy: true }).superRefine(refineOpeningDates);
export type OpenCase = z.infer<typeof OpenCaseSchema>;
/** Before defaults are applied: what a caller may send. */
export type OpenCaseRequest = z.input<typeof OpenCaseSchema>;
