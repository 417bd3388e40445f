import type { Check } from '../../contracts/case-events';
import type { Distribution } from './distributions';
import { lognormal } from './distributions';
import type { CategoryKey, Stage } from './scenario';

/**
 * Built-in stage durations: a shape, not a measurement. Where a number has a source it is the
 * source's (application packet 7 days, follow-up call at 30, fingerprints slower than name-based
 * checks); the rest are our assumptions. Calibrate the overall length of care to a period
 * (`lengthOfCare`) or fit the stages from the read model (`--fit-from-db`) before reading results
 * as figures.
 */
export const DEFAULT_STAGE_DAYS: Readonly<Record<Stage, Distribution>> = {
  intake: lognormal(1, 0.5),
  sponsor_identification: lognormal(4, 1),
  no_viable_sponsor: lognormal(90, 0.8),
  application: lognormal(7, 0.8),
  vetting: lognormal(0.5, 0.8),
  home_study: lognormal(21, 0.6),
  recommendation: lognormal(2, 0.8),
  third_party_review: lognormal(2, 0.8),
  release_decision: lognormal(2, 0.8),
  release_approved: lognormal(1.5, 0.6),
  released: lognormal(31, 0.1),
};

export const DEFAULT_CHECK_DAYS: Readonly<Record<Check, Distribution>> = {
  identity: lognormal(2, 0.6),
  relationship: lognormal(3, 0.8),
  public_records: lognormal(3, 0.6),
  sex_offender: lognormal(1, 0.5),
  fbi_fingerprint: lognormal(10, 0.7),
  can_registry: lognormal(14, 0.8),
  prior_sponsorship: lognormal(2, 0.6),
};

/** Parents are found and return the packet sooner; distant relatives and unrelated sponsors later. */
export const DEFAULT_BY_CATEGORY: Readonly<Partial<Record<CategoryKey, { stages: Partial<Record<Stage, Distribution>> }>>> = {
  '1': { stages: { sponsor_identification: lognormal(2, 1), application: lognormal(4, 0.8) } },
  '3': { stages: { sponsor_identification: lognormal(7, 1), application: lognormal(10, 0.8) } },
};
