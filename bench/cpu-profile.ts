import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

import { progress } from './progress';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Runs `work` under V8's CPU profiler (this process: the API and its load) and writes the profile to
 * `path` (open it in Chrome's DevTools) and, beside it, the self time by package and by function.
 */
export async function profiled<T>(path: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!path) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    writeFileSync(path, JSON.stringify(profile));
    writeFileSync(path.replace(/\.cpuprofile$/, '-summary.txt'), summary(profile));
    progress(`CPU profile: ${path} (summary beside it)`);
  }
}

/** Where a frame's code lives: a package, Node itself, the project's own folder, or V8's (GC, idle, program). */
function placeOf({ url, functionName }: ProfileNode['callFrame']): string {
  if (!url) return `(${functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/')[0]!.replace(/:.*$/, ':') + url.slice(5).split('/')[0];
  const own = /\/(src|bench)\/(.+)$/.exec(url);
  return own ? `${own[1]}/${own[2]!.split('/')[0]}` : url;
}

/** Writes a summary beside every `.cpuprofile` in `dir` (a profiled process's, one per thread). */
export function summarizeProfiles(dir: string): void {
  let files: string[];
  try {
    files = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
  } catch {
    files = [];
  }
  if (files.length === 0) return progress(`No CPU profile in ${dir}: the worker did not exit cleanly`);
  for (const name of files) {
    const path = join(dir, name);
    writeFileSync(path.replace(/\.cpuprofile$/, '-summary.txt'), summary(JSON.parse(readFileSync(path, 'utf8')) as Profile));
  }
  progress(`Worker CPU profiles: ${dir} (${files.length}, one per thread, a summary beside each)`);
}

const nameOf = (node: ProfileNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${placeOf(node.callFrame)}:${node.callFrame.lineNumber + 1}`;

export function summary(profile: Profile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  // Time in a function and everything it called; a recursive function counts once a sample.
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const place = placeOf(node.callFrame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
    const fn = nameOf(node);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const name = nameOf(byId.get(at)!);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  return [
    `Self time, ${(total / 1000).toFixed(0)} ms sampled`,
    '',
    'By place:',
    ...top(byPlace, 40),
    '',
    'By function:',
    ...top(byFunction, 60),
    '',
    'By function, with what it calls:',
    ...top(inclusive, 80),
    '',
  ].join('\n');
}
