/** Rows a person has ticked, by id: toggling one, or all of a page at once. */

export function toggled(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** Every row of the page ticked, or (when they all are) none of them; rows of other pages stay as they were. */
export function toggledAll(selected: ReadonlySet<string>, pageIds: readonly string[]): Set<string> {
  const next = new Set(selected);
  const all = pageIds.length > 0 && pageIds.every((id) => next.has(id));
  for (const id of pageIds) {
    if (all) next.delete(id);
    else next.add(id);
  }
  return next;
}

/** The header checkbox: all, none, or some (shown as "mixed"). */
export function pageSelection(selected: ReadonlySet<string>, pageIds: readonly string[]): 'all' | 'none' | 'some' {
  const count = pageIds.filter((id) => selected.has(id)).length;
  if (count === 0) return 'none';
  return count === pageIds.length ? 'all' : 'some';
}
