import type { Client } from '@temporalio/client';

import { buildApp } from '../../src/api/app';
import { runChild } from '../../src/simulation/engine/child';
import { machineFor } from '../../src/simulation/engine/machine';
import { basePlan } from '../../src/simulation/engine/plan';
import { STREAM, mixSeed } from '../../src/simulation/engine/rng';
import { ScenarioSchema } from '../../src/simulation/engine/scenario';
import { fitFromDatabase } from '../../src/simulation/runtime/fit-db';
import { testVerify, tokenFor } from '../helpers/auth';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(120_000);

const testDb = useTestDatabase();

/**
 * `--fit-from-db` against the read model: cases and transitions written as the projection writes
 * them (here, those of simulated children), read back and fitted.
 */
describe(`durations fitted from the read model on ${process.env['DATABASE_URL'] ? 'a PostgreSQL server' : 'PGlite'}`, () => {
  it('reads every case and transition and recovers the stage durations they were made with', async () => {
    const scenario = ScenarioSchema.parse({
      start: '2024-02-01',
      days: 400,
      arrivals: { kind: 'rate', perDay: 1 },
      caseManagers: 1,
      fundedBeds: 1,
    });
    const plan = basePlan(scenario);
    const machine = machineFor('by-date', scenario.start);
    const cases: {
      id: string;
      workflowId: string;
      careProviderId: string;
      status: string;
      sponsorCategory: string | null;
      admittedAt: Date;
      lastSeq: number;
    }[] = [];
    const transitions: {
      caseId: string;
      seq: number;
      event: string;
      fromStatus: string | null;
      toStatus: string;
      actorId: string;
      actorRole: string;
      occurredAt: Date;
    }[] = [];
    for (let i = 0; i < 400; i += 1) {
      const id = `UC-SIM-${i}`;
      const admittedAt = new Date(plan.startMs);
      const rows = [
        {
          caseId: id,
          seq: 0,
          event: 'OPEN_CASE',
          fromStatus: null as string | null,
          toStatus: 'intake',
          actorId: 'cm',
          actorRole: 'case_manager',
          occurredAt: admittedAt,
        },
      ];
      const outcome = runChild(
        plan,
        machine,
        { index: i, seed: mixSeed(21, STREAM.child, i), admittedMs: plan.startMs },
        plan.startMs + 3650 * 86_400_000,
        {
          transition: (event, toStatus, atMs) =>
            rows.push({
              caseId: id,
              seq: rows.length,
              event: event.type,
              fromStatus: rows.at(-1)!.toStatus,
              toStatus,
              actorId: event.actor.id,
              actorRole: event.actor.role,
              occurredAt: new Date(atMs),
            }),
        },
      );
      const sponsorCategory = outcome.category === '4' ? null : outcome.category;
      cases.push({
        id,
        workflowId: `case-${id}`,
        careProviderId: 'sim-provider',
        status: rows.at(-1)!.toStatus,
        sponsorCategory,
        admittedAt,
        lastSeq: rows.length - 1,
      });
      transitions.push(...rows);
    }
    const { prisma } = testDb.db;
    await prisma.case.createMany({ data: cases });
    await prisma.caseTransition.createMany({ data: transitions });

    const fit = await fitFromDatabase(prisma);
    expect(fit.cases).toBe(400);
    expect(fit.samples.intake).toBe(400);
    expect(fit.durations.inheritDefaults).toBe(false);
    const mean = (d: unknown) => (d as { mean: number }).mean;
    // The built-in follow-up call comes 31 days after release (cv 0.1); intake takes 1 day.
    expect(Math.abs(mean(fit.durations.stages.released) - 31) / 31).toBeLessThan(0.03);
    expect(Math.abs(mean(fit.durations.stages.intake) - 1)).toBeLessThan(0.15);
    expect(fit.durations.byCategory['1']?.stages?.application).toBeDefined();
  });
});

/** A request Schemathesis sent (R4 of `npm run faults`) that got a 500: the read model's durations with a what-if on a one-day scenario. */
const FOUND_BY_SCHEMATHESIS = {
  charts: false,
  fitFromDatabase: true,
  runs: 5,
  sample: 1,
  scenario: {
    arrivals: { kind: 'rate', perDay: 0.0 },
    caseManagers: 1,
    days: 1,
    durations: {},
    fundedBeds: 0,
    initialInCare: 0,
    label: 'base',
    lengthOfCare: [{ from: '2000-01-01', meanDays: 0.5 }],
    mix: {},
    process: {},
    profile: 'by-date',
    start: '2000-01-01',
    targets: {
      ageOutPlanDays: 14,
      ageOutWarningDays: 60,
      followUpDueDays: 30,
      followUpOverdueDays: 37,
      lengthOfStayDays: { '1': 10, '2A': 14, '2B': 21, '3': 30 },
      repeatEveryDays: 3,
      repeatsPerLevel: 2,
      stages: [
        {
          days: 3,
          from: 'admission',
          name: 'sponsor_identified',
          source: 'domain default: sponsor identified by day 3',
          statuses: ['intake', 'sponsor_identification'],
        },
        {
          days: 7,
          from: 'stage_entry',
          name: 'application',
          source: 'care-provider procedures: packet returned in 7 days',
          statuses: ['application'],
        },
        {
          days: 5,
          from: 'stage_entry',
          name: 'vetting',
          source: 'domain default: checks done 5 days after requested',
          statuses: ['vetting'],
        },
        { days: 10, from: 'stage_entry', name: 'home_study', source: 'domain default: home study 10 days', statuses: ['home_study'] },
        {
          days: 2,
          from: 'stage_entry',
          name: 'recommendation',
          source: 'domain default: each review step 2 days',
          statuses: ['recommendation'],
        },
        {
          days: 2,
          from: 'stage_entry',
          name: 'third_party_review',
          source: 'domain default: each review step 2 days',
          statuses: ['third_party_review'],
        },
        {
          days: 2,
          from: 'stage_entry',
          name: 'release_decision',
          source: 'domain default: each review step 2 days',
          statuses: ['release_decision'],
        },
        {
          days: 2,
          from: 'stage_entry',
          name: 'release',
          source: 'our default: physical release within 2 days of approval',
          statuses: ['release_approved'],
        },
        {
          days: 30,
          from: 'stage_entry',
          name: 'category_4_review',
          repeatEveryDays: 30,
          source: 'domain default: Category 4 reviewed every 30 days',
          statuses: ['no_viable_sponsor'],
        },
      ],
      warnAtFraction: 0.7,
    },
  },
  seed: 1,
  whatIf: { changes: [{ category: '1', change: 'mean_stay', days: 0.5 }], label: '0' },
};

describe('POST /simulations fitted from the read model', () => {
  it('refuses a scenario that starts before any policy profile with a 400 naming the field, never a 500 (found by Schemathesis, issue 15)', async () => {
    const { prisma } = testDb.db;
    const at = Date.parse('2024-03-01T00:00:00Z');
    await prisma.case.create({
      data: {
        id: 'UC-FEW-1',
        workflowId: 'case-UC-FEW-1',
        careProviderId: 'sim-provider',
        status: 'sponsor_identification',
        sponsorCategory: null,
        admittedAt: new Date(at),
        lastSeq: 1,
      },
    });
    await prisma.caseTransition.createMany({
      data: [
        {
          caseId: 'UC-FEW-1',
          seq: 0,
          event: 'OPEN_CASE',
          fromStatus: null,
          toStatus: 'intake',
          actorId: 'cm',
          actorRole: 'case_manager',
          occurredAt: new Date(at),
        },
        {
          caseId: 'UC-FEW-1',
          seq: 1,
          event: 'COMPLETE_INTAKE',
          fromStatus: 'intake',
          toStatus: 'sponsor_identification',
          actorId: 'cm',
          actorRole: 'case_manager',
          occurredAt: new Date(at + 60_000),
        },
      ],
    });
    const app = await buildApp({ temporal: {} as Client, prisma, taskQueue: 'unused', verify: testVerify });
    const authorization = `Bearer ${await tokenFor({ id: 'ffs-ana', role: 'orr_reviewer' })}`;
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/simulations',
        headers: { authorization },
        payload: FOUND_BY_SCHEMATHESIS,
      });
      // The scenario starts in 2000, before any policy profile: a 400 naming the field, not a 500.
      expect(res.statusCode).toBe(400);
      expect((res.json() as { issues: { path: string; message: string }[] }).issues).toEqual([
        { where: 'body', path: 'scenario.start', message: 'is before 2015-01-27, when the earliest policy profile took effect' },
      ]);
      const fixed = {
        ...FOUND_BY_SCHEMATHESIS,
        scenario: { ...FOUND_BY_SCHEMATHESIS.scenario, start: '2024-01-01', lengthOfCare: [{ from: '2024-01-01', meanDays: 0.5 }] },
      };
      const answered = await app.inject({ method: 'POST', url: '/simulations', headers: { authorization }, payload: fixed });
      expect(answered.statusCode).toBe(200);
      expect((answered.json() as { fit: { cases: number } }).fit.cases).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
