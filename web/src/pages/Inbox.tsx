import { useQueries } from '@tanstack/preact-query';
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';

import { CaseViewSchema } from '../../../src/contracts/case-view';
import { ApiError, apiJson } from '../api/client';
import { useCaseList, useSendEvent, useTargets } from '../api/queries';
import { useSignedIn } from '../auth/session';
import { StageBadge } from '../components/Badges';
import { Refusal } from '../components/Refusal';
import { SchemaForm } from '../components/SchemaForm';
import { Empty, QueryView } from '../components/States';
import { Time, TimeLeft } from '../components/Time';
import { bodyFrom, eventFields, validateBody } from '../lib/event-form';
import type { InboxItem } from '../lib/inbox';
import { enteredStageAt, inboxOrder } from '../lib/inbox';
import { eventLabel, roleLabel, statusLabel } from '../lib/labels';
import { INBOX_STAGE } from '../lib/roles';

const INBOX_LIMIT = 200;

/** Cases waiting on the viewer's decision, soonest due first, each with the decision form. */
export function InboxPage() {
  const session = useSignedIn();
  const stage = INBOX_STAGE[session.role];
  if (!stage) {
    return (
      <section aria-labelledby="inbox-title">
        <h1 id="inbox-title">Reviewer inbox</h1>
        <Empty>
          Decisions are made by ORR reviewers and case coordinators; as {roleLabel(session.role).toLowerCase()} you have no inbox here.
        </Empty>
      </section>
    );
  }
  return <Inbox stage={stage} decides={session.role === 'orr_reviewer' || session.role === 'case_coordinator'} />;
}

function Inbox({ stage, decides }: { stage: 'release_decision' | 'third_party_review'; decides: boolean }) {
  const cases = useCaseList({ status: stage }, null, INBOX_LIMIT);
  const targets = useTargets();
  const views = useQueries({
    queries: (cases.data?.items ?? []).map((item) => ({
      queryKey: ['case', item.caseId],
      queryFn: ({ signal }: { signal: AbortSignal }) => apiJson(CaseViewSchema, `/cases/${encodeURIComponent(item.caseId)}`, { signal }),
    })),
  });
  const [decided, setDecided] = useState<string[]>([]);
  const entered = new Map(
    views.flatMap((v) => (v.data ? [[v.data.caseId, enteredStageAt(v.data.transitions, v.data.status)] as const] : [])),
  );
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Reviewer inbox</h1>
      <p class="lead">
        Cases awaiting {stage === 'release_decision' ? "ORR's release decision" : 'third-party review'}, soonest due first.
      </p>
      {decided.length > 0 ? (
        <ul class="success" role="status" aria-label="Decisions sent">
          {decided.map((line) => (
            <li key={line}>✓ {line}</li>
          ))}
        </ul>
      ) : null}
      <QueryView query={cases} what="cases awaiting a decision">
        {(page) => (
          <QueryView query={targets} what="the targets">
            {(versioned) => {
              const items = inboxOrder(page.items, versioned.targets, (id) => entered.get(id) ?? null);
              return items.length === 0 ? (
                <Empty>Nothing is waiting for a decision.</Empty>
              ) : (
                <ol class="inbox">
                  {items.map((item) => (
                    <InboxRow
                      key={item.summary.caseId}
                      item={item}
                      decides={decides}
                      event={stage === 'release_decision' ? 'DECIDE_RELEASE' : 'REVIEW_CASE'}
                      onDecided={(message) => setDecided((lines) => [...lines, `Case ${item.summary.caseId}: ${message}`])}
                    />
                  ))}
                </ol>
              );
            }}
          </QueryView>
        )}
      </QueryView>
    </section>
  );
}

function InboxRow({
  item,
  decides,
  event,
  onDecided,
}: {
  item: InboxItem;
  decides: boolean;
  event: string;
  onDecided: (message: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState<{ message?: string; error?: ApiError } | null>(null);
  const send = useSendEvent(item.summary.caseId);
  const fields = eventFields(event);
  const { summary } = item;
  const headingId = `inbox-${summary.caseId}`;
  return (
    <li class="panel inbox-item" aria-labelledby={headingId}>
      <div class="inbox-head">
        <h2 id={headingId}>
          <Link href={`/cases/${encodeURIComponent(summary.caseId)}`}>Case {summary.caseId}</Link> <StageBadge status={summary.status} />
        </h2>
        <dl class="facts">
          <div>
            <dt>Due</dt>
            <dd>
              {item.dueAt ? (
                <>
                  <TimeLeft due={item.dueAt} />{' '}
                  <span class="hint">
                    (target {item.targetDays} d in {statusLabel(summary.status)})
                  </span>
                </>
              ) : item.targetDays !== null && item.enteredAt === null ? (
                '…'
              ) : (
                'no target for this stage'
              )}
            </dd>
          </div>
          <div>
            <dt>Waiting since</dt>
            <dd>{item.enteredAt ? <Time iso={item.enteredAt} /> : '…'}</dd>
          </div>
          <div>
            <dt>Care provider</dt>
            <dd>{summary.careProviderId}</dd>
          </div>
          <div>
            <dt>Category</dt>
            <dd>{summary.sponsorCategory ?? '—'}</dd>
          </div>
          <div>
            <dt>Days in care</dt>
            <dd>{Math.floor(summary.daysInCare)}</dd>
          </div>
        </dl>
      </div>
      {outcome?.message ? (
        <p class="success" role="status">
          <span aria-hidden="true">✓ </span>
          {outcome.message}
        </p>
      ) : null}
      {outcome?.error ? <Refusal error={outcome.error} event={event} /> : null}
      {decides && !outcome?.message ? (
        open ? (
          <SchemaForm
            fields={fields}
            submitLabel={`Send: ${eventLabel(event)}`}
            busy={send.isPending}
            validate={(values) => validateBody(event, bodyFrom(fields, values, { type: event }))}
            onCancel={() => setOpen(false)}
            onSubmit={(values) =>
              send.mutate(bodyFrom(fields, values, { type: event }), {
                onSuccess: (answer) => {
                  setOutcome({ message: answer.message });
                  onDecided(answer.message);
                },
                onError: (err) => setOutcome({ error: err instanceof ApiError ? err : new ApiError(0, undefined, String(err)) }),
              })
            }
          />
        ) : (
          <button type="button" onClick={() => setOpen(true)} aria-label={`Decide case ${summary.caseId}`}>
            Decide
          </button>
        )
      ) : null}
    </li>
  );
}
