import type { Principal } from '../auth/tokens';
import { actorOf } from '../auth/tokens';
import type { Actor } from '../contracts/roles';
import type { Targets, VersionedTargets } from '../contracts/targets';
import { assertMayChangeTargets } from './access';
import { answeringOutages } from './outage';

/** The targets that drive the alerts: read them; an admin saves a new version that reaches every open case. */
export interface TargetsService {
  current(): Promise<VersionedTargets>;
  /** Saves a new version with who and why, then starts the broadcast that signals every open case. */
  change(
    principal: Principal,
    change: { targets: Targets; reason: string },
  ): Promise<VersionedTargets & { broadcast: { workflowId: string } }>;
}

export interface TargetsServiceDeps {
  /** The targets store (src/targets/store.ts). */
  current(): Promise<VersionedTargets>;
  save(change: { targets: Targets; actor: Actor; reason: string }): Promise<VersionedTargets>;
  /** Starts the durable broadcast of a saved version to every open case (moved by the change from `previous` first); answers its workflow id. */
  broadcast(saved: VersionedTargets, previous: VersionedTargets): Promise<string>;
}

export function createTargetsService({ broadcast, ...store }: TargetsServiceDeps): TargetsService {
  const deps = { ...answeringOutages(store), broadcast };
  return {
    current: () => deps.current(),
    async change(principal, { targets, reason }) {
      assertMayChangeTargets(principal);
      const previous = await deps.current();
      const saved = await deps.save({ targets, actor: actorOf(principal), reason });
      return { ...saved, broadcast: { workflowId: await deps.broadcast(saved, previous) } };
    },
  };
}
