import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';

import { OpenCaseBodySchema } from '../../../src/contracts/case-input';
import { CaseStatusSchema } from '../../../src/contracts/case-status';
import type { CaseSummary } from '../../../src/contracts/read-model';
import { apiFetch, ApiError } from '../api/client';
import type { CaseFilter } from '../api/queries';
import { useCaseList, useHasRoute } from '../api/queries';
import { useSignedIn } from '../auth/session';
import { StageBadge } from '../components/Badges';
import { Refusal } from '../components/Refusal';
import { SchemaForm } from '../components/SchemaForm';
import { Empty, QueryView } from '../components/States';
import { Time } from '../components/Time';
import { bodyFrom, schemaFields, validateAgainst } from '../lib/event-form';
import { statusLabel } from '../lib/labels';
import { isSupervisor } from '../lib/roles';
import { pageSelection, toggled, toggledAll } from '../lib/selection';

/** Cases as a table: filters, paging, and for supervisors a selection for bulk actions. */
export function CaseloadPage() {
  const session = useSignedIn();
  const [filter, setFilter] = useState<CaseFilter>({});
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const after = cursors[cursors.length - 1] ?? null;
  const list = useCaseList(filter, after);
  const changeFilter = (next: CaseFilter) => {
    setFilter(next);
    setCursors([null]);
  };
  const supervisor = isSupervisor(session.role);

  return (
    <section aria-labelledby="caseload-title">
      <div class="page-head">
        <h1 id="caseload-title">Caseload</h1>
        {session.role === 'case_manager' ? <OpenCase careProviderId={session.careProviderId} /> : null}
      </div>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter cases">
        <div class="field">
          <label for="f-status">Stage</label>
          <select
            id="f-status"
            value={filter.status ?? ''}
            onChange={(e) => changeFilter({ ...filter, status: (e.currentTarget.value || undefined) as CaseFilter['status'] })}
          >
            <option value="">Any stage</option>
            {CaseStatusSchema.options.map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-provider">Care provider</label>
          <input
            id="f-provider"
            value={session.careProviderId ?? filter.careProviderId ?? ''}
            disabled={session.careProviderId !== null}
            placeholder="Any"
            onChange={(e) => changeFilter({ ...filter, careProviderId: e.currentTarget.value.trim() || undefined })}
          />
        </div>
      </form>
      {supervisor ? <BulkActions selected={selected} clear={() => setSelected(new Set())} /> : null}
      <QueryView query={list} what="cases">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No cases match these filters.</Empty>
          ) : (
            <>
              <CaseTable
                items={page.items}
                selected={supervisor ? selected : null}
                onSelect={setSelected}
                loading={list.isPlaceholderData}
              />
              <nav class="pager" aria-label="Pages of cases">
                <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                  ← Previous
                </button>
                <span>Page {cursors.length}</span>
                <button
                  type="button"
                  class="secondary"
                  disabled={!page.nextCursor}
                  onClick={() => page.nextCursor && setCursors([...cursors, page.nextCursor])}
                >
                  Next →
                </button>
              </nav>
            </>
          )
        }
      </QueryView>
    </section>
  );
}

function CaseTable({
  items,
  selected,
  onSelect,
  loading,
}: {
  items: CaseSummary[];
  selected: Set<string> | null;
  onSelect: (next: Set<string>) => void;
  loading: boolean;
}) {
  const ids = items.map((c) => c.caseId);
  const all = selected ? pageSelection(selected, ids) : 'none';
  return (
    <div class="table-wrap" aria-busy={loading}>
      <table class="cases">
        <caption class="visually-hidden">Cases, oldest admission first</caption>
        <thead>
          <tr>
            {selected ? (
              <th scope="col">
                <input
                  type="checkbox"
                  aria-label="Select every case on this page"
                  checked={all === 'all'}
                  ref={(el) => void (el && (el.indeterminate = all === 'some'))}
                  onChange={() => onSelect(toggledAll(selected, ids))}
                />
              </th>
            ) : null}
            <th scope="col">Case</th>
            <th scope="col">Stage</th>
            <th scope="col">Category</th>
            <th scope="col">Care provider</th>
            <th scope="col">Admitted</th>
            <th scope="col" class="num">
              Days in care
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.caseId} class={selected?.has(item.caseId) ? 'selected' : undefined}>
              {selected ? (
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select case ${item.caseId}`}
                    checked={selected.has(item.caseId)}
                    onChange={() => onSelect(toggled(selected, item.caseId))}
                  />
                </td>
              ) : null}
              <th scope="row" data-label="Case">
                <Link href={`/cases/${encodeURIComponent(item.caseId)}`}>{item.caseId}</Link>
              </th>
              <td data-label="Stage">
                <StageBadge status={item.status} />
              </td>
              <td data-label="Category">{item.sponsorCategory ?? '—'}</td>
              <td data-label="Care provider">{item.careProviderId}</td>
              <td data-label="Admitted">
                <Time iso={item.admittedAt} mode="date" />
              </td>
              <td data-label="Days in care" class="num">
                {Math.floor(item.daysInCare)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Bulk reassignment and transfer: offered when this server has the routes (from its OpenAPI document). */
function BulkActions({ selected, clear }: { selected: Set<string>; clear: () => void }) {
  const reassign = useHasRoute('POST /cases/bulk/reassign');
  const transfer = useHasRoute('POST /cases/bulk/transfer');
  return (
    <div class="bulk-bar" role="region" aria-label="Bulk actions">
      <span>
        {selected.size} case{selected.size === 1 ? '' : 's'} selected
      </span>
      {reassign === false && transfer === false ? (
        <span class="hint">Bulk reassignment and transfer are not available on this server yet.</span>
      ) : null}
      {selected.size > 0 ? (
        <button type="button" class="secondary small" onClick={clear}>
          Clear selection
        </button>
      ) : null}
    </div>
  );
}

const openCaseFields = schemaFields(OpenCaseBodySchema);

/** A case manager opens a case (the form is the API's own contract for it). */
function OpenCase({ careProviderId }: { careProviderId: string | null }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [, navigate] = useLocation();
  const fields = openCaseFields.map((f) =>
    f.name === 'careProviderId' && careProviderId ? { ...f, description: `Yours: ${careProviderId}` } : f,
  );
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Open a case
      </button>
    );
  }
  return (
    <div class="panel open-case">
      <h2>Open a case</h2>
      <SchemaForm
        fields={fields}
        submitLabel="Open case"
        busy={busy}
        validate={(values) => validateAgainst(OpenCaseBodySchema, bodyFrom(fields, values))}
        onCancel={() => setOpen(false)}
        onSubmit={(values) => {
          setBusy(true);
          setError(null);
          const body = bodyFrom(fields, values);
          apiFetch('/cases', { method: 'POST', body })
            .then(() => navigate(`/cases/${encodeURIComponent(String(body.caseId))}`))
            .catch((err: unknown) => setError(err instanceof ApiError ? err : new ApiError(0, undefined, String(err))))
            .finally(() => setBusy(false));
        }}
      >
        {error ? <Refusal error={error} /> : null}
      </SchemaForm>
    </div>
  );
}
