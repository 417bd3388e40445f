import { useQuery } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import type { z } from 'zod';

import type { CategoryGroup } from '../../../src/contracts/analytics';
import {
  CATEGORY_GROUPS,
  CategoryOneSchema,
  CohortsSchema,
  FlowSchema,
  RiskSchema,
  StageDaysSchema,
} from '../../../src/contracts/analytics';
import { apiFetch, apiJson } from '../api/client';
import { useSignedIn } from '../auth/session';
import { Chart } from '../components/Chart';
import { Empty, QueryView } from '../components/States';
import { statusLabel } from '../lib/labels';
import type { OutcomesFilter } from '../lib/outcomes';
import {
  analyticsQuery,
  categoryLabel,
  categoryOneHeadlines,
  cohortsOption,
  daysText,
  defaultPeriod,
  filterSummary,
  flowOption,
  latestSignal,
  riskByProvider,
  stageDaysOption,
  stageTable,
} from '../lib/outcomes';
import { WhatIf } from './WhatIf';

/** One analytics route as a query over the page's filter, checked against its contract. */
function useFigures<S extends z.ZodType>(route: string, schema: S, filter: OutcomesFilter, period = true) {
  return useQuery({
    queryKey: ['outcomes', route, filter],
    queryFn: ({ signal }) => apiJson(schema, `/analytics/${route}${analyticsQuery(filter, { period })}`, { signal }),
  });
}

/**
 * Outcomes: is Category 1 home within 10 days, where the days go, weekly cohorts, the flow of
 * children, and risk by provider, from the analytics API; every figure filterable and exportable as
 * CSV; and a what-if run (POST /simulations). Each chart has its figures as a table beside it.
 */
export function OutcomesPage() {
  const session = useSignedIn();
  const [filter, setFilter] = useState<OutcomesFilter>(() => ({
    ...defaultPeriod(new Date()),
    careProviderId: session.careProviderId ?? undefined,
  }));
  const categoryOne = useFigures('category-1', CategoryOneSchema, filter);
  const stages = useFigures('stages', StageDaysSchema, filter);
  const cohorts = useFigures('cohorts', CohortsSchema, filter);
  const flow = useFigures('flow', FlowSchema, filter);
  const risk = useFigures('risk', RiskSchema, filter, false);

  return (
    <section aria-labelledby="outcomes-title">
      <div class="page-head">
        <h1 id="outcomes-title">Outcomes</h1>
        <CsvExport filter={filter} />
      </div>
      <Filters filter={filter} onChange={setFilter} scoped={session.careProviderId !== null} />
      <QueryView query={categoryOne} what="the Category 1 figures" notAvailable="The outcome figures">
        {(data) => (
          <div class="kpis" aria-label="Category 1 against the targets">
            {categoryOneHeadlines(data).map((h) => (
              <div class="panel kpi" key={h.label} data-figure={h.label}>
                <h2 class="kpi-label">{h.label}</h2>
                <p class="value">
                  {h.value}{' '}
                  {h.meets === null ? null : (
                    <span class={`badge ${h.meets ? 'risk-on_track' : 'risk-breached'}`}>
                      {h.meets ? '✓ Meets target' : '✗ Misses target'}
                    </span>
                  )}
                </p>
                <p class="hint">{h.detail}</p>
              </div>
            ))}
          </div>
        )}
      </QueryView>
      <div class="outcome-grid">
        <Figure id="stages" title="Where the days go: mean days per stage visit">
          <QueryView query={stages} what="days per stage">
            {(data) =>
              stageTable(data).stages.length === 0 ? <Empty>No stage visit ended in this period.</Empty> : <StageFigure data={data} />
            }
          </QueryView>
        </Figure>
        <Figure id="cohorts" title="Weekly cohorts: admissions and days to discharge">
          <QueryView query={cohorts} what="cohorts">
            {(data) => (data.weeks.length === 0 ? <Empty>No admission in this period.</Empty> : <CohortFigure data={data} />)}
          </QueryView>
        </Figure>
        <Figure id="flow" title="Children in care and discharges per 100 in care">
          <QueryView query={flow} what="the flow">
            {(data) => <FlowFigure data={data} />}
          </QueryView>
        </Figure>
        <Figure id="risk" title="Open cases at risk and breached now, by care provider">
          <QueryView query={risk} what="open cases at risk">
            {(data) => <RiskTable data={data} />}
          </QueryView>
        </Figure>
      </div>
      <WhatIf flow={flow.data} />
    </section>
  );
}

function Figure({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

function Filters({ filter, onChange, scoped }: { filter: OutcomesFilter; onChange: (next: OutcomesFilter) => void; scoped: boolean }) {
  const set = (patch: Partial<OutcomesFilter>) => onChange({ ...filter, ...patch });
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter the figures">
      <div class="field">
        <label for="o-from">From</label>
        <input
          id="o-from"
          type="date"
          value={filter.from}
          max={filter.to}
          required
          onChange={(e) => e.currentTarget.value && set({ from: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="o-to">To</label>
        <input
          id="o-to"
          type="date"
          value={filter.to}
          min={filter.from}
          required
          onChange={(e) => e.currentTarget.value && set({ to: e.currentTarget.value })}
        />
      </div>
      <div class="field">
        <label for="o-category">Sponsor category</label>
        <select
          id="o-category"
          value={filter.category ?? ''}
          onChange={(e) => set({ category: (e.currentTarget.value || undefined) as CategoryGroup | undefined })}
        >
          <option value="">Every category</option>
          {CATEGORY_GROUPS.map((c) => (
            <option key={c} value={c}>
              {categoryLabel(c)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="o-provider">Care provider</label>
        <input
          id="o-provider"
          value={filter.careProviderId ?? ''}
          disabled={scoped}
          placeholder="Every provider"
          onChange={(e) => set({ careProviderId: e.currentTarget.value.trim() || undefined })}
        />
      </div>
    </form>
  );
}

/** The length-of-stay report as a file, fetched with the signed-in token (a plain link would carry none). */
function CsvExport({ filter }: { filter: OutcomesFilter }) {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const download = async () => {
    setState({ busy: true, error: null });
    try {
      const response = await apiFetch(`/reports/length-of-stay.csv${analyticsQuery(filter)}`, {});
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      // The server names the file after its period; the page's own name is the fallback.
      const named = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1];
      link.download = named ?? `length-of-stay ${filterSummary(filter).replaceAll(' · ', ' ')}.csv`;
      link.click();
      URL.revokeObjectURL(url);
      setState({ busy: false, error: null });
    } catch (err) {
      setState({ busy: false, error: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <div>
      <button type="button" class="secondary" disabled={state.busy} onClick={() => void download()}>
        {state.busy ? 'Preparing…' : 'Export length of stay (CSV)'}
      </button>
      {state.error ? (
        <p class="field-error" role="alert">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}

function StageFigure({ data }: { data: Parameters<typeof stageTable>[0] }) {
  const option = useMemo(() => stageDaysOption(data), [data]);
  const table = stageTable(data);
  return (
    <>
      <Chart option={option} label="Mean days per stage visit, by sponsor category" height={Math.max(220, 36 * table.stages.length + 80)} />
      <details>
        <summary>The figures as a table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                {table.categories.map((c) => (
                  <th scope="col" class="num" key={c}>
                    {categoryLabel(c)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.stages.map((stage, row) => (
                <tr key={stage}>
                  <th scope="row">{statusLabel(stage)}</th>
                  {table.mean[row]!.map((days, column) => (
                    <td class="num" key={column}>
                      {daysText(days)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

function CohortFigure({ data }: { data: Parameters<typeof cohortsOption>[0] }) {
  const option = useMemo(() => cohortsOption(data), [data]);
  return (
    <>
      <Chart option={option} label="Admissions by week, those still in care, and median days to discharge" />
      <details>
        <summary>The figures as a table</summary>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Week of</th>
                <th scope="col" class="num">
                  Admitted
                </th>
                <th scope="col" class="num">
                  Discharged
                </th>
                <th scope="col" class="num">
                  In care
                </th>
                <th scope="col" class="num">
                  Median days
                </th>
                <th scope="col" class="num">
                  90th percentile
                </th>
              </tr>
            </thead>
            <tbody>
              {data.weeks.map((w) => (
                <tr key={w.week}>
                  <th scope="row">{w.week}</th>
                  <td class="num">{w.admitted}</td>
                  <td class="num">{w.discharged}</td>
                  <td class="num">{w.inCare}</td>
                  <td class="num">{daysText(w.medianDays)}</td>
                  <td class="num">{daysText(w.p90Days)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

const SIGNAL_TEXT = { ok: 'above 2.4: no signal', warn: 'at or below 2.4: warning', alert: 'at or below 2.0: alert' } as const;

function FlowFigure({ data }: { data: Parameters<typeof flowOption>[0] }) {
  const option = useMemo(() => flowOption(data), [data]);
  const latest = latestSignal(data);
  return (
    <>
      <p data-figure="latest-signal">
        {latest ? (
          <>
            On {latest.day}: {latest.inCare} in care, {latest.dischargesPer100?.toFixed(2)} discharges per 100 (
            {SIGNAL_TEXT[latest.signal!]}).
          </>
        ) : (
          'No day of the period had children in care.'
        )}
      </p>
      <Chart option={option} label="Children in care each day, and discharges per 100 in care against ORR's thresholds" />
    </>
  );
}

function RiskTable({ data }: { data: Parameters<typeof riskByProvider>[0] }) {
  const rows = riskByProvider(data);
  if (rows.length === 0) return <Empty>No open case.</Empty>;
  return (
    <div class="table-wrap">
      <table data-figure="risk">
        <thead>
          <tr>
            <th scope="col">Care provider</th>
            <th scope="col" class="num">
              Open
            </th>
            <th scope="col" class="num">
              At risk
            </th>
            <th scope="col" class="num">
              Breached
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.careProviderId}>
              <th scope="row" data-label="Care provider">
                {r.careProviderId}
              </th>
              <td class="num" data-label="Open">
                {r.open}
              </td>
              <td class="num" data-label="At risk">
                {r.atRisk}
              </td>
              <td class="num" data-label="Breached">
                {r.breached}
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All</th>
            <td class="num">{data.totals.open}</td>
            <td class="num">{data.totals.atRisk}</td>
            <td class="num">{data.totals.breached}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
