import { QueryClient, QueryClientProvider } from '@tanstack/preact-query';
import type { ComponentChildren } from 'preact';
import { useEffect, useErrorBoundary, useRef } from 'preact/hooks';
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter-preact';
import { useHashLocation } from 'wouter-preact/use-hash-location';

import { ApiError } from './api/client';
import { SessionProvider, useSession } from './auth/session';
import { SignIn } from './auth/SignIn';
import { roleLabel } from './lib/labels';
import { HOME } from './lib/roles';
import { AlertsPage } from './pages/Alerts';
import { CasePage } from './pages/Case';
import { CaseloadPage } from './pages/Caseload';
import { InboxPage } from './pages/Inbox';
import { OutcomesPage } from './pages/Outcomes';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal, a missing route or a missing case will not change by asking again.
      retry: (count, error) => count < 2 && !(error instanceof ApiError && error.status < 500),
      refetchOnWindowFocus: true,
      staleTime: 10_000,
    },
  },
});

const PAGES = [
  { path: '/caseload', label: 'Caseload' },
  { path: '/alerts', label: 'Alerts' },
  { path: '/inbox', label: 'Reviewer inbox' },
  { path: '/outcomes', label: 'Outcomes' },
];

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionProvider onChange={() => queryClient.clear()}>
        <Router hook={useHashLocation}>
          <Shell />
        </Router>
      </SessionProvider>
    </QueryClientProvider>
  );
}

function Shell() {
  const { session, signOut } = useSession();
  const [location] = useLocation();
  const main = useRef<HTMLElement>(null);
  // A new page moves focus to its content, as a page load would, so keyboard and screen-reader users start there.
  useEffect(() => {
    main.current?.focus();
  }, [location]);

  return (
    <>
      <a class="skip-link" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <Link href={session ? HOME[session.role] : '/'} class="brand">
          Reunify
        </Link>
        {session ? (
          <>
            <nav aria-label="Pages">
              <ul>
                {PAGES.map((page) => (
                  <li key={page.path}>
                    <Link href={page.path} aria-current={location.startsWith(page.path) ? 'page' : undefined}>
                      {page.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <div class="who">
              <span>
                <strong>{session.id}</strong> · {roleLabel(session.role)}
                {session.careProviderId ? ` · ${session.careProviderId}` : ''}
              </span>
              <button type="button" class="secondary small" onClick={() => signOut()}>
                Sign out
              </button>
            </div>
          </>
        ) : null}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {session ? (
          <PageErrors key={location}>
            <Switch>
              <Route path="/caseload" component={CaseloadPage} />
              <Route path="/cases/:id">{(params) => <CasePage caseId={decodeURIComponent(params.id)} />}</Route>
              <Route path="/alerts" component={AlertsPage} />
              <Route path="/inbox" component={InboxPage} />
              <Route path="/outcomes" component={OutcomesPage} />
              <Route>
                <Redirect to={HOME[session.role]} replace />
              </Route>
            </Switch>
          </PageErrors>
        ) : (
          <SignIn />
        )}
      </main>
    </>
  );
}

/** A page that fails to render says so (and how to go on) instead of leaving a blank screen. */
function PageErrors({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  if (error) {
    return (
      <div class="state error" role="alert">
        <strong>This page failed to show.</strong> {error instanceof Error ? error.message : String(error)}
        <button type="button" class="secondary" onClick={reset}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children}</>;
}
