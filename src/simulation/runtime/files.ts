import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { OptionsIo } from '../cli/options';
import { HhsSeries, parseHhsCsv } from '../hhs/series';

/** HHS's daily series as committed beside its parser. */
export const DEFAULT_HHS_FILE = join(__dirname, '..', 'hhs', 'hhs-uc-daily.csv');

export function loadHhsSeries(path = DEFAULT_HHS_FILE): HhsSeries {
  return new HhsSeries(parseHhsCsv(readFileSync(path, 'utf8')));
}

/** The command line's file access: text files, and each HHS series read once. */
export function fileIo(): OptionsIo {
  const series = new Map<string, HhsSeries>();
  return {
    readText: (path) => readFileSync(path, 'utf8'),
    series(path = DEFAULT_HHS_FILE) {
      if (!series.has(path)) series.set(path, loadHhsSeries(path));
      return series.get(path)!;
    },
  };
}
