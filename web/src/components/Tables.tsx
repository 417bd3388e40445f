import type { CategoryGroup } from '../../../src/contracts/analytics';
import { CATEGORY_GROUPS } from '../../../src/contracts/analytics';
import { categoryLabel } from '../lib/outcomes';

/** A table's header row: the first column names the rows, the others are figures (right-aligned). */
export function HeadRow({ first, figures }: { first: string; figures: readonly string[] }) {
  return (
    <tr>
      <th scope="col">{first}</th>
      {figures.map((label) => (
        <th scope="col" class="num" key={label}>
          {label}
        </th>
      ))}
    </tr>
  );
}

/** The options of a sponsor-category filter, after its "any" choice. */
export function CategoryOptions({ any }: { any: string }) {
  return (
    <>
      <option value="">{any}</option>
      {CATEGORY_GROUPS.map((c: CategoryGroup) => (
        <option key={c} value={c}>
          {categoryLabel(c)}
        </option>
      ))}
    </>
  );
}
