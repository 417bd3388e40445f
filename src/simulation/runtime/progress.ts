import type { Progress } from '../engine/simulate';

/** Progress on stderr, at most once a second (and on a line each when stderr is not a terminal). */
export function stderrProgress(label: string): (p: Progress) => void {
  const started = Date.now();
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 1000 && !(p.done >= p.total)) return;
    last = now;
    const seconds = ((now - started) / 1000).toFixed(1);
    const of = Number.isFinite(p.total) ? ` of ${p.total.toLocaleString('en-US')} (${Math.floor((100 * p.done) / p.total)}%)` : '';
    const line = `${label}: ${p.phase} ${p.done.toLocaleString('en-US')}${of} children, ${seconds} s`;
    process.stderr.write(process.stderr.isTTY ? `\r${line.padEnd(100)}` : `${line}\n`);
  };
}

/** Ends a progress line on a terminal. */
export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
}
