import { condition } from '@temporalio/workflow';

/**
 * Issue 18: a case projects a burst of transitions together, not one activity per transition.
 * Cases started before it keep projecting each transition as it comes. Never rename it.
 */
export const BATCHED_PROJECTION_PATCH = 'i18-batched-projection';

/** How long the first transition of a burst waits for the rest before they are projected together. */
export const PROJECTION_WINDOW_MS = 1_000;

/** A burst this long is projected at once, without waiting out the window. */
export const PROJECTION_BATCH_MAX = 32;

/** What the pacing reads of the case. */
export interface PacedCase {
  readonly closed: boolean;
  /** Transitions, reassignments and refused decisions the read model has not been given. */
  readonly unprojectedCount: number;
  /** True once the case's opening is in the read model (the API finds its care provider there). */
  readonly openingProjected: boolean;
  readonly alertsToRecord: boolean;
  /** A supervisor's reassignment: one at a time, never a burst, and caseload lists wait on it. */
  readonly reassignmentsToProject: boolean;
}

/**
 * Each projection is an activity and the workflow task that follows it: on the Temporal server,
 * twice the work of the Update that made the transition. Holding a burst for a moment lets one
 * projection carry it. The opening is projected at once (the API reads the case's care provider
 * from it), so is a closing case and a reassignment (a supervisor's bulk reassignment is followed by
 * a caseload list that reads the read model at once), and alerts waiting to be recorded are never
 * held behind a burst.
 * Nothing is lost by holding: the transitions are the workflow's own state, projected from its
 * history after any crash, exactly as before.
 */
export class ProjectionPacing {
  private held = false;

  constructor(private readonly enabled: boolean) {}

  /** True while a burst is held: the main loop waits, so message handlers keep the deadlines themselves. */
  get holding(): boolean {
    return this.held;
  }

  /**
   * True when the pending projection waits out the window first: once per burst (the call after a
   * hold answers false, so the burst is then projected). Synchronous, so that a case that does not
   * hold (one started before the patch) issues its commands in exactly the order it always did.
   */
  holds(state: PacedCase): boolean {
    const holds =
      this.enabled &&
      !this.held &&
      state.unprojectedCount > 0 &&
      state.openingProjected &&
      !state.closed &&
      !state.alertsToRecord &&
      !state.reassignmentsToProject;
    this.held = holds;
    return holds;
  }

  /** The window: until it passes, the case closes, or the burst is long enough. */
  async wait(state: PacedCase): Promise<void> {
    await condition(() => state.closed || state.unprojectedCount >= PROJECTION_BATCH_MAX, PROJECTION_WINDOW_MS);
  }
}
