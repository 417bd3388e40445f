import { demoCases } from '../../scripts/demo/generate';
import { CaseStatusSchema } from '../../src/contracts/case-status';
import { ImportCaseSchema } from '../../src/contracts/imports';
import { replayHistory } from '../../src/machines/case-history';
import { toCaseStatus } from '../../src/machines/case-status';

/** The demo cases `npm run seed:demo` imports: valid histories, open cases at every stage, plausible stays. */
const NOW = Date.parse('2026-11-20T12:00:00Z');
const cases = demoCases({ count: 400, days: 120, seed: 16, now: NOW, prefix: 'DEMO' });
const replays = cases.map((c) => ({ c, replay: replayHistory(ImportCaseSchema.parse(c), c.events, NOW, 'demo') }));

it('makes histories the statechart takes, each a valid import', () => {
  expect(replays.filter(({ replay }) => !replay.ok)).toEqual([]);
  expect(new Set(cases.map((c) => c.caseId)).size).toBe(400);
});

it('leaves open cases at every stage, and closes most', () => {
  const statuses = replays.map(({ replay }) => (replay.ok ? toCaseStatus(replay.snapshot) : 'refused'));
  const stages = new Set<string>(statuses);
  for (const stage of CaseStatusSchema.options) {
    expect([stage, stages.has(stage)]).toEqual([stage, true]);
  }
  expect(statuses.filter((s) => s === 'closed').length).toBeGreaterThan(150);
});

it('gives stays around the domain timings: a median of two to five weeks, Category 1 quicker', () => {
  const stays = replays.flatMap(({ c, replay }) => {
    if (!replay.ok) return [];
    const discharge = replay.transitions.find((t) => ['RELEASE_CHILD', 'AGE_OUT', 'DEPART'].includes(t.event));
    const category = replay.snapshot.context.sponsor?.category ?? 'none';
    return discharge ? [{ category, days: (Date.parse(discharge.at) - Date.parse(c.admittedAt)) / 86_400_000 }] : [];
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const all = median(stays.map((s) => s.days));
  const one = median(stays.filter((s) => s.category === '1').map((s) => s.days));
  expect(all).toBeGreaterThan(10);
  expect(all).toBeLessThan(35);
  expect(one).toBeLessThan(all);
  const exits = new Set<string>(replays.flatMap(({ replay }) => (replay.ok ? replay.transitions.map((t) => t.event) : [])));
  for (const event of ['AGE_OUT', 'DEPART', 'TRANSFER_CARE_PROVIDER', 'SPONSOR_WITHDREW'])
    expect([event, exits.has(event)]).toEqual([event, true]);
});
