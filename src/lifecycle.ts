/**
 * Start-up as a list of steps, each with its undoing. A stop, whenever it comes (a Ctrl-C halfway
 * through start-up too), waits for the step in flight, then undoes every step that completed, last
 * first, once. Without the wait, a server still starting when the signal came would be left running.
 */
export class StopRequested extends Error {
  override readonly name = 'StopRequested';
  constructor() {
    super('Stopping: no further start-up steps run.');
  }
}

export class Lifecycle {
  private readonly undo: (() => Promise<unknown>)[] = [];
  private inFlight: Promise<unknown> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(private readonly onUndoError: (err: unknown) => void) {}

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Runs a start-up step and records how to undo it; throws StopRequested once a stop has begun. */
  async step<T>(start: () => Promise<T>, undo: (value: T) => Promise<unknown>): Promise<T> {
    if (this.stopping) throw new StopRequested();
    // Recorded inside the chain, so that a stop waiting on this step sees its undoing.
    const started = start().then((value) => {
      this.undo.push(() => undo(value));
      return value;
    });
    this.inFlight = started.catch(() => undefined);
    const value = await started;
    if (this.stopping) throw new StopRequested();
    return value;
  }

  /** Undoes what was started, last first; the same promise for every caller. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.inFlight;
      for (const undo of [...this.undo].reverse()) {
        await undo().catch(this.onUndoError);
      }
    })();
    return this.stopping;
  }
}
