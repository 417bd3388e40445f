import type { SponsorCategory } from '../contracts/case-events';
import type { CaseStatus } from '../contracts/case-status';
import type { StageTarget, Targets } from '../contracts/targets';

/** The cases whose deadlines a change of targets moves, by what Temporal can find them by. */
export type MovedCases = 'all' | { statuses: CaseStatus[]; categories: SponsorCategory[] };

/**
 * Which cases a new version of the targets moves: a change of a category's length of stay moves
 * that category's cases; a change of a stage target (its days, start, statuses, repeat) moves the
 * cases in its stages, as it was and as it is; any other change (warning share, repeats, follow-up,
 * age-out, calendar) moves every case.
 */
export function casesMovedBy(previous: Targets, next: Targets): MovedCases {
  const rest = (t: Targets) => JSON.stringify({ ...t, lengthOfStayDays: null, stages: null });
  if (rest(previous) !== rest(next)) return 'all';
  const categories = (Object.keys(next.lengthOfStayDays) as SponsorCategory[]).filter(
    (category) => previous.lengthOfStayDays[category] !== next.lengthOfStayDays[category],
  );
  const byName = (stages: StageTarget[]) => new Map(stages.map((stage) => [stage.name, stage]));
  const [before, after] = [byName(previous.stages), byName(next.stages)];
  const statuses = new Set<CaseStatus>();
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const [was, is] = [before.get(name), after.get(name)];
    if (JSON.stringify(was) === JSON.stringify(is)) continue;
    for (const status of [...(was?.statuses ?? []), ...(is?.statuses ?? [])]) statuses.add(status);
  }
  return { statuses: [...statuses].sort(), categories: categories.sort() };
}
