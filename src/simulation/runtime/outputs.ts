import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { SimulationResult } from '../engine/result';
import { alertsChart, caseloadChart, inCareChart, lengthOfCareChart } from '../report/charts';
import { simulationMarkdown } from '../report/markdown';

/** Every chart of a simulation, by file name. */
export function simulationCharts(result: SimulationResult): Record<string, string> {
  return {
    'in-care.svg': inCareChart(result),
    'alerts.svg': alertsChart(result),
    'length-of-care.svg': lengthOfCareChart(result),
    'caseload.svg': caseloadChart(result),
  };
}

/** Writes result.json, summary.md and charts/*.svg into `dir`; returns the paths written. */
export function writeSimulation(dir: string, result: SimulationResult): string[] {
  mkdirSync(join(dir, 'charts'), { recursive: true });
  const written: string[] = [];
  const write = (path: string, body: string) => {
    writeFileSync(join(dir, path), body);
    written.push(join(dir, path));
  };
  write('result.json', `${JSON.stringify(result, null, 2)}\n`);
  write('summary.md', simulationMarkdown(result));
  for (const [name, svg] of Object.entries(simulationCharts(result))) write(join('charts', name), svg);
  return written;
}
