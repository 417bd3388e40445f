import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import type { CaseDetail as CaseDetailView, CaseView } from '../../../src/contracts/case-view';
import type { Session } from '../../../src/contracts/session';
import { EVENT_ROLES } from '../../../src/domain/policy';
import { ApiError } from '../api/client';
import { useAcknowledge, useAudit, useCase, useSendEvent } from '../api/queries';
import { useSignedIn } from '../auth/session';
import { AlertKindBadge, RiskBadge, StageBadge } from '../components/Badges';
import { Refusal } from '../components/Refusal';
import { SchemaForm } from '../components/SchemaForm';
import { StageChart } from '../components/StageChart';
import { Empty, ErrorState, QueryView } from '../components/States';
import { Time, TimeLeft, useNow } from '../components/Time';
import { bodyFrom, eventFields, validateBody } from '../lib/event-form';
import type { FieldSpec } from '../lib/event-form';
import { eventLabel, humanize, roleLabel, statusLabel } from '../lib/labels';
import { isSupervisor } from '../lib/roles';
import { wholeDays } from '../lib/time';

/** One case: where it stands, what happened, what is due, and what the viewer may do now. */
export function CasePage({ caseId }: { caseId: string }) {
  const view = useCase(caseId);
  return (
    <QueryView query={view} what={`case ${caseId}`}>
      {(data) => <CaseDetail view={data} />}
    </QueryView>
  );
}

export function useNarrow(query = '(max-width: 720px)'): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const media = window.matchMedia(query);
    const onChange = () => setNarrow(media.matches);
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, [query]);
  return narrow;
}

function CaseDetail({ view }: { view: CaseDetailView }) {
  const session = useSignedIn();
  const now = useNow();
  const narrow = useNarrow();
  const days = wholeDays(view.admittedAt, view.releasedAt ? new Date(view.releasedAt) : now);
  return (
    <article class="case" aria-labelledby="case-title">
      <header class="page-head">
        <h1 id="case-title">
          Case {view.caseId} <StageBadge status={view.status} />
        </h1>
        <dl class="facts">
          <div>
            <dt>Care provider</dt>
            <dd>{view.careProviderId}</dd>
          </div>
          <div>
            <dt>Admitted</dt>
            <dd>
              <Time iso={view.admittedAt} mode="absolute" />
            </dd>
          </div>
          <div>
            <dt>Days in care</dt>
            <dd>{days}</dd>
          </div>
          <div>
            <dt>Case manager</dt>
            <dd>{view.assigneeId ?? 'unassigned'}</dd>
          </div>
          <div>
            <dt>Sponsor</dt>
            <dd>
              {view.sponsor ? `Category ${view.sponsor.category}${view.sponsor.related ? '' : ' (unrelated)'}` : 'not identified yet'}
              {view.expedited ? ' · expedited' : ''}
            </dd>
          </div>
          {view.closed ? (
            <div>
              <dt>Closed</dt>
              <dd>{view.closure ? humanize(view.closure) : 'yes'}</dd>
            </div>
          ) : null}
        </dl>
      </header>
      <div class="case-grid">
        <Panel id="stage" title="Stage" wide>
          <StageChart status={view.status} transitions={view.transitions} narrow={narrow} />
        </Panel>
        <Panel id="actions" title="Your actions">
          <Actions view={view} session={session} />
        </Panel>
        <Panel id="deadlines" title="Deadlines">
          <Deadlines view={view} />
        </Panel>
        <Panel id="alerts" title="Open alerts">
          <OpenAlerts view={view} session={session} />
        </Panel>
        <Panel id="checks" title="Checks">
          <Checks view={view} />
        </Panel>
        <Panel id="timeline" title="Timeline" wide>
          <Timeline view={view} />
        </Panel>
        <Panel id="audit" title="Audit trail" wide>
          <AuditTrail caseId={view.caseId} />
        </Panel>
      </div>
    </article>
  );
}

/** One titled section of the case page; `wide` spans the page's width. */
function Panel({ id, title, wide = false, children }: { id: string; title: string; wide?: boolean; children: ComponentChildren }) {
  return (
    <section class={wide ? 'panel wide' : 'panel'} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
    </section>
  );
}

/** Events the role may send at all, by the policy table: what "try another" offers. */
function eventsOfRole(role: string): string[] {
  return Object.entries(EVENT_ROLES)
    .filter(([, roles]) => roles.some((r) => r === role))
    .map(([event]) => event);
}

/** Check choices narrowed to the checks still pending, when the case lists them. */
function fieldsFor(type: string, view: CaseView): FieldSpec[] {
  return eventFields(type).map((field) => {
    if (field.name !== 'check' || field.kind !== 'choice' || !view.checks) return field;
    const pending = field.options.filter((o) => view.checks?.[o.value as keyof typeof view.checks] === 'pending');
    return pending.length > 0 ? { ...field, options: pending } : field;
  });
}

function Actions({ view, session }: { view: CaseView; session: Session }) {
  const allowed = view.allowedEvents[session.role] ?? [];
  const others = eventsOfRole(session.role).filter((event) => !allowed.includes(event as never));
  const [chosen, setChosen] = useState<string | null>(null);
  const [tryOther, setTryOther] = useState('');
  const [outcome, setOutcome] = useState<{ event: string; message?: string; error?: ApiError } | null>(null);
  const send = useSendEvent(view.caseId);

  if (view.closed) return <Empty>The case is closed: it takes no more events.</Empty>;
  const fields = chosen ? fieldsFor(chosen, view) : [];
  const submit = (type: string, values: Record<string, string | boolean | string[]>) => {
    setOutcome(null);
    send.mutate(bodyFrom(fields, values, { type }), {
      onSuccess: (answer) => {
        setOutcome({ event: type, message: answer.message });
        setChosen(null);
      },
      onError: (err) => setOutcome({ event: type, error: err instanceof ApiError ? err : new ApiError(0, undefined, String(err)) }),
    });
  };

  return (
    <div class="actions">
      {outcome?.message ? (
        <p class="success" role="status">
          <span aria-hidden="true">✓ </span>
          {eventLabel(outcome.event)}: {outcome.message}
        </p>
      ) : null}
      {outcome?.error ? <Refusal error={outcome.error} event={outcome.event} /> : null}
      {allowed.length === 0 ? (
        <p>
          As {roleLabel(session.role).toLowerCase()}, you have nothing to do on this case in {statusLabel(view.status)}.
        </p>
      ) : (
        <div class="action-buttons" role="group" aria-label="Events you may send now">
          {allowed.map((event) => (
            <button key={event} type="button" aria-pressed={chosen === event} onClick={() => setChosen(chosen === event ? null : event)}>
              {eventLabel(event)}
            </button>
          ))}
        </div>
      )}
      {chosen ? (
        <div class="event-form">
          <h3>{eventLabel(chosen)}</h3>
          <SchemaForm
            key={chosen}
            fields={fields}
            submitLabel={`Send: ${eventLabel(chosen)}`}
            busy={send.isPending}
            validate={(values) => validateBody(chosen, bodyFrom(fields, values, { type: chosen }))}
            onSubmit={(values) => submit(chosen, values)}
            onCancel={() => setChosen(null)}
          />
        </div>
      ) : null}
      {others.length > 0 ? (
        <details class="try-other">
          <summary>Why can't I…? Try another event</summary>
          <p class="hint">These are yours by policy but the case does not accept them now; the server says why.</p>
          <div class="field inline-field">
            <label for="try-event">Event</label>
            <select id="try-event" value={tryOther} onChange={(e) => setTryOther(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {others.map((event) => (
                <option key={event} value={event}>
                  {eventLabel(event)}
                </option>
              ))}
            </select>
            <button type="button" class="secondary" disabled={!tryOther} onClick={() => setChosen(tryOther)}>
              Open its form
            </button>
          </div>
        </details>
      ) : null}
    </div>
  );
}

/** Every deadline that applies now, soonest first, with where the case stands against it. */
function Deadlines({ view }: { view: CaseDetailView }) {
  if (view.closed) return <Empty>None: the case is closed.</Empty>;
  if (view.deadlines.length === 0) return <Empty>No deadline applies to this case now.</Empty>;
  return (
    <>
      <ul class="deadlines">
        {view.deadlines.map((d) => (
          <li key={d.key}>
            <RiskBadge level={d.level} /> <strong>{d.label}</strong>
            <br />
            <span class="hint">{d.target}</span>
            <br />
            <TimeLeft due={d.dueAt} /> (<Time iso={d.dueAt} mode="absolute" />)
          </li>
        ))}
      </ul>
      <p class="hint">Targets version {view.alerts.targetsVersion}</p>
    </>
  );
}

function OpenAlerts({ view, session }: { view: CaseView; session: Session }) {
  const acknowledge = useAcknowledge();
  const acked = new Map(view.alerts.acknowledgements.map((ack) => [ack.alertId, ack]));
  if (view.alerts.open.length === 0) return <Empty>No open alerts.</Empty>;
  return (
    <ul class="alert-list compact">
      {view.alerts.open.map((alert) => {
        const ack = acked.get(alert.id);
        return (
          <li key={alert.id}>
            <AlertKindBadge kind={alert.kind} level={alert.level} /> {alert.message}{' '}
            <span class="meta">
              fired <Time iso={alert.firedAt} />
              {ack ? ` · acknowledged by ${ack.actor.id}` : ''}
            </span>
            {!ack && isSupervisor(session.role) ? (
              <button type="button" class="small" disabled={acknowledge.isPending} onClick={() => acknowledge.mutate(alert.id)}>
                Acknowledge
              </button>
            ) : null}
          </li>
        );
      })}
      {acknowledge.error ? <ErrorState error={acknowledge.error} /> : null}
    </ul>
  );
}

const CHECK_TEXT: Record<string, string> = {
  pending: '… Pending',
  cleared: '✓ Cleared',
  flagged: '⚑ Flagged',
  not_required: '– Not required',
};

function Checks({ view }: { view: CaseView }) {
  if (!view.checks) return <Empty>No checks yet: they start once a sponsor is identified.</Empty>;
  return (
    <>
      <table class="checks">
        <caption class="visually-hidden">Background checks per person</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Sponsor{view.sponsor ? ` (Category ${view.sponsor.category})` : ''}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(view.checks).map(([check, status]) => (
            <tr key={check}>
              <th scope="row">{humanize(check)}</th>
              <td class={`check-${status}`}>{CHECK_TEXT[status] ?? status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {view.flags.length > 0 ? (
        <ul>
          {view.flags.map((flag) => (
            <li key={`${flag.check}-${flag.at}`}>
              ⚑ {humanize(flag.check)}: {flag.findings} (<Time iso={flag.at} />)
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

function Timeline({ view }: { view: CaseView }) {
  return (
    <ol class="timeline">
      {view.transitions.map((t) => (
        <li key={t.seq}>
          <Time iso={t.at} mode="absolute" /> · <strong>{eventLabel(t.event)}</strong>{' '}
          {t.fromStatus && t.fromStatus !== t.toStatus
            ? `${statusLabel(t.fromStatus)} → ${statusLabel(t.toStatus)}`
            : statusLabel(t.toStatus)}{' '}
          · by {t.actor.id} ({roleLabel(t.actor.role)}){t.reason ? <span class="reason"> · “{t.reason}”</span> : null}
        </li>
      ))}
      {view.refusedSignals.map((r) => (
        <li key={`refused-${r.at}`} class="refused">
          <Time iso={r.at} mode="absolute" /> · <strong>{eventLabel(r.event)} refused</strong> · by {r.actor.id}: {r.message}
        </li>
      ))}
    </ol>
  );
}

function AuditTrail({ caseId }: { caseId: string }) {
  const audit = useAudit(caseId);
  return (
    <QueryView query={audit} what="the audit trail">
      {(trail) => (
        <>
          <p class={trail.verified ? 'verified' : 'broken'} role="status">
            {trail.verified
              ? `✓ Verified: all ${trail.entries.length} entries chain correctly (SHA-256).`
              : `✗ Broken: the chain does not verify at entry ${trail.brokenAt}.`}
          </p>
          <details>
            <summary>Show {trail.entries.length} entries</summary>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Who</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {trail.entries.map((entry) => (
                    <tr key={entry.seq} class={trail.brokenAt === entry.seq ? 'broken' : undefined}>
                      <td>{entry.seq}</td>
                      <td>
                        <Time iso={entry.at} mode="absolute" />
                      </td>
                      <td>{eventLabel(entry.event)}</td>
                      <td>{entry.kind === 'accepted' ? '✓ accepted' : '✕ refused'}</td>
                      <td>
                        {entry.actor.id} ({roleLabel(entry.actor.role)})
                      </td>
                      <td>{entry.detail ?? entry.reason ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </QueryView>
  );
}
