import { useEffect, useState } from 'preact/hooks';

import { formatDate, formatDateTime, formatRelative, timeLeft } from '../lib/time';

/** The current time, refreshed every `everyMs`, so relative times and time left stay true on a page left open. */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** A time in the viewer's zone: relative, absolute or a date, always with the absolute time on hover. */
export function Time({ iso, mode = 'relative' }: { iso: string; mode?: 'relative' | 'absolute' | 'date' }) {
  const now = useNow();
  const absolute = formatDateTime(iso);
  const text = mode === 'absolute' ? absolute : mode === 'date' ? formatDate(iso) : formatRelative(iso, now);
  return (
    <time dateTime={iso} title={absolute}>
      {text}
    </time>
  );
}

/** Time left before a due time, or how far past it: said in words, with an icon, not by colour alone. */
export function TimeLeft({ due }: { due: string }) {
  const now = useNow();
  const left = timeLeft(due, now);
  return (
    <time dateTime={due} title={`Due ${formatDateTime(due)}`} class={left.overdue ? 'time-left overdue' : 'time-left'}>
      {left.overdue ? '⚠ ' : ''}
      {left.text}
    </time>
  );
}
