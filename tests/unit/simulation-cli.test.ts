import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { CHECKS } from '../../src/contracts/case-events';
import { SIMULATE_HELP } from '../../src/simulation/cli/help';
import { SIMULATE_OPTIONS, buildRequest, parseSimulateArgs } from '../../src/simulation/cli/options';
import { UsageError, parseDistribution, parseWhatIf } from '../../src/simulation/cli/specs';
import { MixSchema, PROFILE_CHOICES, ProcessSchema, StageSchema } from '../../src/simulation/engine/scenario';
import { fileIo } from '../../src/simulation/runtime/files';

/** `npm run simulate`: its help, and the request its flags build. */

const build = (...argv: string[]) => buildRequest(parseSimulateArgs(argv), fileIo());
const CAPACITY = ['--case-managers', '700', '--funded-beds', '10000'];

describe('npm run simulate -- --help', () => {
  it('documents every flag, every field of the mix and the process, every stage, check and profile', () => {
    const names = [
      ...Object.keys(SIMULATE_OPTIONS).map((flag) => `--${flag}`),
      ...Object.keys(MixSchema.unwrap().shape).filter((k) => k !== 'categories' && k !== 'ageYears'),
      ...Object.keys(ProcessSchema.unwrap().shape),
      ...StageSchema.options,
      ...CHECKS,
      ...PROFILE_CHOICES,
    ];
    const missing = names.filter((name) => !SIMULATE_HELP.includes(name));
    expect(missing).toEqual([]);
  });

  it('prints it from the command and exits 0', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../src/simulation/cli/simulate.ts'), '--help'], {
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toBe(SIMULATE_HELP);
  });
});

describe('the request the flags build', () => {
  it('takes a month of the real program as a regime, and what-ifs in order', () => {
    const request = build(
      '--regime',
      '2024-02',
      ...CAPACITY,
      '--what-if',
      'category=1,mean-stay=7',
      '--what-if',
      'checks=fbi_fingerprint,add=3',
      '--runs',
      '3',
    );
    const s = request.scenario;
    expect(s).toMatchObject({ start: '2024-02-01', days: 365, profile: 'scale-back-2019', caseManagers: 700, fundedBeds: 10000 });
    expect(s.arrivals).toEqual({ kind: 'rate', perDay: expect.closeTo(312.9, 0) });
    expect(s.lengthOfCare).toEqual([{ from: '2024-02-01', meanDays: 28.8 }]);
    expect(s.initialInCare).toBeGreaterThan(8900);
    expect(request.whatIf!.changes).toEqual([
      { change: 'mean_stay', category: '1', days: 7 },
      { change: 'add_days', checks: ['fbi_fingerprint'], days: 3 },
    ]);
    expect(request.runs).toBe(3);
  });

  it('takes the HHS series for the period, the observed children in care, and the length of care of each month', () => {
    const request = build(
      '--start',
      '2025-01-02',
      '--days',
      '40',
      '--arrivals-file',
      join(__dirname, '../../src/simulation/hhs/hhs-uc-daily.csv'),
      '--initial-in-care',
      'observed',
      '--length-of-care-from-data',
      ...CAPACITY,
    );
    const s = request.scenario;
    expect(s.arrivals.kind === 'series' && s.arrivals.perDay).toHaveLength(40);
    expect(s.initialInCare).toBe(6405); // 2025-01-01
    expect(s.lengthOfCare).toEqual([
      { from: '2025-01-02', meanDays: expect.any(Number) },
      { from: '2025-02-01', meanDays: expect.any(Number) },
    ]);
  });

  it('takes durations, mixes and process shares', () => {
    const request = build(
      '--start',
      '2024-02-01',
      '--arrival-rate',
      '10',
      '--seasonality',
      '0.3:150',
      ...CAPACITY,
      '--stage',
      'application=gamma:5:0.5',
      '--check',
      'fbi_fingerprint=fixed:9',
      '--category-stage',
      '3:home_study=uniform:10:20',
      '--categories',
      '1=2,3=1',
      '--mix',
      'disability=0.1',
      '--process',
      'denial=0.05,departureAfter=exponential:12',
      '--profile',
      'fg26-2025',
    );
    const s = request.scenario;
    expect(s.arrivals).toEqual({ kind: 'rate', perDay: 10, seasonality: { amplitude: 0.3, peakDayOfYear: 150 } });
    expect(s.durations.stages.application).toEqual({ kind: 'gamma', mean: 5, cv: 0.5 });
    expect(s.durations.checks.fbi_fingerprint).toEqual({ kind: 'fixed', days: 9 });
    expect(s.durations.byCategory['3']!.stages!.home_study).toEqual({ kind: 'uniform', min: 10, max: 20 });
    expect(s.mix.categories).toEqual({ '1': 2, '3': 1 });
    expect(s.mix.disability).toBe(0.1);
    expect(s.process).toMatchObject({ denial: 0.05, departureAfter: { kind: 'exponential', mean: 12 }, withdrawal: 0.03 });
    expect(s.profile).toBe('fg26-2025');
  });

  it('says what is wrong, and where', () => {
    expect(() => build('--regime', '2024-02')).toThrow(/--case-managers is required/);
    expect(() => build('--regime', '2024-02', ...CAPACITY, '--runs', '0')).toThrow(/runs: Too small/);
    expect(() => build('--regime', '2024-02', ...CAPACITY, '--mix', 'disability=2')).toThrow(/scenario\.mix\.disability/);
    expect(() => build('--bogus')).toThrow(UsageError);
    expect(() => parseDistribution('lognormal:7', '--stage')).toThrow(/--stage: "lognormal:7" is not a distribution/);
    expect(() => parseWhatIf('category=1')).toThrow(/names no change/);
    expect(() => build('--regime', '2024-02', ...CAPACITY, '--profile', 'fg99')).toThrow(/scenario\.profile/);
  });
});
