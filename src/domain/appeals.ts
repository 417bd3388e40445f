import type { DenialGround, SponsorCategory } from '../contracts/case-events';
import type { PolicyProfile } from './policy';

/**
 * Appeals of a denial (45 CFR 410.1206 from the 2024 Foundational Rule; before it, the Policy
 * Guide's appeal for parents and legal guardians): who may appeal which denial and until when, as
 * pure rules over the profile the denied sponsor was assessed under. A sponsor's denial is
 * appealed once: a denied appeal is final for that sponsor, a granted one returns the case to the
 * ORR decision for them.
 */

const DAY_MS = 86_400_000;

/** A sponsor's denial, as the case keeps it. */
export interface Denial {
  sponsorId: string;
  category: SponsorCategory;
  at: string;
  grounds: readonly DenialGround[];
  /** The profile the sponsor was assessed under. */
  profileId: string;
}

export interface Appeal {
  id: string;
  sponsorId: string;
  appellant: 'sponsor' | 'child';
  filedAt: string;
  filedBy: string;
  reason: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** granted or denied by the appeal reviewer; moot when the case ended (a release to another sponsor, age-out, departure) first. */
  outcome: 'granted' | 'denied' | 'moot' | null;
  decidedAt: string | null;
  decidedBy: string | null;
}

export const appealPending = (appeal: Appeal): boolean => appeal.outcome === null;

/** When a sponsor's window to appeal a denial closes under a profile. */
export function appealWindowClosesAt(denial: Denial, profile: PolicyProfile): string {
  return new Date(Date.parse(denial.at) + profile.appeals.sponsorWindowDays * DAY_MS).toISOString();
}

const CATEGORY_WORDS: Record<SponsorCategory, string> = {
  '1': 'a parent or legal guardian (Category 1)',
  '2A': 'a close relative who was the primary caregiver (Category 2A)',
  '2B': 'an immediate relative who was not the primary caregiver (Category 2B)',
  '3': 'a distant relative or unrelated adult (Category 3)',
};

const listWords = (items: readonly string[]): string =>
  items.length <= 1 ? (items[0] ?? 'nobody') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

export interface AppealClaim {
  appellant: 'sponsor' | 'child';
  /** The denied sponsor asked for; undefined: the one denied last. */
  sponsorId: string | undefined;
  at: string;
}

/**
 * Why an appeal is not entitled, in the policy's terms; null when it is. `denials` are the case's
 * denials, oldest first; `profileOf` finds the profile a sponsor was assessed under.
 */
export function appealRefusal(
  claim: AppealClaim,
  denials: readonly Denial[],
  appeals: readonly Appeal[],
  profileOf: (id: string) => PolicyProfile,
): string | null {
  const denial = claim.sponsorId ? denials.find((d) => d.sponsorId === claim.sponsorId) : denials.at(-1);
  if (!denial) {
    return claim.sponsorId
      ? `Sponsor ${claim.sponsorId} was not denied: only a denial can be appealed.`
      : 'No sponsor of this case has been denied: only a denial can be appealed.';
  }
  const earlier = appeals.find((a) => a.sponsorId === denial.sponsorId);
  if (earlier) {
    return `The denial of ${denial.sponsorId} was appealed already (${earlier.id}, ${earlier.outcome ?? 'pending'}): a sponsor's denial is appealed once.`;
  }
  const profile = profileOf(denial.profileId);
  const rules = profile.appeals;
  if (claim.appellant === 'child') {
    if (!rules.childMayAppeal)
      return `Under ${profile.id} a child may not appeal a denial; the 2024 Foundational Rule (45 CFR 410.1206(c)) introduced it.`;
    if (denial.grounds.length !== 1 || denial.grounds[0] !== 'child_danger') {
      return `The child may appeal only a denial resting on child_danger alone (45 CFR 410.1206(c)); the denial of ${denial.sponsorId} rests on ${denial.grounds.join(', ') || 'grounds not stated'}.`;
    }
    return null;
  }
  if (!rules.sponsorCategories.includes(denial.category)) {
    const who = listWords(rules.sponsorCategories.map((c) => CATEGORY_WORDS[c]));
    return `Under ${profile.id} a denial may be appealed by ${who}; ${denial.sponsorId} is ${CATEGORY_WORDS[denial.category]}.`;
  }
  const closes = appealWindowClosesAt(denial, profile);
  if (Date.parse(claim.at) >= Date.parse(closes)) {
    return `The window to appeal the denial of ${denial.sponsorId} (${denial.at.slice(0, 10)}) closed on ${closes.slice(0, 10)}, ${rules.sponsorWindowDays} days after it.`;
  }
  return null;
}
