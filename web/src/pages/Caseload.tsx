import { useMutation, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';

import { CATEGORY_GROUPS } from '../../../src/contracts/analytics';
import type { CategoryGroup } from '../../../src/contracts/analytics';
import type { BulkResult } from '../../../src/contracts/bulk';
import { BulkResultSchema } from '../../../src/contracts/bulk';
import { OpenCaseBodySchema } from '../../../src/contracts/case-input';
import { CaseStatusSchema } from '../../../src/contracts/case-status';
import type { DeadlineLevel } from '../../../src/contracts/deadlines';
import type { CaseSort, CaseSummary } from '../../../src/contracts/read-model';
import type { Session } from '../../../src/contracts/session';
import { apiFetch, ApiError, apiJson } from '../api/client';
import type { CaseFilter } from '../api/queries';
import { useCaseList, useHasRoute } from '../api/queries';
import { useSignedIn } from '../auth/session';
import { RiskBadge, StageBadge } from '../components/Badges';
import { Refusal } from '../components/Refusal';
import { SchemaForm } from '../components/SchemaForm';
import { Empty, QueryView } from '../components/States';
import { Time, TimeLeft } from '../components/Time';
import { bulkSummary } from '../lib/bulk';
import { bodyFrom, schemaFields, validateAgainst } from '../lib/event-form';
import { statusLabel } from '../lib/labels';
import { categoryLabel } from '../lib/outcomes';
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
  // Supervisors reassign in bulk; ORR reviewers, who approve transfers, transfer in bulk.
  const bulkRole = isSupervisor(session.role) ? 'supervisor' : session.role === 'orr_reviewer' ? 'orr_reviewer' : null;

  return (
    <section aria-labelledby="caseload-title">
      <div class="page-head">
        <h1 id="caseload-title">Caseload</h1>
        {session.role === 'case_manager' ? <OpenCase careProviderId={session.careProviderId} /> : null}
      </div>
      <CaseFilters filter={filter} onChange={changeFilter} session={session} />
      {bulkRole ? <BulkActions role={bulkRole} selected={selected} clear={() => setSelected(new Set())} /> : null}
      <QueryView query={list} what="cases">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No cases match these filters.</Empty>
          ) : (
            <>
              <CaseTable items={page.items} selected={bulkRole ? selected : null} onSelect={setSelected} loading={list.isPlaceholderData} />
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
        <caption class="visually-hidden">Cases</caption>
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
            <th scope="col">Case manager</th>
            <th scope="col">Next deadline</th>
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
              <td data-label="Case manager">{item.assigneeId ?? '—'}</td>
              <td data-label="Next deadline">
                {item.level ? <RiskBadge level={item.level} /> : null}{' '}
                {item.nextDeadline ? (
                  <>
                    <TimeLeft due={item.nextDeadline.at} />
                    {item.nextDeadline.label ? <span class="hint"> · {item.nextDeadline.label}</span> : null}
                  </>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Bulk reassignment (supervisors) or transfer (ORR reviewers): each case applied or refused whole, with its outcome listed. */
function BulkActions({ role, selected, clear }: { role: 'supervisor' | 'orr_reviewer'; selected: Set<string>; clear: () => void }) {
  const route = role === 'supervisor' ? '/bulk/reassign' : '/bulk/transfer';
  const available = useHasRoute(`POST ${route}`);
  const client = useQueryClient();
  const [target, setTarget] = useState('');
  const [reason, setReason] = useState('');
  const run = useMutation({
    mutationFn: (body: unknown) => apiJson(BulkResultSchema, route, { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
  const what = role === 'supervisor' ? 'Reassign' : 'Transfer';
  const submit = (e: Event) => {
    e.preventDefault();
    const caseIds = [...selected];
    const body =
      role === 'supervisor'
        ? { caseIds, assigneeId: target.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) }
        : { caseIds, toCareProviderId: target.trim(), reason: reason.trim() };
    run.mutate(body, { onSuccess: (result) => result.refused + result.failed === 0 && clear() });
  };
  return (
    <div class="bulk-bar" role="region" aria-label="Bulk actions">
      <span>
        {selected.size} case{selected.size === 1 ? '' : 's'} selected
      </span>
      {available === false ? <span class="hint">{what} in bulk is not available on this server yet.</span> : null}
      {available && selected.size > 0 ? (
        <form class="bulk-form" onSubmit={submit} aria-label={`${what} the selected cases`}>
          <div class="field">
            <label for="bulk-target">{role === 'supervisor' ? 'To case manager' : 'To care provider'}</label>
            <input id="bulk-target" required value={target} onInput={(e) => setTarget(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="bulk-reason">{role === 'supervisor' ? 'Reason (optional)' : 'Reason'}</label>
            <input id="bulk-reason" required={role !== 'supervisor'} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="field">
            <button type="submit" disabled={run.isPending}>
              {run.isPending ? 'Working…' : `${what} ${selected.size}`}
            </button>
          </div>
        </form>
      ) : null}
      {selected.size > 0 ? (
        <button type="button" class="secondary small" onClick={clear}>
          Clear selection
        </button>
      ) : null}
      {run.error ? <Refusal error={run.error instanceof ApiError ? run.error : new ApiError(0, undefined, String(run.error))} /> : null}
      {run.data ? <BulkOutcome result={run.data} what={what} /> : null}
    </div>
  );
}

function BulkOutcome({ result, what }: { result: BulkResult; what: string }) {
  return (
    <div role="status" class="bulk-outcome">
      <p>{bulkSummary(result, what)}</p>
      {result.refused + result.failed > 0 ? (
        <ul class="bulk-results">
          {result.items
            .filter((item) => item.outcome !== 'applied')
            .map((item) => (
              <li key={item.id}>
                {item.id}: {item.outcome} ({item.code}) {item.message}
              </li>
            ))}
        </ul>
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

const LEVELS: { value: DeadlineLevel; label: string }[] = [
  { value: 'at_risk', label: 'At risk' },
  { value: 'breached', label: 'Breached' },
  { value: 'on_track', label: 'On track' },
];
const SORTS: { value: CaseSort; label: string }[] = [
  { value: 'admission', label: 'Oldest admission first' },
  { value: 'least_time_left', label: 'Least time left first' },
  { value: 'days_in_care', label: 'Most days in care first' },
];

function CaseFilters({ filter, onChange, session }: { filter: CaseFilter; onChange: (next: CaseFilter) => void; session: Session }) {
  const set = (patch: Partial<CaseFilter>) => onChange({ ...filter, ...patch });
  const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value.trim() || undefined;
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter cases">
      <div class="field">
        <label for="f-q">Case id</label>
        <input id="f-q" type="search" value={filter.q ?? ''} placeholder="Part of the id" onInput={(e) => set({ q: value(e) })} />
      </div>
      <div class="field">
        <label for="f-status">Stage</label>
        <select id="f-status" value={filter.status ?? ''} onChange={(e) => set({ status: value(e) as CaseFilter['status'] })}>
          <option value="">Any stage</option>
          {CaseStatusSchema.options.map((status) => (
            <option key={status} value={status}>
              {statusLabel(status)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-level">Deadlines</label>
        <select id="f-level" value={filter.level ?? ''} onChange={(e) => set({ level: value(e) as DeadlineLevel | undefined })}>
          <option value="">Any</option>
          {LEVELS.map((l) => (
            <option key={l.value} value={l.value}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-category">Category</label>
        <select id="f-category" value={filter.category ?? ''} onChange={(e) => set({ category: value(e) as CategoryGroup | undefined })}>
          <option value="">Any</option>
          {CATEGORY_GROUPS.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-assignee">Case manager</label>
        <input id="f-assignee" value={filter.assigneeId ?? ''} placeholder="Anyone" onChange={(e) => set({ assigneeId: value(e) })} />
        {session.role === 'case_manager' ? (
          <button type="button" class="secondary small" onClick={() => set({ assigneeId: session.id })}>
            Mine
          </button>
        ) : null}
      </div>
      <div class="field">
        <label for="f-provider">Care provider</label>
        <input
          id="f-provider"
          value={session.careProviderId ?? filter.careProviderId ?? ''}
          disabled={session.careProviderId !== null}
          placeholder="Any"
          onChange={(e) => set({ careProviderId: value(e) })}
        />
      </div>
      <div class="field">
        <label for="f-sort">Order</label>
        <select id="f-sort" value={filter.sort ?? 'admission'} onChange={(e) => set({ sort: value(e) as CaseSort })}>
          {SORTS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
