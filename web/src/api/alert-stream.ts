import { EventSource } from 'eventsource';
import { useEffect, useRef, useState } from 'preact/hooks';

import type { AlertView } from '../../../src/contracts/read-model';
import { ALERT_STREAM_EVENTS, AlertStreamDataSchema } from '../../../src/contracts/read-model';
import type { StreamState } from '../lib/alerts-inbox';
import { currentBearer } from './client';

export type AlertStreamEvent = (typeof ALERT_STREAM_EVENTS)[number];

/**
 * The live alert stream (GET /alerts/stream, Server-Sent Events). The `eventsource` library does
 * what a browser's EventSource does (reconnects after the server's `retry`, resumes with
 * Last-Event-ID) and also sends the bearer token, which the browser's own cannot.
 */
export function useAlertStream(onEvent: (type: AlertStreamEvent, alert: AlertView) => void): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const token = currentBearer();

  useEffect(() => {
    const source = new EventSource('/alerts/stream', {
      fetch: (input, init) => {
        const headers = new Headers(init?.headers as HeadersInit | undefined);
        if (token) headers.set('authorization', `Bearer ${token}`);
        return fetch(input, { ...(init as RequestInit), headers });
      },
    });
    source.onopen = () => setState('live');
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'stopped' : 'reconnecting');
    for (const type of ALERT_STREAM_EVENTS) {
      source.addEventListener(type, (event) => {
        const parsed = AlertStreamDataSchema.safeParse(JSON.parse((event as MessageEvent<string>).data));
        if (parsed.success) handler.current(type, parsed.data.alert);
      });
    }
    return () => source.close();
  }, [token]);
  return state;
}
