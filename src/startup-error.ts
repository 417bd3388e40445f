/**
 * An error that says what is wrong and names the fix, for a person starting Reunify: entry points
 * print its message alone, without a stack.
 */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}
