import type { AuditRecord } from '../../src/audit/chain';
import { GENESIS_HASH, appendAudit, readAudit } from '../../src/audit/chain';
import { useTestDatabase } from '../helpers/test-db';

jest.setTimeout(60_000);

const testDb = useTestDatabase();

const record = (sourceKey: string, extra: Partial<AuditRecord> = {}): AuditRecord => ({
  sourceKey,
  kind: 'accepted',
  event: 'COMPLETE_INTAKE',
  actor: { id: 'cm-ana', role: 'case_manager' },
  at: '2026-11-03T09:00:00.000Z',
  reason: null,
  requestId: `upd-${sourceKey}`,
  detail: 'intake -> sponsor_identification',
  ...extra,
});

describe('the audit trail', () => {
  it('appends in order, once per source, chained from the genesis hash, and verifies', async () => {
    await appendAudit(testDb.db.prisma, 'UC-AU-1', [record('transition:0'), record('transition:1')]);
    await appendAudit(testDb.db.prisma, 'UC-AU-1', [
      record('transition:1'),
      record('request:r-9', { kind: 'refused', detail: 'role_not_permitted: no' }),
    ]);
    const trail = await readAudit(testDb.db.prisma, 'UC-AU-1');
    expect(trail.entries.map((e) => [e.seq, e.sourceKey, e.kind])).toEqual([
      [0, 'transition:0', 'accepted'],
      [1, 'transition:1', 'accepted'],
      [2, 'request:r-9', 'refused'],
    ]);
    expect(trail.entries[0]!.prevHash).toBe(GENESIS_HASH);
    expect(trail.entries[1]!.prevHash).toBe(trail.entries[0]!.hash);
    expect(trail).toMatchObject({ verified: true, brokenAt: null });
  });

  it('keeps one chain when writers race on the same case', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => appendAudit(testDb.db.prisma, 'UC-AU-2', [record(`request:${i}`)])));
    const trail = await readAudit(testDb.db.prisma, 'UC-AU-2');
    expect(trail.entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(trail.verified).toBe(true);
  });

  it('refuses to change or delete a row', async () => {
    await appendAudit(testDb.db.prisma, 'UC-AU-3', [record('transition:0')]);
    await expect(testDb.db.prisma.$executeRaw`UPDATE audit_entries SET reason = 'x' WHERE case_id = 'UC-AU-3'`).rejects.toThrow(
      /append-only/,
    );
    await expect(testDb.db.prisma.$executeRaw`DELETE FROM audit_entries WHERE case_id = 'UC-AU-3'`).rejects.toThrow(/append-only/);
  });

  it('shows a tampered row: verification fails at that entry', async () => {
    await appendAudit(testDb.db.prisma, 'UC-AU-4', [
      record('transition:0'),
      record('transition:1', { reason: 'Mother located' }),
      record('transition:2'),
    ]);
    // Someone with the table owner's rights goes around the trigger and rewrites a reason.
    await testDb.db.prisma.$executeRawUnsafe('ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only');
    try {
      await testDb.db.prisma.$executeRaw`UPDATE audit_entries SET reason = 'Uncle located' WHERE case_id = 'UC-AU-4' AND seq = 1`;
    } finally {
      await testDb.db.prisma.$executeRawUnsafe('ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only');
    }
    const trail = await readAudit(testDb.db.prisma, 'UC-AU-4');
    expect(trail).toMatchObject({ verified: false, brokenAt: 1 });
    expect(trail.entries[1]!.reason).toBe('Uncle located');
  });
});
