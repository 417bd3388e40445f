import { useQuery, useQueryClient } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';

import { ALERT_LEVELS } from '../../../src/contracts/alerts';
import type { AlertLevel } from '../../../src/contracts/alerts';
import type { AlertView, Page } from '../../../src/contracts/read-model';
import { AlertListSchema, AlertViewSchema } from '../../../src/contracts/read-model';
import type { AlertStreamEvent } from '../api/alert-stream';
import { useAlertStream } from '../api/alert-stream';
import { apiJson, ApiError } from '../api/client';
import { useSignedIn } from '../auth/session';
import { AlertKindBadge } from '../components/Badges';
import { Empty, QueryView } from '../components/States';
import { Time } from '../components/Time';
import type { InboxFilter } from '../lib/alerts-inbox';
import { announcement, awaitsAcknowledgement, mergeAlerts, providersOf, STREAM_STATE_TEXT, visibleAlerts } from '../lib/alerts-inbox';
import { isSupervisor } from '../lib/roles';
import { pageSelection, toggled, toggledAll } from '../lib/selection';

const INBOX_KEY = ['alerts-inbox'];
const LIMIT = 200;

/** Alerts, newest first, kept current by the live stream (no polling); supervisors acknowledge one or many. */
export function AlertsPage() {
  const session = useSignedIn();
  const client = useQueryClient();
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [heard, setHeard] = useState('');
  const update = (alerts: AlertView[]) =>
    client.setQueryData<Page<AlertView>>(INBOX_KEY, (page) => page && { ...page, items: mergeAlerts(page.items, alerts) });

  const stream = useAlertStream((type: AlertStreamEvent, alert) => {
    update([alert]);
    if (type === 'alert.fired') setFresh((ids) => new Set(ids).add(alert.id));
    setHeard(announcement(type, alert));
  });
  // The list loads once the stream is open, so no alert falls between the two.
  const list = useQuery({
    queryKey: INBOX_KEY,
    queryFn: ({ signal }) => apiJson(AlertListSchema, `/alerts?limit=${LIMIT}`, { signal }),
    enabled: stream === 'live' || stream === 'stopped',
    staleTime: Infinity,
  });

  return (
    <section aria-labelledby="alerts-title">
      <div class="page-head">
        <h1 id="alerts-title">Alerts</h1>
        <p class={`stream stream-${stream}`} role="status">
          <span aria-hidden="true">{stream === 'live' ? '● ' : stream === 'stopped' ? '■ ' : '↻ '}</span>
          {STREAM_STATE_TEXT[stream]}
        </p>
      </div>
      <p class="visually-hidden" aria-live="polite">
        {heard}
      </p>
      {stream === 'connecting' ? null : (
        <QueryView query={list} what="alerts">
          {(page) => (
            <Inbox
              alerts={page.items}
              fresh={fresh}
              supervisor={isSupervisor(session.role)}
              onChanged={update}
              capped={page.nextCursor !== null}
            />
          )}
        </QueryView>
      )}
    </section>
  );
}

function Inbox({
  alerts,
  fresh,
  supervisor,
  onChanged,
  capped,
}: {
  alerts: AlertView[];
  fresh: Set<string>;
  supervisor: boolean;
  onChanged: (alerts: AlertView[]) => void;
  capped: boolean;
}) {
  const [filter, setFilter] = useState<InboxFilter>({ show: 'open' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ done: number; refused: { id: string; error: ApiError }[] } | null>(null);
  const shown = visibleAlerts(alerts, filter);
  const selectable = shown.filter(awaitsAcknowledgement).map((a) => a.id);
  const chosen = [...selected].filter((id) => selectable.includes(id));

  const acknowledge = async (ids: string[]) => {
    setBusy(true);
    setResult(null);
    const refused: { id: string; error: ApiError }[] = [];
    const done: AlertView[] = [];
    for (const id of ids) {
      try {
        done.push(await apiJson(AlertViewSchema, `/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST', body: {} }));
      } catch (err) {
        refused.push({ id, error: err instanceof ApiError ? err : new ApiError(0, undefined, String(err)) });
      }
    }
    onChanged(done);
    setSelected(new Set());
    setResult({ done: done.length, refused });
    setBusy(false);
  };

  return (
    <>
      <form class="filters" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="a-show">Show</label>
          <select
            id="a-show"
            value={filter.show}
            onChange={(e) => setFilter({ ...filter, show: e.currentTarget.value as InboxFilter['show'] })}
          >
            <option value="open">Open alerts</option>
            <option value="all">All, resolved too</option>
          </select>
        </div>
        <div class="field">
          <label for="a-level">Level</label>
          <select
            id="a-level"
            value={filter.level ?? ''}
            onChange={(e) => setFilter({ ...filter, level: (e.currentTarget.value || undefined) as AlertLevel | undefined })}
          >
            <option value="">Any level</option>
            {ALERT_LEVELS.map((level) => (
              <option key={level} value={level}>
                {level === 'program_lead' ? 'Program lead' : 'Supervisor'}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="a-provider">Care provider</label>
          <select
            id="a-provider"
            value={filter.careProviderId ?? ''}
            onChange={(e) => setFilter({ ...filter, careProviderId: e.currentTarget.value || undefined })}
          >
            <option value="">Any provider</option>
            {providersOf(alerts).map((provider) => (
              <option key={provider} value={provider}>
                {provider}
              </option>
            ))}
          </select>
        </div>
      </form>
      {supervisor ? (
        <div class="bulk-bar" role="region" aria-label="Acknowledge alerts">
          <label class="inline">
            <input
              type="checkbox"
              checked={pageSelection(selected, selectable) === 'all'}
              disabled={selectable.length === 0}
              ref={(el) => void (el && (el.indeterminate = pageSelection(selected, selectable) === 'some'))}
              onChange={() => setSelected(toggledAll(selected, selectable))}
            />{' '}
            Select all unacknowledged ({selectable.length})
          </label>
          <button type="button" disabled={busy || chosen.length === 0} onClick={() => void acknowledge(chosen)}>
            {busy ? 'Acknowledging…' : `Acknowledge selected (${chosen.length})`}
          </button>
        </div>
      ) : null}
      {result ? (
        <div class={result.refused.length ? 'state error' : 'success'} role="status">
          {result.done} acknowledged
          {result.refused.length > 0 ? `, ${result.refused.length} refused:` : '.'}
          {result.refused.length > 0 ? (
            <ul>
              {result.refused.map((r) => (
                <li key={r.id}>
                  {r.id}: {r.error.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {shown.length === 0 ? (
        <Empty>{alerts.length === 0 ? 'No alerts yet. New ones appear here as they fire.' : 'No alert matches these filters.'}</Empty>
      ) : (
        <ul class="alert-list" aria-label="Alerts, newest first">
          {shown.map((alert) => (
            <AlertItem
              key={alert.id}
              alert={alert}
              isNew={fresh.has(alert.id)}
              selectable={supervisor && awaitsAcknowledgement(alert)}
              selected={selected.has(alert.id)}
              onToggle={() => setSelected(toggled(selected, alert.id))}
              onAcknowledge={() => void acknowledge([alert.id])}
              busy={busy}
            />
          ))}
        </ul>
      )}
      {capped ? <p class="hint">Showing the newest {LIMIT} alerts.</p> : null}
    </>
  );
}

function AlertItem({
  alert,
  isNew,
  selectable,
  selected,
  onToggle,
  onAcknowledge,
  busy,
}: {
  alert: AlertView;
  isNew: boolean;
  selectable: boolean;
  selected: boolean;
  onToggle: () => void;
  onAcknowledge: () => void;
  busy: boolean;
}) {
  const checkboxId = `select-${alert.id}`;
  return (
    <li class={`alert-item ${alert.kind}${isNew ? ' new' : ''}${alert.resolvedAt ? ' resolved' : ''}`}>
      {selectable ? (
        <input
          id={checkboxId}
          type="checkbox"
          checked={selected}
          onChange={onToggle}
          aria-label={`Select alert for case ${alert.caseId}: ${alert.message}`}
        />
      ) : (
        <span class="checkbox-space" />
      )}
      <div class="alert-body">
        <p>
          {isNew ? <span class="badge new-badge">New</span> : null} <AlertKindBadge kind={alert.kind} level={alert.level} />{' '}
          <Link href={`/cases/${encodeURIComponent(alert.caseId)}`}>Case {alert.caseId}</Link> · {alert.careProviderId}
          {alert.sponsorCategory ? ` · Category ${alert.sponsorCategory}` : ''}
        </p>
        <p class="message">{alert.message}</p>
        <p class="meta">
          Fired <Time iso={alert.firedAt} /> · due <Time iso={alert.dueAt} mode="absolute" />
          {alert.acknowledged ? (
            <>
              {' '}
              · <span aria-hidden="true">✓ </span>acknowledged by {alert.acknowledged.by.id} <Time iso={alert.acknowledged.at} />
            </>
          ) : null}
          {alert.resolvedAt ? (
            <>
              {' '}
              · resolved <Time iso={alert.resolvedAt} />
            </>
          ) : null}
        </p>
      </div>
      {selectable ? (
        <button
          type="button"
          class="small"
          disabled={busy}
          onClick={onAcknowledge}
          aria-label={`Acknowledge alert for case ${alert.caseId}`}
        >
          Acknowledge
        </button>
      ) : null}
    </li>
  );
}
