import type { PersonRole } from '../../../src/contracts/session';

/** Where each role starts, and the pages in the order that role uses them. */
export const HOME: Record<PersonRole, string> = {
  case_manager: '/caseload',
  case_coordinator: '/inbox',
  orr_reviewer: '/inbox',
  // Appeals have no inbox of their own yet: an appeal reviewer finds the denied case in the caseload.
  appeal_reviewer: '/caseload',
  supervisor: '/alerts',
  admin: '/caseload',
};

/** The stage whose decision waits on a role, for its inbox. */
export const INBOX_STAGE: Partial<Record<PersonRole, 'release_decision' | 'third_party_review'>> = {
  orr_reviewer: 'release_decision',
  case_coordinator: 'third_party_review',
  supervisor: 'release_decision',
  admin: 'release_decision',
};

/** Roles that acknowledge alerts and act on many cases at once. */
export const isSupervisor = (role: PersonRole): boolean => role === 'supervisor';
