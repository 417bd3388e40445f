import type { ComponentChildren } from 'preact';

import { ApiError } from '../api/client';

/** The loading, empty, error and "not on this server yet" states every page shows. */

export function Loading({ what }: { what: string }) {
  return (
    <p class="state loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="state empty">{children}</p>;
}

export function NotAvailable({ what }: { what: string }) {
  return (
    <div class="state not-available" role="note">
      <strong>Not available on this server yet.</strong> {what} needs an API this server does not have (it answered 404 for its route).
      Nothing is shown rather than made-up figures.
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  if (error instanceof ApiError && error.notAvailable) return <NotAvailable what="This part of the page" />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="state error" role="alert">
      <strong>Could not load this.</strong> {message}
      {error instanceof ApiError && error.code ? <span class="code"> ({error.code})</span> : null}
      {retry ? (
        <button type="button" class="secondary" onClick={retry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  refetch: () => unknown;
}

/** Renders a query's data, or its loading, error or "not available yet" state. */
export function QueryView<T>({
  query,
  what,
  notAvailable,
  children,
}: {
  query: QueryLike<T>;
  what: string;
  /** Shown when the server has no route for this query (404 route_not_found). */
  notAvailable?: string;
  children: (data: T) => ComponentChildren;
}) {
  if (query.error instanceof ApiError && query.error.notAvailable) return <NotAvailable what={notAvailable ?? what} />;
  if (query.error) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading what={what} />;
  return <>{children(query.data)}</>;
}
