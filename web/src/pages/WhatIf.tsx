import { useMutation } from '@tanstack/preact-query';
import { useMemo, useState } from 'preact/hooks';

import type { Flow } from '../../../src/contracts/analytics';
import { SimulationResponseSchema } from '../../../src/contracts/simulations';
import { apiJson, ApiError } from '../api/client';
import { useHasRoute } from '../api/queries';
import { Chart } from '../components/Chart';
import { Refusal } from '../components/Refusal';
import type { SimulationAnswer, WhatIfLevers } from '../lib/what-if';
import { findings, inCareOption, leversFrom, simulationBody } from '../lib/what-if';

const LEVERS: { key: keyof Omit<WhatIfLevers, 'fitFromDatabase'>; label: string; min: number; max: number; step: number }[] = [
  { key: 'category1MeanDays', label: 'Category 1 mean stay (days)', min: 0.5, max: 365, step: 0.5 },
  { key: 'arrivalsPerDay', label: 'Admissions a day', min: 0, max: 5000, step: 0.1 },
  { key: 'inCareNow', label: 'Children in care now', min: 0, max: 100_000, step: 1 },
  { key: 'caseManagers', label: 'Case managers', min: 1, max: 100_000, step: 1 },
  { key: 'fundedBeds', label: 'Funded beds', min: 0, max: 1_000_000, step: 1 },
  { key: 'days', label: 'Days ahead', min: 7, max: 365, step: 1 },
];

/**
 * What if Category 1 children stayed N days on average? The simulator runs the program as it is
 * and as changed, with the same seeds, and the difference is the effect (beds freed, alerts).
 * Its starting levers come from the flow the page shows.
 */
export function WhatIf({ flow }: { flow: Flow | undefined }) {
  const available = useHasRoute('POST /simulations');
  const [levers, setLevers] = useState<WhatIfLevers | null>(null);
  const current = levers ?? leversFrom(flow);
  const run = useMutation({
    mutationFn: (body: unknown) => apiJson(SimulationResponseSchema, '/simulations', { method: 'POST', body }),
  });
  if (available === false) {
    return (
      <section class="panel" aria-labelledby="whatif-title">
        <h2 id="whatif-title">What if…</h2>
        <div class="state not-available" role="note">
          <strong>Not available on this server yet.</strong> What-if runs need POST /simulations, which this server does not have.
        </div>
      </section>
    );
  }
  const result = run.data ? findings(run.data) : null;
  return (
    <section class="panel" aria-labelledby="whatif-title">
      <h2 id="whatif-title">What if…</h2>
      <p class="hint">
        Simulates the program from today, as it runs and with Category 1 at the mean stay below (three seeded runs; 95% intervals).
      </p>
      <form
        class="filters whatif"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate(simulationBody(current, new Date().toISOString().slice(0, 10)));
        }}
      >
        {LEVERS.map((lever) => (
          <div class="field" key={lever.key}>
            <label for={`w-${lever.key}`}>{lever.label}</label>
            <input
              id={`w-${lever.key}`}
              type="number"
              required
              min={lever.min}
              max={lever.max}
              step={lever.step}
              value={current[lever.key]}
              onChange={(e) => setLevers({ ...current, [lever.key]: Number(e.currentTarget.value) })}
            />
          </div>
        ))}
        <div class="field checkbox">
          <input
            id="w-fit"
            type="checkbox"
            checked={current.fitFromDatabase}
            onChange={(e) => setLevers({ ...current, fitFromDatabase: e.currentTarget.checked })}
          />
          <label for="w-fit">Stage durations from this instance's cases</label>
        </div>
        <div class="field">
          <button type="submit" disabled={run.isPending}>
            {run.isPending ? 'Simulating…' : 'Run the what-if'}
          </button>
        </div>
      </form>
      {run.error ? <Refusal error={run.error instanceof ApiError ? run.error : new ApiError(0, undefined, String(run.error))} /> : null}
      {result ? (
        <div role="status" data-figure="what-if">
          <p>
            <strong>Beds freed over the last 30 days: {result.bedsFreed}</strong>
          </p>
          <InCareChart answer={run.data!} />
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Figure</th>
                  <th scope="col">As it runs</th>
                  <th scope="col">What if</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row) => (
                  <tr key={row.label}>
                    <th scope="row" data-label="Figure">
                      {row.label}
                    </th>
                    <td data-label="As it runs">{row.base}</td>
                    <td data-label="What if">{row.whatIf}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function InCareChart({ answer }: { answer: SimulationAnswer }) {
  const option = useMemo(() => inCareOption(answer), [answer]);
  return <Chart option={option} label="Children in care each day, as the program runs and with the change, with 95% bands over the runs" />;
}
