import { and, assign, or, raise, setup, stateIn } from 'xstate';

import type { CaseEvent, Check, DenialGround, HouseholdCheck, Sponsor } from '../contracts/case-events';
import { CHECKS } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import type { Appeal, Denial } from '../domain/appeals';
import { appealPending, appealRefusal } from '../domain/appeals';
import type { CheckResult, Flag, HouseholdMember } from '../domain/case-checks';
import { activeMembers, checkOf, isExpired, memberById, openItems, personOf, raised } from '../domain/case-checks';
import type { HomeStudyTrigger, PolicyProfile } from '../domain/policy';
import {
  AGE_OUT_PLANNING_FROM_AGE,
  POLICY_PROFILES,
  ageInYears,
  checkRequired,
  expeditedEligible,
  homeStudyTriggers,
  profileAt,
  profileById,
} from '../domain/policy';

/**
 * The case statechart: ORR's release process from intake to closure. Pure: no I/O, no clock, no
 * delays. The host (the case workflow) stamps each event with its time and runs the machine with
 * XState's pure `transition()`. Rules that change (which checks, when a home study, who may act,
 * how long a result stays valid, who may appeal) live in src/domain; the guards read them.
 */

/**
 * The rules a case runs on. 2: today's. 1: those before household members, dated results and
 * their expiry, appeals and automatic age-out; a case that opened under them finishes on them
 * (its workflow's history says so), so its machine has none of those transitions.
 */
export type RulesVersion = 1 | 2;

export interface CaseMachineInput {
  caseId: string;
  careProviderId: string;
  admittedAt: string;
  child: ChildFacts;
  rules?: RulesVersion;
}

export type Closure = 'released' | 'aged_out' | 'repatriation' | 'voluntary_departure';

/** Everything the case knows about its current sponsor: a sponsor's file. */
export interface SponsorFile {
  /** sp-1, sp-2, ... in the order the case met them. */
  sponsorId: string | null;
  sponsor: Sponsor | null;
  identifiedAt: string | null;
  /** The policy profile in force when the sponsor was identified. */
  profileId: string | null;
  homeStudyTriggers: HomeStudyTrigger[];
  homeStudy: { mandatory: boolean; requested: boolean; outcome: 'favourable' | 'unfavourable' | null } | null;
  flags: Flag[];
  /** Each of the sponsor's checks' latest result (kept when vetting is left or redone). */
  checkResults: Partial<Record<Check, CheckResult>>;
  fingerprintAppointment: string | null;
  /** The adults of the sponsor's household and the alternate caregivers, removed ones included. */
  household: HouseholdMember[];
  expedited: boolean;
  recommendation: string | null;
  review: string | null;
  decision: string | null;
  postReleaseServices: boolean;
}

/** A sponsor the case no longer considers, with their whole file: withdrawn, denied, or set aside by a granted appeal. */
export type RetiredSponsor = SponsorFile & {
  sponsorId: string;
  sponsor: Sponsor;
  profileId: string;
  outcome: 'withdrawn' | 'denied' | 'set_aside';
  at: string;
  denial: { grounds: DenialGround[]; reason: string | null } | null;
};

export interface CaseContext extends SponsorFile {
  caseId: string;
  careProviderId: string;
  admittedAt: string;
  child: ChildFacts;
  rules: RulesVersion;
  sponsorHistory: RetiredSponsor[];
  appeals: Appeal[];
  ageOutPlan: { plan: string; at: string; by: string } | null;
  /** How many sponsors, household members and appeals the case has numbered: ids are never reused. */
  counts: { sponsors: number; members: number; appeals: number };
  releasedAt: string | null;
  closure: Closure | null;
  closedAt: string | null;
  careProviderHistory: { careProviderId: string; until: string }[];
}

/** An event as the machine sees it: stamped with the time the host received it. */
export type CaseMachineEvent = (CaseEvent & { at: string }) | { type: 'REEVALUATE_CHECKS' };
type StampedEvent = Extract<CaseMachineEvent, { at: string }>;
type EventOf<T extends StampedEvent['type']> = Extract<StampedEvent, { type: T }>;

const at = (event: CaseMachineEvent): string => ('at' in event ? event.at : '');
const is = <T extends StampedEvent['type']>(event: CaseMachineEvent, ...types: T[]): event is EventOf<T> =>
  (types as string[]).includes(event.type);

/** How far ahead of the case's clock a result may say it was obtained: clocks disagree a little. */
const RESULT_CLOCK_SKEW_MS = 5 * 60_000;
/** Adults a sponsor's household may hold in the case, so that a case's state stays bounded. */
export const MAX_HOUSEHOLD = 20;

/** Whether the policy requires a check of the current sponsor now (production profiles by default). */
export function isRequired(context: CaseContext, check: Check, profiles: readonly PolicyProfile[] = POLICY_PROFILES): boolean {
  if (!context.sponsor || !context.profileId) return false;
  return checkRequired(check, {
    profile: profileById(context.profileId, profiles),
    sponsor: context.sponsor,
    raised: raised(context),
    expedited: context.expedited,
  });
}

const checkIn = (check: Check, state: 'recorded' | 'notRequired') => stateIn({ open: { sponsored: { vetting: { [check]: state } } } });

const allChecksResolved = and(CHECKS.map((check) => or([checkIn(check, 'recorded'), checkIn(check, 'notRequired')])));

/** Everything the case knows about its current sponsor, as it is when there is none. */
const NO_SPONSOR = {
  sponsorId: null,
  sponsor: null,
  identifiedAt: null,
  profileId: null,
  homeStudyTriggers: [],
  homeStudy: null,
  flags: [],
  checkResults: {},
  fingerprintAppointment: null,
  household: [],
  expedited: false,
  recommendation: null,
  review: null,
  decision: null,
  postReleaseServices: false,
} as const satisfies SponsorFile;
// Its empty lists are spread into every case's context, and every case on a worker shares this module: never changed in place.
for (const value of Object.values(NO_SPONSOR)) if (value !== null && typeof value === 'object') Object.freeze(value);
Object.freeze(NO_SPONSOR);

const FILE_KEYS = Object.keys(NO_SPONSOR) as (keyof SponsorFile)[];
const fileOf = (from: SponsorFile): SponsorFile => Object.fromEntries(FILE_KEYS.map((key) => [key, from[key]])) as unknown as SponsorFile;

/** The case's denials, oldest first, as the appeal rules read them. */
export const denialsOf = (context: CaseContext): Denial[] =>
  context.sponsorHistory.flatMap((h) =>
    h.outcome === 'denied'
      ? [{ sponsorId: h.sponsorId, category: h.sponsor.category, at: h.at, grounds: h.denial?.grounds ?? [], profileId: h.profileId }]
      : [],
  );

/** Pending appeals end when the case leaves ORR's care or the child is released. */
const mootAppeals = (appeals: Appeal[], when: string): Appeal[] =>
  appeals.map((a) => (appealPending(a) ? { ...a, outcome: 'moot', decidedAt: when } : a));

/**
 * Builds the machine over a set of policy profiles and rules. Production uses POLICY_PROFILES;
 * tests pass other tables to show that a table change alone changes what the machine does.
 */
export const createCaseMachine = (profiles: readonly PolicyProfile[] = POLICY_PROFILES, rules: RulesVersion = 2) => {
  const machine = buildCaseMachine(profiles, rules);
  PROFILES.set(machine, profiles);
  return machine;
};

/** The profiles each machine was built over, so that a host reads a snapshot's profile where its machine does. */
const PROFILES = new WeakMap<object, readonly PolicyProfile[]>();

/** The policy profiles a snapshot's machine was built over. */
export const profilesOf = (machine: object): readonly PolicyProfile[] => PROFILES.get(machine) ?? POLICY_PROFILES;

const buildCaseMachine = (profiles: readonly PolicyProfile[], rules: RulesVersion) => {
  const current = rules >= 2;
  const profileOf = (context: CaseContext): PolicyProfile => profileById(context.profileId!, profiles);
  const newSponsor = (context: CaseContext, sponsor: Sponsor, when: string): Partial<CaseContext> => {
    const profile = profileAt(when, profiles);
    const triggers = homeStudyTriggers(context.child, sponsor, when, profile);
    const sponsors = context.counts.sponsors + 1;
    return {
      ...NO_SPONSOR,
      sponsorId: `sp-${sponsors}`,
      sponsor,
      identifiedAt: when,
      profileId: profile.id,
      homeStudyTriggers: triggers,
      expedited: expeditedEligible(sponsor, triggers, false, profile),
      counts: { ...context.counts, sponsors },
    };
  };
  /** A result with a date the case can take: not from the future, not expired already. */
  const datable = (context: CaseContext, event: EventOf<'CLEAR_CHECK' | 'FLAG_CHECK'>): boolean => {
    if (!current) return true;
    const obtained = event.obtainedAt ?? event.at;
    if (Date.parse(obtained) > Date.parse(event.at) + RESULT_CLOCK_SKEW_MS) return false;
    const result = { outcome: 'cleared', obtainedAt: obtained, enteredAt: event.at, enteredBy: '', source: null } as const;
    return !isExpired(event.check, result, profileOf(context), event.at);
  };
  /** The state of the check an event names, for the person it names. */
  const namedCheck = (context: CaseContext, event: EventOf<'CLEAR_CHECK' | 'FLAG_CHECK' | 'SCHEDULE_FINGERPRINTS'>) =>
    context.profileId
      ? checkOf(
          context,
          profileOf(context),
          event.at,
          event.person,
          event.type === 'SCHEDULE_FINGERPRINTS' ? 'fbi_fingerprint' : event.check,
        )
      : undefined;
  const forSponsor = (context: CaseContext, person: string | undefined): boolean => personOf(context, person) === context.sponsorId;
  const nothingOpen = (context: CaseContext, event: CaseMachineEvent): boolean =>
    !current || !context.profileId || openItems(context, profileOf(context), at(event)).length === 0;

  return setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseMachineEvent,
      input: {} as CaseMachineInput,
    },
    guards: {
      checkRequired: ({ context }, params: { check: Check }) => isRequired(context, params.check, profiles),
      hasResult: ({ context }, params: { check: Check }) => context.checkResults[params.check] !== undefined,
      // A home study asked for after vetting raises checks that have not run yet: back to vetting for them.
      checksOutstanding: ({ context, event }) =>
        current
          ? !nothingOpen(context, event)
          : CHECKS.some((check) => isRequired(context, check, profiles) && !context.checkResults[check]),
      homeStudyOutstanding: ({ context }) => context.homeStudyTriggers.length > 0 && !context.homeStudy?.outcome,
      recommendsRelease: ({ event }) => event.type === 'RECOMMEND_RELEASE' && event.recommendation !== 'do_not_release',
      childIsMinor: ({ context, event }) => ageInYears(context.child.birthDate, at(event)) < 18,
      // Every required result of the sponsor and the household is in, valid now, and no household flag awaits a decision.
      nothingOpen: ({ context, event }) => nothingOpen(context, event),
      isCheck: ({ context, event }, params: { check: Check }) =>
        is(event, 'CLEAR_CHECK', 'FLAG_CHECK') &&
        event.check === params.check &&
        forSponsor(context, event.person) &&
        datable(context, event),
      // In vetting: a household member's result, or a new result for an expired one (anyone's).
      takesResult: ({ context, event }) => {
        if (!is(event, 'CLEAR_CHECK', 'FLAG_CHECK') || !datable(context, event)) return false;
        const named = namedCheck(context, event);
        if (!named?.required) return false;
        if (forSponsor(context, event.person)) return named.state === 'expired';
        const riskOnMember = event.type === 'FLAG_CHECK' && event.sponsorPresentsRisk;
        return !riskOnMember && (named.state === 'pending' || named.state === 'expired');
      },
      renewsExpiredResult: ({ context, event }) => {
        if (!is(event, 'CLEAR_CHECK', 'FLAG_CHECK') || !datable(context, event)) return false;
        const named = namedCheck(context, event);
        return named?.required === true && named.state === 'expired';
      },
      fingerprintsToTake: ({ context, event }) => {
        if (!is(event, 'SCHEDULE_FINGERPRINTS')) return false;
        const named = namedCheck(context, event);
        return named?.required === true && (named.state === 'pending' || named.state === 'expired');
      },
      flagUndecided: ({ context, event }) => {
        if (!is(event, 'DECIDE_HOUSEHOLD_FLAG') || !context.profileId) return false;
        const member = memberById(context, event.person);
        return member?.results[event.check]?.outcome === 'flagged' && !member.flagDecisions[event.check];
      },
      memberPresent: ({ context, event }) => is(event, 'REMOVE_HOUSEHOLD_MEMBER') && memberById(context, event.person) !== undefined,
      roomInHousehold: ({ context }) => activeMembers(context).length < MAX_HOUSEHOLD,
      beforeVettingEnds: or([stateIn({ open: { sponsored: 'application' } }), stateIn({ open: { sponsored: 'vetting' } })]),
      appealEntitled: ({ context, event }) =>
        is(event, 'FILE_APPEAL') &&
        appealRefusal({ appellant: event.appellant, sponsorId: event.sponsorId, at: event.at }, denialsOf(context), context.appeals, (id) =>
          profileById(id, profiles),
        ) === null,
      appealAwaitsAcknowledgement: ({ context, event }) =>
        is(event, 'ACKNOWLEDGE_APPEAL') && context.appeals.some((a) => a.id === event.appealId && appealPending(a) && !a.acknowledgedAt),
      appealPending: ({ context, event }) =>
        is(event, 'DECIDE_APPEAL') && context.appeals.some((a) => a.id === event.appealId && appealPending(a)),
      appealGranted: ({ event }) => is(event, 'DECIDE_APPEAL') && event.decision === 'granted',
      allChecksResolved,
      expedited: ({ context }) => context.expedited,
      otherCareProvider: ({ context, event }) =>
        event.type === 'TRANSFER_CARE_PROVIDER' && event.toCareProviderId !== context.careProviderId,
      childIsAdult: ({ context, event }) => ageInYears(context.child.birthDate, at(event)) >= 18,
      ageOutPlanning: ({ context, event }) => ageInYears(context.child.birthDate, at(event)) >= AGE_OUT_PLANNING_FROM_AGE,
      approved: ({ event }) =>
        event.type === 'DECIDE_RELEASE' && (event.decision === 'approve' || event.decision === 'approve_with_services'),
      denied: ({ event }) => event.type === 'DECIDE_RELEASE' && event.decision === 'deny',
      referredToHomeStudy: ({ event }) => event.type === 'DECIDE_RELEASE' && event.decision === 'refer_home_study',
      remandedTo: ({ event }, params: { to: 'application' | 'vetting' | 'home_study' }) =>
        event.type === 'DECIDE_RELEASE' && event.decision === 'remand' && event.remandTo === params.to,
      moreAssessment: ({ event }) => event.type === 'REVIEW_CASE' && event.recommendation === 'more_assessment',
    },
    actions: {
      recordSponsor: assign(({ context, event }) => (is(event, 'IDENTIFY_SPONSOR') ? newSponsor(context, event.sponsor, event.at) : {})),
      retireSponsor: assign(({ context, event }, params: { outcome: 'withdrawn' | 'denied' }) => {
        if (!context.sponsor || !context.sponsorId || !context.profileId) return { ...NO_SPONSOR };
        const denial = is(event, 'DECIDE_RELEASE') ? { grounds: event.grounds ?? [], reason: event.reason ?? null } : null;
        const retired = { ...fileOf(context), sponsorId: context.sponsorId, sponsor: context.sponsor, profileId: context.profileId };
        return {
          sponsorHistory: [...context.sponsorHistory, { ...retired, outcome: params.outcome, at: at(event), denial }],
          ...NO_SPONSOR,
        };
      }),
      recordResult: assign(({ context, event }) => {
        if (!is(event, 'CLEAR_CHECK', 'FLAG_CHECK')) return {};
        const result: CheckResult = {
          outcome: event.type === 'CLEAR_CHECK' ? 'cleared' : 'flagged',
          obtainedAt: event.obtainedAt ?? event.at,
          enteredAt: event.at,
          enteredBy: event.actor.id,
          source: event.source ?? null,
        };
        if (forSponsor(context, event.person)) return { checkResults: { ...context.checkResults, [event.check]: result } };
        const check = event.check as HouseholdCheck;
        return {
          household: context.household.map((m) => {
            if (m.id !== event.person) return m;
            const { [check]: _earlier, ...flagDecisions } = m.flagDecisions;
            return { ...m, results: { ...m.results, [check]: result }, flagDecisions };
          }),
        };
      }),
      recordFlag: assign(({ context, event }) => {
        if (!is(event, 'FLAG_CHECK') || !context.sponsor) return {};
        const onSponsor = forSponsor(context, event.person);
        const triggers =
          onSponsor && event.sponsorPresentsRisk && !context.homeStudyTriggers.includes('sponsor_presents_risk')
            ? [...context.homeStudyTriggers, 'sponsor_presents_risk' as const]
            : context.homeStudyTriggers;
        return {
          flags: [...context.flags, { check: event.check, findings: event.reason, at: event.at, person: personOf(context, event.person)! }],
          homeStudyTriggers: triggers,
          // A red flag, anyone's, ends the expedited path: the full checks and the third-party review apply.
          expedited: false,
        };
      }),
      reevaluateChecks: raise({ type: 'REEVALUATE_CHECKS' }),
      addMember: assign(({ context, event }) => {
        if (!is(event, 'ADD_HOUSEHOLD_MEMBER')) return {};
        const members = context.counts.members + 1;
        const member: HouseholdMember = {
          id: `hm-${members}`,
          role: event.member.role,
          reference: event.member.reference ?? null,
          addedAt: event.at,
          removedAt: null,
          results: {},
          flagDecisions: {},
          fingerprintAppointment: null,
        };
        return { household: [...context.household, member], counts: { ...context.counts, members } };
      }),
      removeMember: assign(({ context, event }) =>
        is(event, 'REMOVE_HOUSEHOLD_MEMBER')
          ? { household: context.household.map((m) => (m.id === event.person ? { ...m, removedAt: event.at } : m)) }
          : {},
      ),
      decideFlag: assign(({ context, event }) => {
        if (!is(event, 'DECIDE_HOUSEHOLD_FLAG')) return {};
        const decision = { decision: event.decision, at: event.at, by: event.actor.id, reason: event.reason };
        const risk = event.decision === 'presents_risk' && !context.homeStudyTriggers.includes('household_member_presents_risk');
        return {
          household: context.household.map((m) =>
            m.id === event.person ? { ...m, flagDecisions: { ...m.flagDecisions, [event.check]: decision } } : m,
          ),
          homeStudyTriggers: risk ? [...context.homeStudyTriggers, 'household_member_presents_risk' as const] : context.homeStudyTriggers,
        };
      }),
      scheduleFingerprints: assign(({ context, event }) => {
        if (!is(event, 'SCHEDULE_FINGERPRINTS')) return {};
        if (forSponsor(context, event.person)) return { fingerprintAppointment: event.appointmentAt };
        return {
          household: context.household.map((m) => (m.id === event.person ? { ...m, fingerprintAppointment: event.appointmentAt } : m)),
        };
      }),
      startHomeStudy: assign(({ context, event }) => ({
        homeStudy: {
          mandatory: context.homeStudyTriggers.length > 0,
          requested: event.type === 'REQUEST_HOME_STUDY' || event.type === 'DECIDE_RELEASE' || (context.homeStudy?.requested ?? false),
          outcome: null,
        },
        expedited: false,
      })),
      recordHomeStudy: assign(({ context, event }) =>
        event.type === 'COMPLETE_HOME_STUDY' && context.homeStudy ? { homeStudy: { ...context.homeStudy, outcome: event.outcome } } : {},
      ),
      recordRecommendation: assign({
        recommendation: ({ event }) => (event.type === 'RECOMMEND_RELEASE' ? event.recommendation : null),
      }),
      recordReview: assign({ review: ({ event }) => (event.type === 'REVIEW_CASE' ? event.recommendation : null) }),
      recordDecision: assign(({ context, event }) =>
        event.type === 'DECIDE_RELEASE'
          ? {
              decision: event.decision,
              // Post-release services follow every home study, and may be ordered otherwise.
              postReleaseServices:
                event.decision === 'approve_with_services' || (event.decision === 'approve' && context.homeStudy?.outcome != null),
            }
          : {},
      ),
      forgetRechecked: assign(({ context, event }) => {
        if (event.type !== 'DECIDE_RELEASE' || !event.recheck) return {};
        const checkResults = { ...context.checkResults };
        for (const check of event.recheck) delete checkResults[check];
        return { checkResults };
      }),
      fileAppeal: assign(({ context, event }) => {
        if (!is(event, 'FILE_APPEAL')) return {};
        const sponsorId = event.sponsorId ?? denialsOf(context).at(-1)!.sponsorId;
        const appeals = context.counts.appeals + 1;
        const appeal: Appeal = {
          id: `ap-${appeals}`,
          sponsorId,
          appellant: event.appellant,
          filedAt: event.at,
          filedBy: event.actor.id,
          reason: event.reason,
          acknowledgedAt: null,
          acknowledgedBy: null,
          outcome: null,
          decidedAt: null,
          decidedBy: null,
        };
        return { appeals: [...context.appeals, appeal], counts: { ...context.counts, appeals } };
      }),
      acknowledgeAppeal: assign(({ context, event }) =>
        is(event, 'ACKNOWLEDGE_APPEAL')
          ? {
              appeals: context.appeals.map((a) =>
                a.id === event.appealId ? { ...a, acknowledgedAt: event.at, acknowledgedBy: event.actor.id } : a,
              ),
            }
          : {},
      ),
      // Deciding an appeal also acknowledges its receipt, if nobody had.
      decideAppeal: assign(({ context, event }) =>
        is(event, 'DECIDE_APPEAL')
          ? {
              appeals: context.appeals.map((a) =>
                a.id === event.appealId
                  ? {
                      ...a,
                      acknowledgedAt: a.acknowledgedAt ?? event.at,
                      acknowledgedBy: a.acknowledgedBy ?? event.actor.id,
                      outcome: event.decision,
                      decidedAt: event.at,
                      decidedBy: event.actor.id,
                    }
                  : a,
              ),
            }
          : {},
      ),
      // A granted appeal brings the appellant's file back for a new ORR decision; a sponsor being assessed meanwhile is set aside, file and all.
      reinstateAppellant: assign(({ context, event }) => {
        if (!is(event, 'DECIDE_APPEAL')) return {};
        const appeal = context.appeals.find((a) => a.id === event.appealId)!;
        const denied = context.sponsorHistory.findLast((h) => h.sponsorId === appeal.sponsorId && h.outcome === 'denied')!;
        const setAside: RetiredSponsor[] =
          context.sponsor && context.sponsorId && context.profileId
            ? [
                {
                  ...fileOf(context),
                  sponsorId: context.sponsorId,
                  sponsor: context.sponsor,
                  profileId: context.profileId,
                  outcome: 'set_aside',
                  at: event.at,
                  denial: null,
                },
              ]
            : [];
        return { sponsorHistory: [...context.sponsorHistory, ...setAside], ...fileOf(denied), decision: null };
      }),
      recordAgeOutPlan: assign(({ event }) =>
        is(event, 'RECORD_AGE_OUT_PLAN') ? { ageOutPlan: { plan: event.plan, at: event.at, by: event.actor.id } } : {},
      ),
      transfer: assign(({ context, event }) =>
        event.type === 'TRANSFER_CARE_PROVIDER'
          ? {
              careProviderHistory: [...context.careProviderHistory, { careProviderId: context.careProviderId, until: event.at }],
              careProviderId: event.toCareProviderId,
            }
          : {},
      ),
      recordRelease: assign(({ context, event }) => ({ releasedAt: at(event), appeals: mootAppeals(context.appeals, at(event)) })),
      close: assign(({ context, event }, params: { closure: Closure | 'departure' }) => ({
        closure: params.closure === 'departure' ? (event.type === 'DEPART' ? event.departure : 'repatriation') : params.closure,
        closedAt: at(event),
        appeals: mootAppeals(context.appeals, at(event)),
      })),
    },
  }).createMachine({
    id: 'case',
    initial: 'open',
    context: ({ input }) => ({
      ...input,
      rules,
      ...NO_SPONSOR,
      sponsorHistory: [],
      appeals: [],
      ageOutPlan: null,
      counts: { sponsors: 0, members: 0, appeals: 0 },
      releasedAt: null,
      closure: null,
      closedAt: null,
      careProviderHistory: [],
    }),
    states: {
      open: {
        initial: 'intake',
        on: {
          // Exits from any open stage. A transfer keeps the stage and changes the care provider.
          TRANSFER_CARE_PROVIDER: { guard: 'otherCareProvider', actions: 'transfer' },
          AGE_OUT: { guard: 'childIsAdult', target: '#case.closed', actions: { type: 'close', params: { closure: 'aged_out' } } },
          DEPART: { target: '#case.closed', actions: { type: 'close', params: { closure: 'departure' } } },
          ...(current
            ? {
                RECORD_AGE_OUT_PLAN: { guard: 'ageOutPlanning', actions: 'recordAgeOutPlan' },
                // Appeals run beside the search for another sponsor (concurrent planning).
                FILE_APPEAL: { guard: 'appealEntitled', actions: 'fileAppeal' },
                ACKNOWLEDGE_APPEAL: { guard: 'appealAwaitsAcknowledgement', actions: 'acknowledgeAppeal' },
                DECIDE_APPEAL: [
                  {
                    guard: and(['appealPending', 'appealGranted']),
                    target: '#case.open.sponsored.orrDecision',
                    actions: ['decideAppeal', 'reinstateAppellant'],
                  },
                  { guard: 'appealPending', actions: 'decideAppeal' },
                ],
              }
            : {}),
        },
        states: {
          intake: {
            on: { COMPLETE_INTAKE: 'sponsorIdentification' },
          },
          sponsorIdentification: {
            on: {
              IDENTIFY_SPONSOR: { target: 'sponsored', actions: 'recordSponsor' },
              NO_VIABLE_SPONSOR: 'noViableSponsor',
            },
          },
          // Category 4: no viable sponsor; long-term planning, and a sponsor may still appear.
          noViableSponsor: {
            on: { IDENTIFY_SPONSOR: { target: 'sponsored', actions: 'recordSponsor' } },
          },
          sponsored: {
            initial: 'application',
            on: {
              SPONSOR_WITHDREW: {
                target: 'sponsorIdentification',
                actions: { type: 'retireSponsor', params: { outcome: 'withdrawn' } },
              },
              ...(current
                ? {
                    // A new adult in the home after vetting sends the case back to vetting for their checks.
                    ADD_HOUSEHOLD_MEMBER: [
                      { guard: and(['roomInHousehold', 'beforeVettingEnds']), actions: 'addMember' },
                      { guard: 'roomInHousehold', target: '#case.open.sponsored.vetting', actions: 'addMember' },
                    ],
                    REMOVE_HOUSEHOLD_MEMBER: { guard: 'memberPresent', actions: 'removeMember' },
                    // After vetting, a renewed result that clears keeps the stage; one that flags is a new finding, for vetting.
                    CLEAR_CHECK: { guard: 'renewsExpiredResult', actions: 'recordResult' },
                    FLAG_CHECK: {
                      guard: 'renewsExpiredResult',
                      target: '#case.open.sponsored.vetting',
                      actions: ['recordResult', 'recordFlag'],
                    },
                  }
                : {}),
            },
            states: {
              application: {
                on: { COMPLETE_ASSESSMENT: 'vetting' },
              },
              vetting: {
                type: 'parallel',
                on: {
                  COMPLETE_VETTING: [
                    { guard: and(['allChecksResolved', 'nothingOpen', 'homeStudyOutstanding']), target: 'homeStudy' },
                    { guard: and(['allChecksResolved', 'nothingOpen']), target: 'recommendation' },
                  ],
                  ...(current
                    ? {
                        // The household's results, and new results for expired ones: the sponsor's first results go to their regions.
                        CLEAR_CHECK: { guard: 'takesResult', actions: 'recordResult' },
                        FLAG_CHECK: { guard: 'takesResult', actions: ['recordResult', 'recordFlag', 'reevaluateChecks'] },
                        DECIDE_HOUSEHOLD_FLAG: { guard: 'flagUndecided', actions: 'decideFlag' },
                        SCHEDULE_FINGERPRINTS: { guard: 'fingerprintsToTake', actions: 'scheduleFingerprints' },
                      }
                    : {}),
                },
                states: Object.fromEntries(
                  CHECKS.map((check) => [
                    check,
                    {
                      initial: 'deciding',
                      states: {
                        // On re-entry (more assessment, a remand, a late home study) a check keeps its result.
                        deciding: {
                          always: [
                            { guard: { type: 'hasResult', params: { check } }, target: 'recorded' },
                            { guard: { type: 'checkRequired', params: { check } }, target: 'pending' },
                            { target: 'notRequired' },
                          ],
                        },
                        pending: {
                          on: {
                            CLEAR_CHECK: {
                              guard: { type: 'isCheck', params: { check } },
                              target: 'recorded',
                              actions: 'recordResult',
                            },
                            FLAG_CHECK: {
                              guard: { type: 'isCheck', params: { check } },
                              target: 'recorded',
                              actions: ['recordResult', 'recordFlag', 'reevaluateChecks'],
                            },
                          },
                        },
                        notRequired: {
                          on: { REEVALUATE_CHECKS: { guard: { type: 'checkRequired', params: { check } }, target: 'pending' } },
                        },
                        // Cleared or flagged: the outcome is in the result.
                        recorded: {},
                      },
                    },
                  ]),
                ),
              },
              homeStudy: {
                entry: 'startHomeStudy',
                on: {
                  COMPLETE_HOME_STUDY: [
                    { guard: 'checksOutstanding', target: 'vetting', actions: 'recordHomeStudy' },
                    { target: 'recommendation', actions: 'recordHomeStudy' },
                  ],
                },
              },
              recommendation: {
                on: {
                  RECOMMEND_RELEASE: [
                    // Expedited only while the recommendation is to release; otherwise the review applies.
                    { guard: and(['expedited', 'recommendsRelease']), target: 'orrDecision', actions: 'recordRecommendation' },
                    { target: 'thirdPartyReview', actions: 'recordRecommendation' },
                  ],
                  REQUEST_HOME_STUDY: 'homeStudy',
                },
              },
              thirdPartyReview: {
                on: {
                  REVIEW_CASE: [
                    { guard: 'moreAssessment', target: 'application', actions: 'recordReview' },
                    { target: 'orrDecision', actions: 'recordReview' },
                  ],
                  REQUEST_HOME_STUDY: 'homeStudy',
                },
              },
              orrDecision: {
                on: {
                  DECIDE_RELEASE: [
                    // Never an approval for an adult, nor while a required result is missing or out of date.
                    {
                      guard: current ? and(['approved', 'childIsMinor', 'nothingOpen']) : 'approved',
                      target: 'releaseApproved',
                      actions: 'recordDecision',
                    },
                    {
                      guard: 'denied',
                      target: '#case.open.sponsorIdentification',
                      actions: ['recordDecision', { type: 'retireSponsor', params: { outcome: 'denied' } }],
                    },
                    { guard: 'referredToHomeStudy', target: 'homeStudy', actions: 'recordDecision' },
                    { guard: { type: 'remandedTo', params: { to: 'application' } }, target: 'application', actions: 'recordDecision' },
                    {
                      guard: { type: 'remandedTo', params: { to: 'vetting' } },
                      target: 'vetting',
                      actions: ['recordDecision', 'forgetRechecked'],
                    },
                    { guard: { type: 'remandedTo', params: { to: 'home_study' } }, target: 'homeStudy', actions: 'recordDecision' },
                  ],
                },
              },
              releaseApproved: {
                on: {
                  RELEASE_CHILD: {
                    guard: current ? and(['childIsMinor', 'nothingOpen']) : 'childIsMinor',
                    target: '#case.released',
                    actions: 'recordRelease',
                  },
                },
              },
            },
          },
        },
      },
      // Released to the sponsor: the length of stay has ended; the 30-day follow-up call remains.
      released: {
        on: { COMPLETE_FOLLOW_UP: { target: 'closed', actions: { type: 'close', params: { closure: 'released' } } } },
      },
      closed: { type: 'final' },
    },
  });
};

export const caseMachine = createCaseMachine();
export type CaseMachine = typeof caseMachine;

/** The machine of cases that opened before today's rules, and finish on theirs. */
export const caseMachineRules1 = createCaseMachine(POLICY_PROFILES, 1);

export const machineFor = (rules: RulesVersion = 2): CaseMachine => (rules >= 2 ? caseMachine : caseMachineRules1);
