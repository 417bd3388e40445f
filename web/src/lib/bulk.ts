import type { BulkResult } from '../../../src/contracts/bulk';

/** "Reassign: 3 applied, 1 refused": a bulk action's outcome in one line (each refused item is listed below it). */
export function bulkSummary(result: BulkResult, what: string): string {
  const parts = [`${result.applied} applied`];
  if (result.refused > 0) parts.push(`${result.refused} refused`);
  if (result.failed > 0) parts.push(`${result.failed} not tried (try again)`);
  return `${what}: ${parts.join(', ')}.`;
}
