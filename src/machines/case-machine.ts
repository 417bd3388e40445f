import { and, assign, or, raise, setup, stateIn } from 'xstate';

import type { CaseEvent, Check, Sponsor } from '../contracts/case-events';
import { CHECKS } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import type { HomeStudyTrigger, PolicyProfile } from '../domain/policy';
import { POLICY_PROFILES, ageInYears, checkRequired, expeditedEligible, homeStudyTriggers, profileAt, profileById } from '../domain/policy';

/**
 * The case statechart: ORR's release process from intake to closure. Pure: no I/O, no clock, no
 * delays. The host (the case workflow) stamps each event with its time and runs the machine with
 * XState's pure `transition()`. Rules that change (which checks, when a home study, who may act)
 * live in ./policy.ts; the guards read them.
 */

export interface CaseMachineInput {
  caseId: string;
  careProviderId: string;
  admittedAt: string;
  child: ChildFacts;
}

export type Closure = 'released' | 'aged_out' | 'repatriation' | 'voluntary_departure';

export interface CaseContext extends CaseMachineInput {
  sponsor: Sponsor | null;
  /** Sponsors considered before the current one, and why they are no longer. */
  sponsorHistory: { sponsor: Sponsor; outcome: 'withdrawn' | 'denied'; at: string }[];
  /** The policy profile in force when the current sponsor was identified. */
  profileId: string | null;
  homeStudyTriggers: HomeStudyTrigger[];
  homeStudy: { mandatory: boolean; requested: boolean; outcome: 'favourable' | 'unfavourable' | null } | null;
  flags: { check: Check; findings: string; at: string }[];
  /** Each check's latest result for the current sponsor (kept when vetting is left or redone). */
  checkResults: Partial<Record<Check, { outcome: 'cleared' | 'flagged'; at: string }>>;
  expedited: boolean;
  recommendation: string | null;
  review: string | null;
  decision: string | null;
  postReleaseServices: boolean;
  releasedAt: string | null;
  closure: Closure | null;
  closedAt: string | null;
  careProviderHistory: { careProviderId: string; until: string }[];
}

/** An event as the machine sees it: stamped with the time the host received it. */
export type CaseMachineEvent = (CaseEvent & { at: string }) | { type: 'REEVALUATE_CHECKS' };

const at = (event: CaseMachineEvent): string => ('at' in event ? event.at : '');

/** Whether the conditional checks are raised for this case. */
function raised(context: CaseContext): boolean {
  return context.flags.length > 0 || context.homeStudyTriggers.length > 0 || (context.homeStudy?.requested ?? false);
}

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

const checkIn = (check: Check, state: 'cleared' | 'flagged' | 'notRequired') =>
  stateIn({ open: { sponsored: { vetting: { [check]: state } } } });

const allChecksResolved = and(
  CHECKS.map((check) => or([checkIn(check, 'cleared'), checkIn(check, 'flagged'), checkIn(check, 'notRequired')])),
);

/** Everything the case knows about its current sponsor, as it is when there is none. */
const NO_SPONSOR = {
  sponsor: null,
  profileId: null,
  homeStudyTriggers: [],
  homeStudy: null,
  flags: [],
  checkResults: {},
  expedited: false,
  recommendation: null,
  review: null,
  decision: null,
  postReleaseServices: false,
} as const satisfies Partial<CaseContext>;

const newSponsor = (context: CaseContext, sponsor: Sponsor, when: string, profiles: readonly PolicyProfile[]): Partial<CaseContext> => {
  const profile = profileAt(when, profiles);
  const triggers = homeStudyTriggers(context.child, sponsor, when, profile);
  return {
    ...NO_SPONSOR,
    sponsor,
    profileId: profile.id,
    homeStudyTriggers: triggers,
    expedited: expeditedEligible(sponsor, triggers, false),
  };
};

/**
 * Builds the machine over a set of policy profiles. Production uses POLICY_PROFILES; tests pass
 * other tables to show that a table change alone changes what the machine does.
 */
export const createCaseMachine = (profiles: readonly PolicyProfile[] = POLICY_PROFILES) =>
  setup({
    types: {
      context: {} as CaseContext,
      events: {} as CaseMachineEvent,
      input: {} as CaseMachineInput,
    },
    guards: {
      checkRequired: ({ context }, params: { check: Check }) => isRequired(context, params.check, profiles),
      hasResult: ({ context }, params: { check: Check; outcome: 'cleared' | 'flagged' }) =>
        context.checkResults[params.check]?.outcome === params.outcome,
      // A home study asked for after vetting raises checks that have not run yet: back to vetting for them.
      checksOutstanding: ({ context }) => CHECKS.some((check) => isRequired(context, check, profiles) && !context.checkResults[check]),
      homeStudyOutstanding: ({ context }) => context.homeStudyTriggers.length > 0 && !context.homeStudy?.outcome,
      recommendsRelease: ({ event }) => event.type === 'RECOMMEND_RELEASE' && event.recommendation !== 'do_not_release',
      childIsMinor: ({ context, event }) => ageInYears(context.child.birthDate, at(event)) < 18,
      isCheck: ({ event }, params: { check: Check }) =>
        (event.type === 'CLEAR_CHECK' || event.type === 'FLAG_CHECK') && event.check === params.check,
      allChecksResolved,
      expedited: ({ context }) => context.expedited,
      otherCareProvider: ({ context, event }) =>
        event.type === 'TRANSFER_CARE_PROVIDER' && event.toCareProviderId !== context.careProviderId,
      childIsAdult: ({ context, event }) => ageInYears(context.child.birthDate, at(event)) >= 18,
      approved: ({ event }) =>
        event.type === 'DECIDE_RELEASE' && (event.decision === 'approve' || event.decision === 'approve_with_services'),
      denied: ({ event }) => event.type === 'DECIDE_RELEASE' && event.decision === 'deny',
      referredToHomeStudy: ({ event }) => event.type === 'DECIDE_RELEASE' && event.decision === 'refer_home_study',
      remandedTo: ({ event }, params: { to: 'application' | 'vetting' | 'home_study' }) =>
        event.type === 'DECIDE_RELEASE' && event.decision === 'remand' && event.remandTo === params.to,
      moreAssessment: ({ event }) => event.type === 'REVIEW_CASE' && event.recommendation === 'more_assessment',
    },
    actions: {
      recordSponsor: assign(({ context, event }) =>
        event.type === 'IDENTIFY_SPONSOR' ? newSponsor(context, event.sponsor, event.at, profiles) : {},
      ),
      retireSponsor: assign(({ context, event }, params: { outcome: 'withdrawn' | 'denied' }) => ({
        sponsorHistory: context.sponsor
          ? [...context.sponsorHistory, { sponsor: context.sponsor, outcome: params.outcome, at: at(event) }]
          : context.sponsorHistory,
        ...NO_SPONSOR,
      })),
      recordFlag: assign(({ context, event }) => {
        if (event.type !== 'FLAG_CHECK' || !context.sponsor) return {};
        const triggers =
          event.sponsorPresentsRisk && !context.homeStudyTriggers.includes('sponsor_presents_risk')
            ? [...context.homeStudyTriggers, 'sponsor_presents_risk' as const]
            : context.homeStudyTriggers;
        return {
          flags: [...context.flags, { check: event.check, findings: event.reason, at: event.at }],
          checkResults: { ...context.checkResults, [event.check]: { outcome: 'flagged', at: event.at } },
          homeStudyTriggers: triggers,
          // A red flag ends the expedited path: the full checks and the third-party review apply.
          expedited: false,
        };
      }),
      recordClear: assign(({ context, event }) =>
        event.type === 'CLEAR_CHECK'
          ? { checkResults: { ...context.checkResults, [event.check]: { outcome: 'cleared', at: event.at } } }
          : {},
      ),
      reevaluateChecks: raise({ type: 'REEVALUATE_CHECKS' }),
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
      transfer: assign(({ context, event }) =>
        event.type === 'TRANSFER_CARE_PROVIDER'
          ? {
              careProviderHistory: [...context.careProviderHistory, { careProviderId: context.careProviderId, until: event.at }],
              careProviderId: event.toCareProviderId,
            }
          : {},
      ),
      recordRelease: assign({ releasedAt: ({ event }) => at(event) }),
      close: assign(({ event }, params: { closure: Closure | 'departure' }) => ({
        closure: params.closure === 'departure' ? (event.type === 'DEPART' ? event.departure : 'repatriation') : params.closure,
        closedAt: at(event),
      })),
    },
  }).createMachine({
    id: 'case',
    initial: 'open',
    context: ({ input }) => ({
      ...input,
      ...NO_SPONSOR,
      sponsorHistory: [],
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
            },
            states: {
              application: {
                on: { COMPLETE_ASSESSMENT: 'vetting' },
              },
              vetting: {
                type: 'parallel',
                on: {
                  COMPLETE_VETTING: [
                    { guard: and(['allChecksResolved', 'homeStudyOutstanding']), target: 'homeStudy' },
                    { guard: 'allChecksResolved', target: 'recommendation' },
                  ],
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
                            { guard: { type: 'hasResult', params: { check, outcome: 'cleared' } }, target: 'cleared' },
                            { guard: { type: 'hasResult', params: { check, outcome: 'flagged' } }, target: 'flagged' },
                            { guard: { type: 'checkRequired', params: { check } }, target: 'pending' },
                            { target: 'notRequired' },
                          ],
                        },
                        pending: {
                          on: {
                            CLEAR_CHECK: {
                              guard: { type: 'isCheck', params: { check } },
                              target: 'cleared',
                              actions: 'recordClear',
                            },
                            FLAG_CHECK: {
                              guard: { type: 'isCheck', params: { check } },
                              target: 'flagged',
                              actions: ['recordFlag', 'reevaluateChecks'],
                            },
                          },
                        },
                        notRequired: {
                          on: { REEVALUATE_CHECKS: { guard: { type: 'checkRequired', params: { check } }, target: 'pending' } },
                        },
                        cleared: {},
                        flagged: {},
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
                    { guard: 'approved', target: 'releaseApproved', actions: 'recordDecision' },
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
                on: { RELEASE_CHILD: { guard: 'childIsMinor', target: '#case.released', actions: 'recordRelease' } },
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

export const caseMachine = createCaseMachine();
export type CaseMachine = typeof caseMachine;
