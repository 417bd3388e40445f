import { readdirSync } from 'node:fs';

import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { LogEntry } from '@temporalio/worker';
import { DefaultLogger } from '@temporalio/worker';

import type { ProjectionResult } from '../../src/activities/case-activities';
import { createCaseActivities } from '../../src/activities/case-activities';
import { appendAudit, readAudit } from '../../src/audit/chain';
import type { CaseProjection, CaseTransition } from '../../src/contracts/case-view';
import { openDatabase } from '../../src/db/client';
import { MIGRATIONS_DIR, assertMigrated } from '../../src/db/migrations';
import { caseManager, reviewer } from '../helpers/builders';
import { createEmptyDatabase, useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

const testDb = useTestDatabase();

const transition = (
  seq: number,
  event: CaseTransition['event'],
  from: CaseTransition['fromStatus'],
  to: CaseTransition['toStatus'],
): CaseTransition => ({
  seq,
  event,
  fromStatus: from,
  toStatus: to,
  actor: event === 'DECIDE_RELEASE' ? reviewer : caseManager,
  reason: null,
  at: new Date(Date.UTC(2026, 10, 2, 14, seq)).toISOString(),
  requestId: `req-${seq}`,
  subject: null,
});

const projection = (caseId: string, status: CaseProjection['status'], transitions: CaseTransition[]): CaseProjection => ({
  caseId,
  workflowId: `case-${caseId}`,
  careProviderId: 'shelter-tx-07',
  status,
  sponsorCategory: status === 'intake' || status === 'sponsor_identification' ? null : '1',
  admittedAt: '2026-11-02T14:00:00.000Z',
  releasedAt: null,
  transitions,
});

describe(`projectCase on ${process.env['DATABASE_URL'] ? 'the PostgreSQL server in DATABASE_URL' : 'the embedded PostgreSQL server'}`, () => {
  it('writes the case row and one row per transition', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const result = await projectCase(
      projection('UC-DB-1', 'sponsor_identification', [
        transition(0, 'OPEN_CASE', null, 'intake'),
        transition(1, 'COMPLETE_INTAKE', 'intake', 'sponsor_identification'),
      ]),
    );
    expect(result).toEqual({ lastSeq: 1, targetsVersion: 0, written: 'one statement' });
    const row = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-1' } });
    expect(row).toMatchObject({ status: 'sponsor_identification', lastSeq: 1, careProviderId: 'shelter-tx-07' });
    const rows = await testDb.db.prisma.caseTransition.findMany({ where: { caseId: 'UC-DB-1' }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.seq, r.event, r.toStatus, r.actorRole])).toEqual([
      [0, 'OPEN_CASE', 'intake', 'case_manager'],
      [1, 'COMPLETE_INTAKE', 'sponsor_identification', 'case_manager'],
    ]);
  });

  it('is idempotent: running the same projection again changes nothing', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const input = projection('UC-DB-2', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]);
    await projectCase(input);
    const before = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-2' } });
    // A retry on another worker (which assumes the opened case's chain is empty) and on this one.
    expect((await createCaseActivities({ prisma: testDb.db.prisma }).projectCase(input)).written).toBe('under lock');
    expect(await testDb.db.prisma.auditEntry.count({ where: { caseId: 'UC-DB-2' } })).toBe(1);
    await projectCase(input);
    const after = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-2' } });
    expect(after).toEqual(before);
    expect(await testDb.db.prisma.caseTransition.count({ where: { caseId: 'UC-DB-2' } })).toBe(1);
  });

  it('never lets a late retry of an older projection move the case backwards', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const older = projection('UC-DB-3', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]);
    const newer = projection('UC-DB-3', 'vetting', [
      transition(1, 'COMPLETE_INTAKE', 'intake', 'sponsor_identification'),
      transition(2, 'IDENTIFY_SPONSOR', 'sponsor_identification', 'vetting'),
    ]);
    await projectCase(older);
    await projectCase(newer);
    await projectCase(older);
    const row = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-3' } });
    expect(row).toMatchObject({ status: 'vetting', lastSeq: 2, sponsorCategory: '1' });
    expect(await testDb.db.prisma.caseTransition.count({ where: { caseId: 'UC-DB-3' } })).toBe(3);
  });

  it('writes a case it wrote before in one statement, linked onto the audit chain it remembers', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const first = await projectCase(projection('UC-DB-4', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]));
    const second = await projectCase(
      projection('UC-DB-4', 'sponsor_identification', [transition(1, 'COMPLETE_INTAKE', 'intake', 'sponsor_identification')]),
    );
    const third = await projectCase(
      projection('UC-DB-4', 'vetting', [
        transition(2, 'IDENTIFY_SPONSOR', 'sponsor_identification', 'application'),
        transition(3, 'COMPLETE_ASSESSMENT', 'application', 'vetting'),
      ]),
    );
    // The first opens the case: its chain is known to be empty.
    expect([first.written, second.written, third.written]).toEqual(['one statement', 'one statement', 'one statement']);
    expect(third).toMatchObject({ lastSeq: 3, targetsVersion: 0 });
    const row = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-4' } });
    expect(row).toMatchObject({ status: 'vetting', lastSeq: 3, sponsorCategory: '1' });
    const rows = await testDb.db.prisma.caseTransition.findMany({ where: { caseId: 'UC-DB-4' }, orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.seq, r.event, r.toStatus, r.occurredAt.toISOString()])).toEqual([
      [0, 'OPEN_CASE', 'intake', '2026-11-02T14:00:00.000Z'],
      [1, 'COMPLETE_INTAKE', 'sponsor_identification', '2026-11-02T14:01:00.000Z'],
      [2, 'IDENTIFY_SPONSOR', 'application', '2026-11-02T14:02:00.000Z'],
      [3, 'COMPLETE_ASSESSMENT', 'vetting', '2026-11-02T14:03:00.000Z'],
    ]);
    const trail = await readAudit(testDb.db.prisma, 'UC-DB-4');
    expect(trail.verified).toBe(true);
    expect(trail.entries.map((e) => [e.seq, e.sourceKey, e.event, e.requestId])).toEqual([
      [0, 'transition:0', 'OPEN_CASE', 'req-0'],
      [1, 'transition:1', 'COMPLETE_INTAKE', 'req-1'],
      [2, 'transition:2', 'IDENTIFY_SPONSOR', 'req-2'],
      [3, 'transition:3', 'COMPLETE_ASSESSMENT', 'req-3'],
    ]);
  });

  it('takes the lock when the chain moved on without it (an entry the API appended, another worker, a retry)', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    await projectCase(projection('UC-DB-5', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]));
    // The API audits a refused command on the same chain.
    await appendAudit(testDb.db.prisma, 'UC-DB-5', [
      {
        sourceKey: 'request:r-1',
        kind: 'refused',
        event: 'RELEASE_CHILD',
        actor: caseManager,
        at: '2026-11-02T14:00:30.000Z',
        reason: null,
        requestId: 'r-1',
        detail: 'not_allowed_in_state: no',
      },
    ]);
    const next = projection('UC-DB-5', 'sponsor_identification', [transition(1, 'COMPLETE_INTAKE', 'intake', 'sponsor_identification')]);
    expect((await projectCase(next)).written).toBe('under lock');
    // A retry of what was just written: the one statement collides with the entry already there and
    // changes nothing; under the lock the entry is found written.
    expect((await projectCase(next)).written).toBe('under lock');
    const elsewhere = createCaseActivities({ prisma: testDb.db.prisma });
    expect(
      (
        await elsewhere.projectCase(
          projection('UC-DB-5', 'vetting', [transition(2, 'IDENTIFY_SPONSOR', 'sponsor_identification', 'vetting')]),
        )
      ).written,
    ).toBe('under lock');
    const trail = await readAudit(testDb.db.prisma, 'UC-DB-5');
    expect(trail.verified).toBe(true);
    expect(trail.entries.map((e) => e.sourceKey)).toEqual(['transition:0', 'request:r-1', 'transition:1', 'transition:2']);
    expect(await testDb.db.prisma.caseTransition.count({ where: { caseId: 'UC-DB-5' } })).toBe(3);
  });

  it('keeps one unbroken chain when projections and the API append to the same case at once', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    await projectCase(projection('UC-DB-6', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]));
    const refused = (i: number) => ({
      sourceKey: `request:r-${i}`,
      kind: 'refused' as const,
      event: 'RELEASE_CHILD',
      actor: caseManager,
      at: '2026-11-02T14:00:30.000Z',
      reason: null,
      requestId: `r-${i}`,
      detail: 'not_allowed_in_state: no',
    });
    const steps = [1, 2, 3, 4, 5, 6];
    await Promise.all([
      (async () => {
        for (const seq of steps) {
          await projectCase(projection('UC-DB-6', 'intake', [{ ...transition(seq, 'COMPLETE_INTAKE', 'intake', 'intake') }]));
        }
      })(),
      ...steps.map((i) => appendAudit(testDb.db.prisma, 'UC-DB-6', [refused(i)])),
    ]);
    const trail = await readAudit(testDb.db.prisma, 'UC-DB-6');
    expect(trail.verified).toBe(true);
    expect(trail.entries).toHaveLength(13);
    expect(new Set(trail.entries.map((e) => e.sourceKey)).size).toBe(13);
    expect(trail.entries.filter((e) => e.sourceKey.startsWith('transition:')).map((e) => e.sourceKey)).toEqual(
      [0, ...steps].map((seq) => `transition:${seq}`),
    );
  });

  it('keeps the assignee, discharge and deadlines on the row, each moving forward only with the case (revision, last seq)', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const deadlines = (due: string, warn: string) => ({
      nextDeadlineAt: due,
      nextDeadlineLabel: 'Stage: sponsor identified',
      atRiskAt: warn,
    });
    const opened: CaseProjection = {
      ...projection('UC-DB-R', 'intake', [{ ...transition(0, 'OPEN_CASE', null, 'intake'), careProviderId: 'shelter-tx-07' }]),
      lastSeq: 0,
      revision: 1,
      assigneeId: 'cm-ana',
      policyProfile: null,
      dischargedAt: null,
      deadlines: deadlines('2026-11-05T14:00:00.000Z', '2026-11-04T16:48:00.000Z'),
    };
    await projectCase(opened);
    // A reassignment and new targets: no transition, a newer revision.
    const reassigned: CaseProjection = {
      ...opened,
      transitions: [],
      revision: 2,
      assigneeId: 'cm-bo',
      assignments: [
        {
          assigneeId: 'cm-bo',
          previousAssigneeId: 'cm-ana',
          actor: { id: 'sup-cy', role: 'supervisor' },
          reason: 'Caseload balance',
          at: '2026-11-03T09:00:00.000Z',
          requestId: 'upd-1',
        },
      ],
      deadlines: deadlines('2026-11-06T14:00:00.000Z', '2026-11-05T00:00:00.000Z'),
    };
    await projectCase(reassigned);
    await projectCase(opened); // a late retry of the older one changes nothing
    const row = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-R' } });
    expect(row).toMatchObject({
      assigneeId: 'cm-bo',
      revision: 2,
      lastSeq: 0,
      nextDeadlineAt: new Date('2026-11-06T14:00:00.000Z'),
      atRiskAt: new Date('2026-11-05T00:00:00.000Z'),
      nextDeadlineLabel: 'Stage: sponsor identified',
    });
    const trail = await readAudit(testDb.db.prisma, 'UC-DB-R');
    expect(trail.entries.map((e) => [e.sourceKey, e.event, e.detail])).toEqual([
      ['transition:0', 'OPEN_CASE', 'opened in intake'],
      ['assignment:upd-1', 'REASSIGN_CASE', 'assigned cm-ana -> cm-bo'],
    ]);
    expect(trail.verified).toBe(true);
  });

  it('takes a projection scheduled by older workflow code (none of the new fields) and fills the row from what it carries', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    await projectCase(projection('UC-DB-OLD', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]));
    const released = {
      ...projection('UC-DB-OLD', 'released', [transition(1, 'RELEASE_CHILD', 'release_approved', 'released')]),
      careProviderId: 'shelter-az-02',
    };
    await projectCase(released);
    const row = await testDb.db.prisma.case.findUniqueOrThrow({ where: { id: 'UC-DB-OLD' } });
    expect(row).toMatchObject({
      status: 'released',
      lastSeq: 1,
      revision: 0,
      assigneeId: 'cm-ana',
      dischargedAt: new Date('2026-11-02T14:01:00.000Z'),
      nextDeadlineAt: null,
    });
    const rows = await testDb.db.prisma.caseTransition.findMany({ where: { caseId: 'UC-DB-OLD' }, orderBy: { seq: 'asc' } });
    // Without a provider per transition, each is the case's provider when it was projected.
    expect(rows.map((r) => r.careProviderId)).toEqual(['shelter-tx-07', 'shelter-az-02']);
  });

  it('takes only the expected collision the careful way, silently; any other failure of the one statement is logged and thrown', async () => {
    const warnings: LogEntry[] = [];
    const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('WARN', (entry) => warnings.push(entry)) });
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const opened = projection('UC-DB-7', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]);
    expect(((await env.run(projectCase, opened)) as ProjectionResult).written).toBe('one statement');
    // A retry on the same worker: its one statement, onto the head it remembers, inserts the entry
    // again and collides with it (a unique violation), changing nothing; under the lock it is found written.
    expect(((await env.run(projectCase, opened)) as ProjectionResult).written).toBe('under lock');
    expect(await testDb.db.prisma.auditEntry.count({ where: { caseId: 'UC-DB-7' } })).toBe(1);
    expect(warnings).toEqual([]);

    // A malformed timestamp fails the statement for another reason: not taken for the collision.
    const malformed = { ...projection('UC-DB-8', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]), admittedAt: 'not-a-date' };
    const err = await env.run(projectCase, malformed).catch((e: unknown) => e);
    // A data error (SQLSTATE class 22): final, so the case keeps it as a dead letter instead of retrying without end.
    expect(err).toMatchObject({ type: 'ProjectionRejected', nonRetryable: true, details: [{ code: 'P2010', sqlState: '22007' }] });
    // Logged by the activity (the SDK logs the failed attempt too), by its codes: the message can quote the data.
    const logged = warnings.filter((w) => w.message === 'The projection failed');
    expect(logged.map((w) => w.meta)).toEqual([
      expect.objectContaining({ caseId: 'UC-DB-8', error: 'PrismaClientKnownRequestError', code: 'P2010', sqlState: '22007' }),
    ]);
    expect(await testDb.db.prisma.case.count({ where: { id: 'UC-DB-8' } })).toBe(0);
    expect(await testDb.db.prisma.auditEntry.count({ where: { caseId: 'UC-DB-8' } })).toBe(0);
  });

  it('a date PostgreSQL cannot store (year 0) is refused for good, with its SQLSTATE, and nothing is written', async () => {
    const { projectCase } = createCaseActivities({ prisma: testDb.db.prisma });
    const yearZero = {
      ...projection('UC-DB-9', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]),
      admittedAt: '0000-01-01T00:00:00Z',
    };
    const err = await new MockActivityEnvironment().run(projectCase, yearZero).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ProjectionRejected', nonRetryable: true, details: [{ code: 'P2010', sqlState: '22008' }] });
    expect((err as Error).message).toMatch(/^The read model refused the write for good \(SQLSTATE 22008\)/);
    expect(await testDb.db.prisma.case.count({ where: { id: 'UC-DB-9' } })).toBe(0);
  });

  it('a database that is down is not a data error: the failure is retried', async () => {
    const dead = openDatabase('postgresql://postgres:unused@127.0.0.1:1/reunify');
    try {
      const { projectCase } = createCaseActivities({ prisma: dead.prisma });
      const err = await new MockActivityEnvironment()
        .run(projectCase, projection('UC-DB-10', 'intake', [transition(0, 'OPEN_CASE', null, 'intake')]))
        .catch((e: unknown) => e);
      expect(err).not.toBeInstanceOf(ApplicationFailure);
      expect(err).toMatchObject({ code: 'P2010' });
    } finally {
      await dead.close();
    }
  });

  it('keeps a dead letter once, with an alert to admins on the stream, however often the case hands it over', async () => {
    const { recordReadModelDeadLetter } = createCaseActivities({ prisma: testDb.db.prisma });
    const letter = {
      caseId: 'UC-DB-11',
      workflowId: 'case-UC-DB-11',
      careProviderId: 'shelter-tx-07',
      kind: 'projection' as const,
      sourceKey: 'projection:0-0',
      error: 'The read model refused the write for good (SQLSTATE 22008): ...',
      sqlState: '22008',
      payload: JSON.stringify({ reason: 'a NUL \u0000 jsonb would refuse' }),
      at: '2026-11-30T10:00:00.000Z',
    };
    const env = new MockActivityEnvironment();
    await env.run(recordReadModelDeadLetter, letter);
    await env.run(recordReadModelDeadLetter, letter);
    await env.run(recordReadModelDeadLetter, { ...letter, sourceKey: 'projection:1-2' });
    const letters = await testDb.db.prisma.readModelDeadLetter.findMany({ where: { caseId: 'UC-DB-11' }, orderBy: { id: 'asc' } });
    expect(letters.map((l) => [l.sourceKey, l.kind, l.sqlState])).toEqual([
      ['projection:0-0', 'projection', '22008'],
      ['projection:1-2', 'projection', '22008'],
    ]);
    expect(JSON.parse(letters[0]!.payload)).toEqual({ reason: 'a NUL \u0000 jsonb would refuse' });
    const alerts = await testDb.db.prisma.alert.findMany({ where: { caseId: 'UC-DB-11' }, include: { events: true } });
    expect(alerts).toEqual([
      expect.objectContaining({
        id: 'UC-DB-11:read_model:dead-letter',
        rule: 'read_model',
        level: 'program_lead',
        careProviderId: 'shelter-tx-07',
        message: expect.stringMatching(/refused case UC-DB-11's projection for good \(SQLSTATE 22008\)/),
        events: [expect.objectContaining({ type: 'fired' })],
      }),
    ]);
  });

  it('reads PostgreSQL catalog types (name, "char") through the driver adapter', async () => {
    // @prisma/adapter-pg 6.19 refuses these type ids unless src/db/adapter.ts retypes them; the
    // schema engine reads them during `migrate deploy`, so this guards the server path too.
    const rows = await testDb.db.prisma.$queryRaw<{ typname: string; typtype: string }[]>`
      SELECT typname, typtype FROM pg_type WHERE typname = 'name'`;
    expect(rows).toEqual([{ typname: 'name', typtype: 'b' }]);
  });
});

describe('assertMigrated', () => {
  it('passes on a migrated database', async () => {
    await expect(assertMigrated(testDb.db.prisma)).resolves.toBeUndefined();
  });

  it('names the missing migrations and the fix on a database that was never migrated', async () => {
    const database = await createEmptyDatabase();
    const empty = openDatabase(database.url);
    try {
      const all = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
      expect(all[0]).toBe('20261123000000_init');
      await expect(assertMigrated(empty.prisma)).rejects.toThrow(
        `The database lacks ${all.length} migration(s): ${all.join(', ')}. Run \`npm run db:migrate\``,
      );
    } finally {
      await empty.close();
      await database.drop();
    }
  });
});
