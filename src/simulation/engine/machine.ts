import { POLICY_PROFILES, profileById } from '../../domain/policy';
import type { CaseMachine } from '../../machines/case-machine';
import { caseMachine, createCaseMachine } from '../../machines/case-machine';

/**
 * The statechart the simulated cases run: the production machine itself, or, for a what-if such as
 * "fg26-2025 instead of baseline-2015", the same machine built over profile tables in which the
 * chosen profile takes effect on the start date. Sponsors identified before the start keep the
 * profile then in force, as real cases would.
 */
const built = new Map<string, CaseMachine>();

export function machineFor(profile: string, startDate: string): CaseMachine {
  if (profile === 'by-date') return caseMachine;
  const key = `${profile}@${startDate}`;
  let machine = built.get(key);
  if (!machine) {
    const chosen = profileById(profile);
    const before = POLICY_PROFILES.filter((p) => p.effectiveFrom < startDate);
    // With nothing in force before the start, the chosen profile covers the stays already under way too.
    const from = before.length > 0 ? startDate : '0001-01-01';
    machine = createCaseMachine([...before, { ...chosen, effectiveFrom: from }]);
    built.set(key, machine);
  }
  return machine;
}
