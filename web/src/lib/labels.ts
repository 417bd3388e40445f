import type { CaseStatus } from '../../../src/contracts/case-status';

/** Words for a person in place of the API's identifiers; an identifier with no entry is shown as it is, spaced. */

const STATUS: Record<CaseStatus, string> = {
  intake: 'Intake',
  sponsor_identification: 'Sponsor identification',
  no_viable_sponsor: 'No viable sponsor (Category 4)',
  application: 'Application',
  vetting: 'Vetting',
  home_study: 'Home study',
  recommendation: 'Recommendation',
  third_party_review: 'Third-party review',
  release_decision: 'ORR decision',
  release_approved: 'Release approved',
  released: 'Released',
  closed: 'Closed',
};

const ROLE: Record<string, string> = {
  case_manager: 'Case manager',
  case_coordinator: 'Case coordinator',
  orr_reviewer: 'ORR reviewer',
  appeal_reviewer: 'Appeal reviewer',
  supervisor: 'Supervisor',
  admin: 'Administrator',
  system: 'Reunify',
};

const EVENT: Record<string, string> = {
  OPEN_CASE: 'Case opened',
  COMPLETE_INTAKE: 'Complete intake',
  IDENTIFY_SPONSOR: 'Identify sponsor',
  NO_VIABLE_SPONSOR: 'No viable sponsor',
  COMPLETE_ASSESSMENT: 'Complete assessment',
  ADD_HOUSEHOLD_MEMBER: 'Add a household member',
  REMOVE_HOUSEHOLD_MEMBER: 'Remove a household member',
  CLEAR_CHECK: 'Clear a check',
  FLAG_CHECK: 'Flag a check',
  DECIDE_HOUSEHOLD_FLAG: "Decide a household member's flag",
  SCHEDULE_FINGERPRINTS: 'Schedule fingerprints',
  COMPLETE_VETTING: 'Complete vetting',
  REQUEST_HOME_STUDY: 'Request home study',
  COMPLETE_HOME_STUDY: 'Complete home study',
  RECOMMEND_RELEASE: 'Recommend',
  REVIEW_CASE: 'Review case',
  DECIDE_RELEASE: 'Decide release',
  RELEASE_CHILD: 'Release child',
  COMPLETE_FOLLOW_UP: 'Complete follow-up',
  SPONSOR_WITHDREW: 'Sponsor withdrew',
  TRANSFER_CARE_PROVIDER: 'Transfer care provider',
  AGE_OUT: 'Age out',
  DEPART: 'Departure',
  RECORD_AGE_OUT_PLAN: 'Record the post-18 plan',
  FILE_APPEAL: 'File an appeal',
  ACKNOWLEDGE_APPEAL: 'Acknowledge an appeal',
  DECIDE_APPEAL: 'Decide an appeal',
};

const WORDS: Record<string, string> = {
  fbi_fingerprint: 'FBI fingerprints',
  can_registry: 'Child abuse and neglect registry',
  sex_offender: 'Sex offender registry',
};

/** "public_records" -> "Public records". */
export function humanize(identifier: string): string {
  if (WORDS[identifier]) return WORDS[identifier];
  const words = identifier.replace(/[_-]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export const statusLabel = (status: string): string => STATUS[status as CaseStatus] ?? humanize(status);
export const roleLabel = (role: string): string => ROLE[role] ?? humanize(role);
export const eventLabel = (event: string): string => EVENT[event] ?? humanize(event);
