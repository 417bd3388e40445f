import { FlagError, parseFlags } from '../../bench/flags';

describe('the benchmark flags', () => {
  it('profiles the worker only where it has a process of its own', () => {
    expect(parseFlags(['--worker-profile'])?.workerProfile).toBe(true);
    expect(parseFlags([])?.workerProfile).toBe(false);
    for (const alone of ['--one-process', '--no-codec', '--read-only']) {
      expect(() => parseFlags(['--worker-profile', alone])).toThrow(FlagError);
      expect(() => parseFlags(['--worker-profile', alone])).toThrow(/--worker-profile profiles the case worker in its own process/);
    }
  });

  it('names a bad count and the usage', () => {
    expect(() => parseFlags(['--cases', '0'])).toThrow('--cases must be a whole number of at least 1, not 0');
    expect(() => parseFlags(['--nope'])).toThrow(/Unknown option '--nope'[\s\S]*--worker-profile/);
  });
});
