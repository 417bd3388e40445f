import { inThisThread } from '../../src/simulation/engine/executor';
import { simulate } from '../../src/simulation/engine/simulate';
import type { ValidationSetup } from '../../src/simulation/hhs/validation';
import { compareWithObserved, prepareValidation } from '../../src/simulation/hhs/validation';
import { loadHhsSeries } from '../../src/simulation/runtime/files';

/**
 * Validation against the real program on short windows (the full comparison is
 * `npm run simulate:validate`): fed HHS's admissions and the period's length of care, started from
 * the children HHS counted in care, the simulation keeps within 10% of HHS's count on most days.
 */

// Simulations take seconds (more on a busy machine); the limit only stops a hung test, it times nothing.
jest.setTimeout(300_000);

const series = loadHhsSeries();

async function validate(setup: ValidationSetup) {
  // A quarter of the children, scaled back up: the count in care is a sum over thousands of stays.
  const prepared = prepareValidation(series, setup, { runs: 1, seed: 1, sample: 0.25 });
  const result = await simulate(prepared.request, inThisThread, { calibrationChildren: 1000 });
  return compareWithObserved(prepared, result);
}

describe('the simulator against HHS’s daily counts', () => {
  it('February 2024, a steady month (transfers, the balanced length of care): every reported day of its first half within 10%', async () => {
    const report = await validate({
      label: 'February 2024',
      from: '2024-02-01',
      to: '2024-02-15',
      source: 'auto',
      stay: 'balanced',
      granularity: 'month',
    });
    expect(report.arrivalSources.transfers).toBeGreaterThan(0);
    expect(report.arrivalSources.derived + report.arrivalSources.derived_gap).toBe(0);
    expect(report.days.length).toBeGreaterThanOrEqual(9);
    expect(report.within10Share).toBe(1);
  });

  it('January 2025, care falling by a quarter in three weeks (admissions derived where transfers repeat): most days within 10%', async () => {
    const report = await validate({
      label: 'January 2025',
      from: '2025-01-01',
      to: '2025-01-21',
      source: 'auto',
      stay: 'balanced',
      granularity: 'month',
    });
    expect(report.arrivalSources.derived + report.arrivalSources.derived_gap).toBe(20);
    const observed = report.days.map((d) => d.observed);
    expect(observed.at(-1)! / report.initialInCare).toBeLessThan(0.76);
    expect(report.within10Share).toBeGreaterThanOrEqual(0.8);
  });
});
