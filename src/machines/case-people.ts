import type { BusinessCalendar } from '../contracts/business-calendar';
import type { CaseView } from '../contracts/case-view';
import { addBusinessDays } from '../domain/business-days';
import type { PersonCheck } from '../domain/case-checks';
import { memberChecks, sponsorChecks } from '../domain/case-checks';
import type { CaseClock } from '../domain/deadlines';
import type { PolicyProfile } from '../domain/policy';
import { profileById } from '../domain/policy';
import type { SponsorFile } from './case-machine';
import type { CaseSnapshot } from './case-status';

/**
 * The people of a case as its view shows them, and the facts its deadlines read: pure functions
 * of a snapshot (and the time), so the view and the alerts say the same thing.
 */

type PersonView = CaseView['people'][number];

const checkView = (c: PersonCheck): PersonView['checks'][number] => ({
  check: c.check,
  required: c.required,
  status: c.state,
  result: c.result,
  expiresAt: c.expiresAt,
  flagDecision: c.flagDecision,
});

/** A sponsor's file as people: the sponsor, then every adult of the household (removed ones marked). */
export function peopleOf(file: SponsorFile, profile: PolicyProfile, at: string): PersonView[] {
  if (!file.sponsorId || !file.sponsor) return [];
  const sponsor: PersonView = {
    personId: file.sponsorId,
    role: 'sponsor',
    reference: null,
    addedAt: file.identifiedAt,
    removedAt: null,
    fingerprintAppointment: file.fingerprintAppointment,
    checks: sponsorChecks(file, profile, at).map(checkView),
  };
  const members = file.household.map((m): PersonView => ({
    personId: m.id,
    role: m.role,
    reference: m.reference,
    addedAt: m.addedAt,
    removedAt: m.removedAt,
    fingerprintAppointment: m.fingerprintAppointment,
    checks: memberChecks(file, m, profile, at).map(checkView),
  }));
  return [sponsor, ...members];
}

/** The current sponsor and household at `at`. */
export function currentPeople(snapshot: CaseSnapshot, at: string): PersonView[] {
  const { context } = snapshot;
  return context.profileId ? peopleOf(context, profileById(context.profileId), at) : [];
}

/** Earlier sponsors with their checks and household as they stood when each left. */
export function sponsorHistoryView(snapshot: CaseSnapshot): CaseView['sponsorHistory'] {
  return snapshot.context.sponsorHistory.map((h) => ({
    sponsorId: h.sponsorId,
    sponsor: h.sponsor,
    outcome: h.outcome,
    at: h.at,
    policyProfile: h.profileId,
    denial: h.denial,
    people: peopleOf(h, profileById(h.profileId), h.at),
  }));
}

const acknowledgementDays = (snapshot: CaseSnapshot, sponsorId: string): number => {
  const denied = snapshot.context.sponsorHistory.find((h) => h.sponsorId === sponsorId);
  return profileById(denied?.profileId ?? snapshot.context.profileId!).appeals.acknowledgeWithinBusinessDays;
};

export function appealsView(snapshot: CaseSnapshot, calendar: BusinessCalendar): CaseView['appeals'] {
  return snapshot.context.appeals.map((a) => ({
    ...a,
    acknowledgeBy:
      a.acknowledgedAt || a.outcome
        ? null
        : new Date(addBusinessDays(Date.parse(a.filedAt), acknowledgementDays(snapshot, a.sponsorId), calendar)).toISOString(),
  }));
}

const WAITING_FOR_RELEASE = new Set([
  'application',
  'vetting',
  'home_study',
  'recommendation',
  'third_party_review',
  'release_decision',
  'release_approved',
]);

/** What the deadlines of today's rules read of a case: expiring results, appeals to acknowledge, fingerprints to book. */
export function deadlineFacts(snapshot: CaseSnapshot, status: CaseClock['status'], at: string): Partial<CaseClock> {
  const { context } = snapshot;
  const appealsAwaitingAcknowledgement = snapshot.matches('open')
    ? context.appeals
        .filter((a) => !a.acknowledgedAt && !a.outcome)
        .map((a) => ({
          appealId: a.id,
          sponsorId: a.sponsorId,
          filedAt: a.filedAt,
          businessDays: acknowledgementDays(snapshot, a.sponsorId),
        }))
    : [];
  const facts: Partial<CaseClock> = { appealsAwaitingAcknowledgement, ageOutPlanRecorded: context.ageOutPlan !== null };
  if (!context.profileId || !WAITING_FOR_RELEASE.has(status)) return facts;
  const profile = profileById(context.profileId);
  const people = peopleOf(context, profile, at).filter((p) => p.removedAt === null);
  const required = people.flatMap((p) => p.checks.filter((c) => c.required).map((c) => ({ person: p, check: c })));
  return {
    ...facts,
    expiringResults: required.flatMap(({ person, check }) =>
      check.result && check.expiresAt
        ? [{ personId: person.personId, check: check.check, obtainedAt: check.result.obtainedAt, expiresAt: check.expiresAt }]
        : [],
    ),
    fingerprintsToSchedule: required
      .filter(({ person, check }) => check.check === 'fbi_fingerprint' && check.status === 'pending' && !person.fingerprintAppointment)
      .map(({ person }) => ({
        personId: person.personId,
        addedAt: person.role === 'sponsor' ? null : person.addedAt,
        businessDays: profile.fingerprintAppointmentBusinessDays,
      })),
  };
}
