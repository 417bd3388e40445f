import { dailyArrivals, provenanceCounts } from '../../src/simulation/hhs/arrivals';
import { monthRegime } from '../../src/simulation/hhs/regime';
import { HhsDataError, parseHhsCsv } from '../../src/simulation/hhs/series';
import { littlesLawStay } from '../../src/simulation/hhs/stays';
import { loadHhsSeries } from '../../src/simulation/runtime/files';

/** HHS's daily series: parsing, admissions (transfers, interpolated, derived), length of care. */

const series = loadHhsSeries();

describe('the HHS daily series', () => {
  it('parses the committed file as its README describes it', () => {
    expect(series.rows).toHaveLength(720);
    expect(series.rows[0]).toEqual({
      date: '2023-01-12',
      cbp_apprehended: 33,
      cbp_in_custody: 53,
      transferred_to_hhs: 34,
      hhs_in_care: 6566,
      hhs_discharged: 436,
    });
    expect(series.rows.at(-1)!.date).toBe('2025-12-21');
  });

  it('names the line and column of a bad value, and dates out of order', () => {
    const header = 'date,cbp_apprehended,cbp_in_custody,transferred_to_hhs,hhs_in_care,hhs_discharged';
    expect(() => parseHhsCsv(`${header}\n2024-01-01,1,2,3,4,5\n2024-01-02,1,2,x,4,5`)).toThrow(/line 3: transferred_to_hhs/);
    expect(() => parseHhsCsv(`${header}\n2024-01-02,1,2,3,4,5\n2024-01-01,1,2,3,4,5`)).toThrow(
      /line 3: date 2024-01-01 is not after 2024-01-02/,
    );
    expect(() => parseHhsCsv('date,other\n')).toThrow(HhsDataError);
  });
});

describe('admissions a day', () => {
  it('are the transfers where they are reliable, and a straight line across the days with no row', () => {
    const feb = dailyArrivals(series, '2024-02-01', '2024-02-04', 'auto');
    // 2024-02-01: 289 transferred; Fri 2 and Sat 3 are missing; Sun 4: 248.
    expect(feb.perDay[0]).toBe(289);
    expect(feb.perDay[1]).toBeCloseTo(289 + (248 - 289) / 3, 6);
    expect(feb.perDay[3]).toBe(248);
    expect(feb.provenance).toEqual(['transfers', 'transfers_interpolated', 'transfers_interpolated', 'transfers']);
  });

  it('are derived from the change in care plus discharges where transfers repeat earlier values', () => {
    // 2025-01-14 repeats 2024-01-01's transfers (93). 2025-01-13: 5019 in care; 2025-01-14: 4957 in care, 139 discharged.
    const day = dailyArrivals(series, '2025-01-14', '2025-01-14', 'auto');
    expect(day.perDay).toEqual([4957 - 5019 + 139]);
    expect(day.provenance).toEqual(['derived']);
    // Thu 2025-01-09 (5507 in care, 164 discharged) to Sun 01-12 (5092, 235): discharges on Fri and Sat on a
    // straight line, the change over the three days plus the three days' discharges, spread evenly.
    const gap = dailyArrivals(series, '2025-01-10', '2025-01-12', 'auto');
    const discharges = 164 + 71 / 3 + (164 + (2 * 71) / 3) + 235;
    const perDay = (5092 - 5507 + discharges) / 3;
    expect(gap.perDay.map((v) => Math.round(v * 1e6))).toEqual([perDay, perDay, perDay].map((v) => Math.round(v * 1e6)));
    expect(provenanceCounts(gap)).toEqual({ transfers: 0, transfers_interpolated: 0, derived: 0, derived_gap: 3 });
  });

  it('can be derived everywhere, or taken from transfers everywhere, when asked', () => {
    // 2024-02-04: 7813 in care; 2024-02-05: 7872 in care, 242 discharged (345 transferred).
    expect(dailyArrivals(series, '2024-02-05', '2024-02-05', 'derived').perDay).toEqual([7872 - 7813 + 242]);
    expect(dailyArrivals(series, '2025-01-14', '2025-01-14', 'transfers').perDay).toEqual([93]);
  });
});

describe('length of care', () => {
  it("by reported days is the data README's figure (February 2024: 31.6 days)", () => {
    expect(littlesLawStay(series, '2024-02-01', '2024-02-29', 'reported', 'auto')).toBeCloseTo(31.58, 2);
  });

  it('balanced counts the discharges the flow implies on the days with no row (February 2024: 28.8 days)', () => {
    const stay = littlesLawStay(series, '2024-02-01', '2024-02-29', 'balanced', 'auto');
    expect(stay).toBeCloseTo(28.82, 1);
    const regime = monthRegime(series, '2024-02');
    expect(regime.meanStayDays).toBeCloseTo(stay, 6);
    expect(regime.steadyInCare).toBe(Math.round(regime.arrivalsPerDay * regime.meanStayDays));
    expect(() => monthRegime(series, '2024-2')).toThrow(/YYYY-MM/);
  });
});
