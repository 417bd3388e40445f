import { DEFAULT_TARGETS } from '../../src/contracts/targets';
import { casesMovedBy } from '../../src/domain/targets-change';

describe('the cases a change of targets moves', () => {
  it('moves no case when nothing that sets a deadline changed', () => {
    expect(casesMovedBy(DEFAULT_TARGETS, structuredClone(DEFAULT_TARGETS))).toEqual({ statuses: [], categories: [] });
  });

  it("moves a category's cases when its length of stay changes", () => {
    const next = { ...DEFAULT_TARGETS, lengthOfStayDays: { ...DEFAULT_TARGETS.lengthOfStayDays, '2B': 18, '3': 25 } };
    expect(casesMovedBy(DEFAULT_TARGETS, next)).toEqual({ statuses: [], categories: ['2B', '3'] });
  });

  it('moves the cases in a stage target whose days change, and in the stages a target left or joined', () => {
    const [first, ...others] = DEFAULT_TARGETS.stages;
    expect(first).toBeDefined();
    const longer = { ...DEFAULT_TARGETS, stages: [{ ...first!, days: first!.days + 1 }, ...others] };
    expect(casesMovedBy(DEFAULT_TARGETS, longer)).toEqual({ statuses: [...first!.statuses].sort(), categories: [] });
    const dropped = { ...DEFAULT_TARGETS, stages: others };
    expect(casesMovedBy(DEFAULT_TARGETS, dropped)).toEqual({ statuses: [...first!.statuses].sort(), categories: [] });
  });

  it('moves every case when a rule that applies to all changes (the warning share, repeats, follow-up, calendar)', () => {
    expect(casesMovedBy(DEFAULT_TARGETS, { ...DEFAULT_TARGETS, warnAtFraction: DEFAULT_TARGETS.warnAtFraction / 2 })).toBe('all');
    expect(casesMovedBy(DEFAULT_TARGETS, { ...DEFAULT_TARGETS, repeatEveryDays: DEFAULT_TARGETS.repeatEveryDays + 1 })).toBe('all');
    expect(casesMovedBy(DEFAULT_TARGETS, { ...DEFAULT_TARGETS, followUpDueDays: DEFAULT_TARGETS.followUpDueDays + 1 })).toBe('all');
  });
});
