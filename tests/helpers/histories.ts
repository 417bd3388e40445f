import type { HistoricalEvent } from '../../src/contracts/case-input';
import type { ImportCase } from '../../src/contracts/imports';
import { caseManager, reviewer } from './builders';

/** Histories to import: a Category 1 case on the expedited path, an event a day from its admission. */
const DAY = 86_400_000;

const EXPEDITED: HistoricalEvent['event'][] = [
  { type: 'COMPLETE_INTAKE', actor: caseManager },
  {
    type: 'IDENTIFY_SPONSOR',
    actor: caseManager,
    sponsor: { category: '1', related: true, presentsRisk: false, sponsoredBefore: false, seekingMultiple: false },
  },
  { type: 'COMPLETE_ASSESSMENT', actor: caseManager },
  ...(['identity', 'relationship', 'public_records', 'sex_offender', 'fbi_fingerprint'] as const).map(
    (check): HistoricalEvent['event'] => ({ type: 'CLEAR_CHECK', actor: caseManager, check }),
  ),
  { type: 'COMPLETE_VETTING', actor: caseManager },
  { type: 'RECOMMEND_RELEASE', actor: caseManager, recommendation: 'release' },
  { type: 'DECIDE_RELEASE', actor: reviewer, decision: 'approve' },
  { type: 'RELEASE_CHILD', actor: caseManager },
  { type: 'COMPLETE_FOLLOW_UP', actor: caseManager },
];

/** The first `steps` events of the expedited path (all of them: a closed case), one every `everyDays` from admission. */
export function expeditedCase(caseId: string, admittedAt: string, steps = EXPEDITED.length, everyDays = 1): ImportCase {
  const start = Date.parse(admittedAt);
  return {
    caseId,
    admittedAt,
    careProviderId: 'shelter-tx-07',
    child: { birthDate: '2014-03-04', traffickingVictim: false, disability: false, abuseVictim: false },
    openedBy: caseManager,
    events: EXPEDITED.slice(0, steps).map((event, i) => ({ at: new Date(start + (i + 1) * everyDays * DAY).toISOString(), event })),
  };
}
