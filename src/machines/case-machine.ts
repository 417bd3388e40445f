import { assign, setup } from 'xstate';

import type { CaseEvent } from '../contracts/case-events';
import type { Sponsor } from '../contracts/case-events';
import type { ChildFacts } from '../contracts/case-input';
import type { HomeStudyTrigger } from './policy';
import { homeStudyTriggers } from './policy';

/**
 * The case statechart. Pure: no I/O, no clock, no delays. The host (the case workflow) stamps
 * each event with its time and runs the machine with XState's pure `transition()`.
 */

export interface CaseMachineInput {
  caseId: string;
  careProviderId: string;
  admittedAt: string;
  child: ChildFacts;
}

export interface CaseContext extends CaseMachineInput {
  sponsor: Sponsor | null;
  homeStudyTriggers: HomeStudyTrigger[];
  releasedAt: string | null;
}

/** An event as the machine sees it: stamped with the time the host received it. */
export type CaseMachineEvent = CaseEvent & { at: string };

export const caseMachine = setup({
  types: {
    context: {} as CaseContext,
    events: {} as CaseMachineEvent,
    input: {} as CaseMachineInput,
  },
  guards: {
    homeStudyRequired: ({ context }) => context.homeStudyTriggers.length > 0,
  },
  actions: {
    recordSponsor: assign(({ context, event }) => {
      if (event.type !== 'IDENTIFY_SPONSOR') return {};
      return {
        sponsor: event.sponsor,
        homeStudyTriggers: homeStudyTriggers(context.child, event.sponsor, event.at),
      };
    }),
    recordRelease: assign({ releasedAt: ({ event }) => event.at }),
  },
}).createMachine({
  id: 'case',
  initial: 'intake',
  context: ({ input }) => ({ ...input, sponsor: null, homeStudyTriggers: [], releasedAt: null }),
  states: {
    intake: {
      on: { COMPLETE_INTAKE: 'sponsorIdentification' },
    },
    sponsorIdentification: {
      on: { IDENTIFY_SPONSOR: { target: 'vetting', actions: 'recordSponsor' } },
    },
    vetting: {
      on: {
        COMPLETE_VETTING: [{ guard: 'homeStudyRequired', target: 'homeStudy' }, { target: 'releaseDecision' }],
      },
    },
    homeStudy: {
      on: { COMPLETE_HOME_STUDY: 'releaseDecision' },
    },
    releaseDecision: {
      on: { DECIDE_RELEASE: 'releaseApproved' },
    },
    releaseApproved: {
      on: { RELEASE_CHILD: { target: 'released', actions: 'recordRelease' } },
    },
    released: { type: 'final' },
  },
});

export type CaseMachine = typeof caseMachine;
