import type { Actor } from '../contracts/roles';
import type { Targets, VersionedTargets } from '../contracts/targets';
import { DEFAULT_TARGETS, TargetsSchema } from '../contracts/targets';
import type { PrismaClient } from '../db/generated/client';

/** The targets in force: the latest version saved, or the defaults (version 0) when none was. */
export async function currentTargets(prisma: PrismaClient): Promise<VersionedTargets> {
  const latest = await prisma.targetSet.findFirst({ orderBy: { version: 'desc' } });
  if (!latest) return { version: 0, targets: DEFAULT_TARGETS };
  return { version: latest.version, targets: TargetsSchema.parse(latest.targets) };
}

export class TargetsConflictError extends Error {
  override readonly name = 'TargetsConflictError';
}

/**
 * Saves a new version of the targets, who set it and why. Versions only go up; two admins saving at
 * once both succeed, one after the other (the primary key refuses a duplicate version; one retry).
 */
export async function saveTargets(
  prisma: PrismaClient,
  change: { targets: Targets; actor: Actor; reason: string },
): Promise<VersionedTargets> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const { version } = await currentTargets(prisma);
    try {
      await prisma.targetSet.create({
        data: {
          version: version + 1,
          targets: change.targets,
          actorId: change.actor.id,
          actorRole: change.actor.role,
          reason: change.reason,
        },
      });
      return { version: version + 1, targets: change.targets };
    } catch (err) {
      if ((err as { code?: string }).code !== 'P2002') throw err;
    }
  }
  throw new TargetsConflictError('The targets changed three times while saving: try again.');
}
