import type { ApiError } from '../api/client';
import { eventLabel, statusLabel } from '../lib/labels';

/** Why the API refused, in its words, with what the viewer may do instead. */
export function Refusal({ error, event }: { error: ApiError; event?: string }) {
  const refusal = error.refusal;
  return (
    <div class="refusal" role="alert">
      <p>
        <strong>
          <span aria-hidden="true">✕ </span>
          {event ? `${eventLabel(event)} was refused` : 'Refused'}
        </strong>{' '}
        <span class="code">({error.code ?? error.status})</span>
      </p>
      <p class="reason">{error.message}</p>
      {refusal?.status ? <p>The case is unchanged, still in {statusLabel(refusal.status)}.</p> : null}
      {refusal ? (
        <p>
          Events you may send now:{' '}
          {refusal.allowedEvents.length > 0 ? refusal.allowedEvents.map(eventLabel).join(', ') : 'none (nothing is yours to do here now)'}.
        </p>
      ) : null}
      {error.body?.issues?.length ? (
        <ul>
          {error.body.issues.map((issue) => (
            <li key={`${issue.where}.${issue.path}`}>
              {issue.path}: {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
