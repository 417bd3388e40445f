import type { PrismaClient } from '../../src/db/generated/client';

/**
 * Seven cases over February to April 2026, written straight into the read model, whose figures are
 * worked out by hand in tests/db/analytics.test.ts. Times are midnight UTC on the day named.
 *
 *  A  Category 1, shelter P1: admitted 03-01, one day a stage, released 03-09 (8 days)
 *  B  Category 1, P1: admitted 03-01, remanded to vetting once (vetting 2 then 3 days), released 03-15 (14 days)
 *  C  Category 2A, admitted at P1 03-05, transferred to P2 03-08 while in sponsor identification, released 03-20 (15 days)
 *  D  no sponsor, P2: admitted 03-10, aged out 03-21 (11 days)
 *  E  Category 1, P1: admitted 03-25, in application since 03-27: open
 *  F  Category 1, P1: admitted 02-01, released 02-10 (before the period), follow-up closed it 03-12
 *  G  Category 2B, P2: admitted 02-20, in home study since 03-10 until 04-03, still in care on 04-01
 */

const day = (d: string): Date => new Date(`2026-${d}T00:00:00.000Z`);

type Step = [event: string, to: string, on: string, provider?: string];

interface FixtureCase {
  id: string;
  category: string | null;
  profile: string | null;
  provider: string;
  admitted: string;
  steps: Step[];
  deadlines?: { next: string; atRisk: string };
}

const PATH: Step[] = [
  ['COMPLETE_INTAKE', 'sponsor_identification', ''],
  ['IDENTIFY_SPONSOR', 'application', ''],
  ['COMPLETE_ASSESSMENT', 'vetting', ''],
  ['COMPLETE_VETTING', 'recommendation', ''],
  ['RECOMMEND_RELEASE', 'release_decision', ''],
  ['DECIDE_RELEASE', 'release_approved', ''],
  ['RELEASE_CHILD', 'released', ''],
];
/** The main path's events on the days given, in order. */
const path = (...days: string[]): Step[] => days.map((on, i) => [PATH[i]![0], PATH[i]![1], on]);

export const FIXTURE: FixtureCase[] = [
  {
    id: 'FX-A',
    category: '1',
    profile: 'fg26-2025',
    provider: 'P1',
    admitted: '03-01',
    steps: path('03-02', '03-03', '03-04', '03-06', '03-07', '03-08', '03-09'),
    deadlines: { next: '04-15', atRisk: '04-08' },
  },
  {
    id: 'FX-B',
    category: '1',
    profile: 'fg26-2025',
    provider: 'P1',
    admitted: '03-01',
    steps: [
      ...path('03-02', '03-03', '03-05', '03-07', '03-08'),
      ['DECIDE_RELEASE', 'vetting', '03-09'],
      ['COMPLETE_VETTING', 'recommendation', '03-12'],
      ['RECOMMEND_RELEASE', 'release_decision', '03-13'],
      ['DECIDE_RELEASE', 'release_approved', '03-14'],
      ['RELEASE_CHILD', 'released', '03-15'],
      ['COMPLETE_FOLLOW_UP', 'closed', '03-30'],
    ],
  },
  {
    id: 'FX-C',
    category: '2A',
    profile: 'baseline-2015',
    provider: 'P1',
    admitted: '03-05',
    steps: [
      ['COMPLETE_INTAKE', 'sponsor_identification', '03-06'],
      ['TRANSFER_CARE_PROVIDER', 'sponsor_identification', '03-08', 'P2'],
      ['IDENTIFY_SPONSOR', 'application', '03-10'],
      ['COMPLETE_ASSESSMENT', 'vetting', '03-12'],
      ['COMPLETE_VETTING', 'recommendation', '03-15'],
      ['RECOMMEND_RELEASE', 'third_party_review', '03-16'],
      ['REVIEW_CASE', 'release_decision', '03-17'],
      ['DECIDE_RELEASE', 'release_approved', '03-18'],
      ['RELEASE_CHILD', 'released', '03-20'],
    ],
  },
  {
    id: 'FX-D',
    category: null,
    profile: null,
    provider: 'P2',
    admitted: '03-10',
    steps: [
      ['COMPLETE_INTAKE', 'sponsor_identification', '03-11'],
      ['AGE_OUT', 'closed', '03-21'],
    ],
  },
  {
    id: 'FX-E',
    category: '1',
    profile: 'fg26-2025',
    provider: 'P1',
    admitted: '03-25',
    steps: path('03-26', '03-27'),
    deadlines: { next: '03-28', atRisk: '03-27' },
  },
  {
    id: 'FX-F',
    category: '1',
    profile: 'fg26-2025',
    provider: 'P1',
    admitted: '02-01',
    steps: [...path('02-02', '02-03', '02-04', '02-06', '02-07', '02-08', '02-10'), ['COMPLETE_FOLLOW_UP', 'closed', '03-12']],
  },
  {
    id: 'FX-G',
    category: '2B',
    profile: 'fg26-2025',
    provider: 'P2',
    admitted: '02-20',
    steps: [
      ...path('02-21', '02-25', '03-02'),
      ['COMPLETE_VETTING', 'home_study', '03-10'],
      ['COMPLETE_HOME_STUDY', 'recommendation', '04-03'],
    ],
    deadlines: { next: '04-05', atRisk: '03-30' },
  },
];

const DISCHARGES = new Set(['RELEASE_CHILD', 'AGE_OUT', 'DEPART']);

/** Writes the fixture; every case's last step is its status, as the projection would leave it. */
export async function writeOutcomeFixture(prisma: PrismaClient): Promise<void> {
  for (const c of FIXTURE) {
    const status = c.steps.at(-1)?.[1] ?? 'intake';
    const discharge = c.steps.find(([event]) => DISCHARGES.has(event));
    const release = c.steps.find(([event]) => event === 'RELEASE_CHILD');
    const provider = c.steps.reduce((p, step) => step[3] ?? p, c.provider);
    await prisma.case.create({
      data: {
        id: c.id,
        workflowId: `case-${c.id}`,
        careProviderId: provider,
        status,
        sponsorCategory: c.category,
        policyProfile: c.profile,
        admittedAt: day(c.admitted),
        releasedAt: release ? day(release[2]) : null,
        dischargedAt: discharge ? day(discharge[2]) : null,
        lastSeq: c.steps.length,
        nextDeadlineAt: c.deadlines ? day(c.deadlines.next) : null,
        atRiskAt: c.deadlines ? day(c.deadlines.atRisk) : null,
        assigneeId: 'cm-ana',
      },
    });
    let current = { status: 'intake', provider: c.provider };
    const transitions = [
      { seq: 0, event: 'OPEN_CASE', fromStatus: null, toStatus: 'intake', occurredAt: day(c.admitted), careProviderId: c.provider },
      ...c.steps.map(([event, to, on, movedTo], i) => {
        const row = {
          seq: i + 1,
          event,
          fromStatus: current.status,
          toStatus: to,
          occurredAt: day(on),
          careProviderId: movedTo ?? current.provider,
        };
        current = { status: to, provider: row.careProviderId };
        return row;
      }),
    ];
    await prisma.caseTransition.createMany({
      data: transitions.map((t) => ({ ...t, caseId: c.id, actorId: 'cm-ana', actorRole: 'case_manager', reason: null })),
    });
  }
}
