import { caseStageGraph } from '../../../src/machines/diagram';
import { eventLabel, humanize, statusLabel } from '../../../web/src/lib/labels';
import { guardNote, stageModel, stagePosition } from '../../../web/src/lib/stage-graph';
import { formatDateTime, formatDuration, formatRelative, timeLeft, wholeDays } from '../../../web/src/lib/time';

describe('times for a person', () => {
  const now = new Date('2026-11-30T12:00:00Z');

  it("shows an absolute time in the viewer's zone, naming the zone", () => {
    expect(formatDateTime('2026-11-30T12:05:00Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe('30 Nov 2026, 12:05 UTC');
    expect(formatDateTime('2026-11-30T12:05:00Z', { locale: 'en-US', timeZone: 'America/Chicago' })).toBe('Nov 30, 2026, 06:05 AM CST');
  });

  it('says how long ago or until, in the largest whole unit', () => {
    expect(formatRelative('2026-11-30T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(formatRelative('2026-12-02T12:00:00Z', now, 'en')).toBe('in 2 days');
    expect(formatRelative('2026-11-30T12:00:20Z', now, 'en')).toBe('this minute');
  });

  it('gives time left, or how far overdue', () => {
    expect(timeLeft('2026-12-02T16:30:00Z', now)).toEqual({ ms: 189_000_000, overdue: false, text: '2 d 4 h left' });
    expect(timeLeft('2026-11-30T06:45:00Z', now)).toMatchObject({ overdue: true, text: 'overdue by 5 h 15 min' });
    expect(formatDuration(35 * 60_000)).toBe('35 min');
    expect(wholeDays('2026-11-20T13:00:00Z', now)).toBe(9);
  });
});

describe('labels', () => {
  it('names stages, events and checks in words', () => {
    expect(statusLabel('release_decision')).toBe('ORR decision');
    expect(eventLabel('COMPLETE_VETTING')).toBe('Complete vetting');
    expect(humanize('public_records')).toBe('Public records');
    expect(humanize('fbi_fingerprint')).toBe('FBI fingerprints');
    expect(statusLabel('some_new_stage')).toBe('Some new stage');
  });
});

describe('the picture of a case on the statechart', () => {
  const graph = caseStageGraph();
  const at = '2026-11-30T00:00:00Z';
  const transition = (toStatus: string) =>
    ({
      seq: 0,
      event: 'X',
      fromStatus: null,
      toStatus,
      actor: { id: 'a', role: 'case_manager' },
      reason: null,
      at,
      requestId: null,
    }) as never;

  it('marks the current stage, the stages been through, and names the ways out of the current one', () => {
    const model = stageModel(
      graph,
      'vetting',
      [transition('intake'), transition('sponsor_identification'), transition('application'), transition('vetting')],
      false,
    );
    const state = Object.fromEntries(model.nodes.map((n) => [n.id, n.state]));
    expect(state).toMatchObject({
      vetting: 'current',
      intake: 'visited',
      application: 'visited',
      recommendation: 'ahead',
      closed: 'ahead',
    });
    expect(model.next).toEqual([
      'Complete vetting → Home study (when all checks resolved, nothing open, home study outstanding)',
      'Complete vetting → Recommendation (when all checks resolved, nothing open)',
    ]);
    expect(
      model.arrows
        .filter((a) => a.fromCurrent)
        .map((a) => a.target)
        .sort(),
    ).toEqual(['home_study', 'recommendation']);
    expect(model.anyStage).toContain('Age out → Closed, from any open stage');
    expect(model.anyStage).toContain('Transfer care provider (keeps the stage), from any open stage');
  });

  it('joins several events between the same two stages into one arrow', () => {
    const model = stageModel(graph, 'release_decision', [], false);
    const toHomeStudy = model.arrows.filter((a) => a.source === 'release_decision' && a.target === 'home_study');
    expect(toHomeStudy).toHaveLength(1);
    expect(model.next.filter((line) => line.includes('→ Home study'))).toHaveLength(2);
  });

  it('places every stage on its own spot, and turns the grid on its side on narrow screens', () => {
    const spots = new Set(graph.stages.map((s) => JSON.stringify(stagePosition(s, false))));
    expect(spots.size).toBe(graph.stages.length);
    expect(stagePosition('recommendation', false)).toEqual({ x: 720, y: 0 });
    expect(stagePosition('recommendation', true)).toEqual({ x: 0, y: 400 });
    expect(guardNote('')).toBe('');
    expect(guardNote('remandedTo(vetting)')).toBe(' (when remanded to vetting)');
  });
});
