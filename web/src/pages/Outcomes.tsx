import { useQuery } from '@tanstack/preact-query';
import { z } from 'zod';

import { apiJson } from '../api/client';
import { useHasRoute } from '../api/queries';
import { QueryView } from '../components/States';

/**
 * Outcomes: length of stay, where the days go, cohorts, flow and risk by provider, from the
 * analytics API (issue 16), and a what-if run (POST /simulations, issue 19). On a server without
 * those routes the page says so, from the server's own 404.
 */
export function OutcomesPage() {
  const analytics = useQuery({
    queryKey: ['outcomes'],
    queryFn: ({ signal }) => apiJson(z.unknown(), '/analytics/category-1', { signal }),
  });
  const simulations = useHasRoute('POST /simulations');
  return (
    <section aria-labelledby="outcomes-title">
      <h1 id="outcomes-title">Outcomes</h1>
      <QueryView query={analytics} what="the outcome figures" notAvailable="The outcome figures">
        {() => null}
      </QueryView>
      <section class="panel" aria-labelledby="whatif-title">
        <h2 id="whatif-title">What if…</h2>
        {simulations === false ? (
          <div class="state not-available" role="note">
            <strong>Not available on this server yet.</strong> What-if runs need POST /simulations, which this server does not have.
          </div>
        ) : null}
      </section>
    </section>
  );
}
