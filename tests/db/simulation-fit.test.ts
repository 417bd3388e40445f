import { runChild } from '../../src/simulation/engine/child';
import { machineFor } from '../../src/simulation/engine/machine';
import { basePlan } from '../../src/simulation/engine/plan';
import { STREAM, mixSeed } from '../../src/simulation/engine/rng';
import { ScenarioSchema } from '../../src/simulation/engine/scenario';
import { fitFromDatabase } from '../../src/simulation/runtime/fit-db';
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
