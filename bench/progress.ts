/** Progress goes to stderr, stamped with the time of day: stdout carries only the results. */
export function progress(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}
