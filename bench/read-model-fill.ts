import { createCaseActivities } from '../src/activities/case-activities';
import type { Alert } from '../src/contracts/alerts';
import type { CaseEventType, SponsorCategory } from '../src/contracts/case-events';
import type { CaseStatus } from '../src/contracts/case-status';
import type { CaseProjection, CaseTransition } from '../src/contracts/case-view';
import type { Actor } from '../src/contracts/roles';
import { DEFAULT_TARGETS } from '../src/contracts/targets';
import type { PrismaClient } from '../src/db/generated/client';
import { CARE_PROVIDER } from './api';
import { progress } from './progress';
import { pool } from './stats';

/**
 * Fills the read model for the read path without a workflow per case: each synthetic case is written
 * by the worker's own activities (`projectCase`: the case row, its transitions and its hash-chained
 * audit entries in one statement; `recordAlerts`: alerts and their stream events), so the rows, the
 * indexes they touch and their sizes are those the workflows would write. The mix is deterministic
 * in the case's index: stages along the release path, six care providers (one the benchmark's
 * scoped case manager works in), forty case managers, every sponsor category, stays up to 180 days,
 * deadlines past and to come, and alerts fired, acknowledged and resolved.
 */

export const READ_PROVIDERS = [CARE_PROVIDER, 'read-tx-07', 'read-az-02', 'read-ca-11', 'read-il-03', 'read-ny-05'];
export const READ_ASSIGNEES = 40;
const CATEGORIES: (SponsorCategory | null)[] = ['1', '2A', '2B', '3', null];
const DAY = 86_400_000;
const HOUR = 3_600_000;
const REVIEWER: Actor = { id: 'read-ffs', role: 'orr_reviewer' };

/** The release path: each step's event and the status it leads to. */
const PATH: [CaseEventType | 'OPEN_CASE', CaseStatus][] = [
  ['OPEN_CASE', 'intake'],
  ['COMPLETE_INTAKE', 'sponsor_identification'],
  ['IDENTIFY_SPONSOR', 'application'],
  ['COMPLETE_ASSESSMENT', 'vetting'],
  ['CLEAR_CHECK', 'vetting'],
  ['CLEAR_CHECK', 'vetting'],
  ['COMPLETE_VETTING', 'home_study'],
  ['COMPLETE_HOME_STUDY', 'recommendation'],
  ['RECOMMEND_RELEASE', 'release_decision'],
  ['DECIDE_RELEASE', 'release_approved'],
  ['RELEASE_CHILD', 'released'],
  ['COMPLETE_FOLLOW_UP', 'closed'],
];

/** How far along the path each case is: most in care, a third discharged. */
const STOPS = [0, 1, 1, 2, 2, 3, 5, 6, 7, 8, 9, 10, 10, 11, 11];

export interface ReadModelSize {
  cases: number;
  transitions: number;
  alerts: number;
}

/** Writes `count` cases (ids prefixed `READ-<run>`), `concurrency` at a time; answers what it wrote. */
export async function fillReadModel(prisma: PrismaClient, run: string, count: number, concurrency = 8): Promise<ReadModelSize> {
  const { projectCase, recordAlerts } = createCaseActivities({ prisma });
  const now = Date.now();
  const size: ReadModelSize = { cases: 0, transitions: 0, alerts: 0 };
  let lastReport = Date.now();
  await pool(
    count,
    concurrency,
    async (i) => {
      const projection = syntheticCase(`READ-${run}-${String(i).padStart(5, '0')}`, i, now);
      await projectCase(projection);
      const alerts = alertsOf(projection, i, now);
      if (alerts.fired.length > 0) await recordAlerts(alerts);
      size.cases += 1;
      size.transitions += projection.transitions.length;
      size.alerts += alerts.fired.length;
    },
    (done) => {
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        progress(`Read model: ${done}/${count} cases written`);
      }
    },
  );
  await prisma.$executeRawUnsafe('ANALYZE');
  return size;
}

/** Case `i`: admitted up to 180 days ago, its transitions spread over its stay so far. */
function syntheticCase(caseId: string, i: number, now: number): CaseProjection {
  const stop = STOPS[(i * 7) % STOPS.length]!;
  const admitted = now - ((i * 7919) % 180) * DAY - (i % 24) * HOUR;
  const steps = PATH.slice(0, stop + 1);
  const span = Math.max(HOUR, now - admitted - HOUR);
  const assigneeId = `cm-read-${i % READ_ASSIGNEES}`;
  const category = CATEGORIES[i % CATEGORIES.length]!;
  const transitions: CaseTransition[] = steps.map(([event, toStatus], seq) => ({
    seq,
    event,
    fromStatus: seq === 0 ? null : steps[seq - 1]![1],
    toStatus,
    actor: event === 'DECIDE_RELEASE' ? REVIEWER : { id: assigneeId, role: 'case_manager' },
    reason: null,
    at: new Date(admitted + Math.round((span * seq) / PATH.length)).toISOString(),
    requestId: `read-${i}-${seq}`,
    subject: seq < 2 ? null : { sponsorId: `${caseId}-sponsor` },
  }));
  const status = steps.at(-1)![1];
  const last = transitions.at(-1)!;
  const discharged = stop >= 10 ? transitions[10]!.at : null;
  const due = discharged ? null : admitted + DEFAULT_TARGETS.lengthOfStayDays[category ?? '3'] * DAY;
  return {
    caseId,
    workflowId: `case-${caseId}`,
    careProviderId: READ_PROVIDERS[i % READ_PROVIDERS.length]!,
    status,
    sponsorCategory: stop >= 2 ? category : null,
    admittedAt: new Date(admitted).toISOString(),
    releasedAt: discharged,
    transitions,
    lastSeq: last.seq,
    assigneeId,
    policyProfile: stop >= 2 ? 'ORR-2024' : null,
    dischargedAt: discharged,
    revision: last.seq,
    deadlines: due
      ? {
          nextDeadlineAt: new Date(due).toISOString(),
          nextDeadlineLabel: 'Length of stay',
          atRiskAt: new Date(due - 3 * DAY).toISOString(),
        }
      : { nextDeadlineAt: null, nextDeadlineLabel: null, atRiskAt: null },
  };
}

/** The length-of-stay alerts the case would have fired by now: a warning, then escalations every 3 days. */
function alertsOf(projection: CaseProjection, i: number, now: number) {
  const admitted = Date.parse(projection.admittedAt);
  const end = projection.dischargedAt ? Date.parse(projection.dischargedAt) : now;
  const category = (projection.sponsorCategory ?? '3') as SponsorCategory;
  const target = DEFAULT_TARGETS.lengthOfStayDays[category];
  const steps: { kind: Alert['kind']; repeat: number; dueAt: number; level: Alert['level'] }[] = [
    { kind: 'warning', repeat: 0, dueAt: admitted + target * 0.7 * DAY, level: 'supervisor' },
  ];
  for (let repeat = 0; repeat < 6; repeat += 1)
    steps.push({
      kind: 'escalation',
      repeat,
      dueAt: admitted + (target + repeat * 3) * DAY,
      level: repeat < 3 ? 'supervisor' : 'program_lead',
    });
  const fired: Alert[] = steps
    .filter((step) => step.dueAt <= end)
    .map((step) => ({
      id: `${projection.caseId}:length_of_stay:${step.kind}-${step.repeat}`,
      caseId: projection.caseId,
      careProviderId: projection.careProviderId,
      sponsorCategory: projection.sponsorCategory as SponsorCategory | null,
      rule: 'length_of_stay',
      chain: 'length_of_stay',
      kind: step.kind,
      repeat: step.repeat,
      level: step.level,
      dueAt: new Date(step.dueAt).toISOString(),
      firedAt: new Date(step.dueAt + 1000).toISOString(),
      message: `${projection.caseId}: ${step.kind === 'warning' ? 'Nearing' : 'Over'} the length-of-stay target of ${target} days.`,
    }));
  const resolvedAt = projection.dischargedAt;
  return {
    fired,
    resolved: resolvedAt ? fired.map((alert) => ({ alertId: alert.id, at: resolvedAt })) : [],
    acknowledged: fired
      .filter((_, k) => (i + k) % 3 === 0)
      .map((alert) => ({
        alertId: alert.id,
        actor: { id: `sup-read-${i % 5}`, role: 'supervisor' as const },
        at: alert.firedAt,
        note: null,
      })),
  };
}
