import { patched, upsertSearchAttributes } from '@temporalio/workflow';

import { CARE_PROVIDER, CASE_STATUS, SPONSOR_CATEGORY } from '../contracts/search-attributes';
import type { CaseState } from './case-state';

/**
 * Issue 15: a case keeps its search attributes (status, sponsor category, care provider) up to
 * date, so that Temporal's UI and the targets broadcast can find cases by them. Cases started
 * before it keep none until they continue as new. Never rename it.
 */
export const SEARCH_ATTRIBUTES_PATCH = 'i15-search-attributes';

/** Upserts the case's search attributes when one of them changed; an upsert rides on the workflow task that follows. */
export class CaseSearchAttributes {
  private last: string | null = null;
  private readonly enabled = patched(SEARCH_ATTRIBUTES_PATCH);

  keep(state: CaseState): void {
    if (!this.enabled) return;
    const { status, sponsorCategory, careProviderId } = state.searchAttributes();
    const current = JSON.stringify([status, sponsorCategory, careProviderId]);
    if (current === this.last) return;
    this.last = current;
    upsertSearchAttributes([
      { key: CASE_STATUS, value: status },
      { key: SPONSOR_CATEGORY, value: sponsorCategory },
      { key: CARE_PROVIDER, value: careProviderId },
    ]);
  }
}
