import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { isAlive } from '../src/processes';

/** Reunify's processes for start-up tests and scripts. Entry points run as a person runs them, without npm in between (signals reach them). */
export const ENTRY_POINTS = {
  start: 'src/main.ts',
  worker: 'src/worker/main.ts',
  api: 'src/api/main.ts',
  db: 'src/db/main.ts',
} as const;

export interface Running {
  child: ChildProcessWithoutNullStreams;
  output: string[];
  /** Milliseconds from spawn to the ready line. */
  readyMs: number;
}

/**
 * Spawns an entry point and resolves once its output contains `ready`; rejects with its output if it
 * exits first. `nodeArgs`: Node's own flags (a profiler's, which NODE_OPTIONS does not accept).
 */
export function startProcess(
  entry: keyof typeof ENTRY_POINTS,
  env: NodeJS.ProcessEnv,
  ready: string,
  timeoutMs = 170_000,
  nodeArgs: string[] = [],
): Promise<Running> {
  return startCommand(entry, process.execPath, [...nodeArgs, '--import', 'tsx', ENTRY_POINTS[entry]], env, ready, timeoutMs);
}

/**
 * Spawns any program (a server, a tool) from the project's folder and resolves once its output
 * contains `ready`, or `ready` answers true (polled); rejects with its output if it exits first.
 */
export async function startCommand(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string | (() => Promise<boolean>),
  timeoutMs = 170_000,
): Promise<Running> {
  const started = performance.now();
  const child = spawn(command, args, { env, cwd: join(__dirname, '..') });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let readyChunks = 0;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      readyChunks = output.length;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(new Error(`${name} was not ready within ${timeoutMs / 1000} s:\n${output.join('')}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      // A long-running process keeps what it printed up to ready, then only its latest output.
      if (settled && output.length > readyChunks + 1_000) output.splice(readyChunks, 500);
      if (typeof ready === 'string' && output.join('').includes(ready)) settle();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => settle(new Error(`${name} exited with ${code} before it was ready:\n${output.join('')}`)));
    if (typeof ready === 'function') {
      const poll = async (): Promise<void> => {
        while (!settled) {
          if (await ready().catch(() => false)) return settle();
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      void poll();
    }
  });
  return { child, output, readyMs: performance.now() - started };
}

/** Ctrl-C: resolves with the exit code once the process has stopped. */
export function stopProcess({ child }: Running, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** Every process descended from `pid` (by parent id, across sessions), deepest first. */
export function descendantsOf(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        walk(child);
        found.push(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** `kill -9` of a process and everything it started, as a power cut of the tree would: parents first, so none restarts a child. */
export async function killTree({ child }: Running): Promise<number[]> {
  const pids = [child.pid!, ...descendantsOf(child.pid!).reverse()];
  child.removeAllListeners('exit');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
  // Wait until the kernel has reaped or re-parented every one of them.
  for (let i = 0; i < 100 && pids.some(isAlive); i += 1) await new Promise((r) => setTimeout(r, 50));
  return pids;
}
