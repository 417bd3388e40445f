import { condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/** The benchmark's baseline: a workflow whose Update does nothing, to time Temporal's own round trip. */
export const ping = defineUpdate<number, [number]>('ping');
export const stop = defineSignal('stop');

export async function baselineWorkflow(): Promise<void> {
  let stopped = false;
  setHandler(ping, (n) => n);
  setHandler(stop, () => {
    stopped = true;
  });
  await condition(() => stopped);
}
