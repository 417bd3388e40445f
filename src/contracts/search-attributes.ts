import { defineSearchAttributeKey } from '@temporalio/common';

/**
 * The custom search attributes a case keeps on its workflow, so that Temporal (its UI, `temporal
 * workflow list`, the targets broadcast) can find cases by them. Never personal data: the server
 * stores them in the clear (the codec seals payloads, not search attributes). Registered on a
 * namespace before a worker starts: the dev server with `--search-attribute`, a cluster with
 * `temporal operator search-attribute create`. The names are part of the wire contract.
 */
export const CASE_STATUS = defineSearchAttributeKey('CaseStatus', 'KEYWORD');
export const SPONSOR_CATEGORY = defineSearchAttributeKey('SponsorCategory', 'KEYWORD');
export const CARE_PROVIDER = defineSearchAttributeKey('CareProviderId', 'KEYWORD');

export const CASE_SEARCH_ATTRIBUTE_KEYS = [CASE_STATUS, SPONSOR_CATEGORY, CARE_PROVIDER];

/** As the dev server's `--search-attribute NAME=TYPE` and `temporal operator search-attribute create` take them. */
export const CUSTOM_SEARCH_ATTRIBUTES = CASE_SEARCH_ATTRIBUTE_KEYS.map((key) => ({
  name: key.name,
  type: 'Keyword' as const,
}));
