import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';

import { ensureSearchAttributes } from './search-attributes';

export interface TemporalConnections {
  /** For workers. */
  native: NativeConnection;
  /** For clients: the API, broadcasts, the benchmark's load. */
  client: Client;
  close(): Promise<void>;
}

/**
 * The connections an entry point needs to one Temporal frontend, every payload sealed by the same
 * data converter. `worker: false` opens the client's only (an API process runs no worker); the
 * namespace is then made to know the case's search attributes, since the API starts a case with
 * one (a process with a worker does it as it creates the worker: createCaseWorker).
 */
export async function connectTemporal(options: {
  address: string;
  namespace: string;
  dataConverter?: DataConverter;
}): Promise<TemporalConnections>;
export async function connectTemporal(options: {
  address: string;
  namespace: string;
  dataConverter?: DataConverter;
  worker: false;
}): Promise<Omit<TemporalConnections, 'native'>>;
export async function connectTemporal(options: {
  address: string;
  namespace: string;
  dataConverter?: DataConverter;
  worker?: false;
}): Promise<TemporalConnections | Omit<TemporalConnections, 'native'>> {
  const { address, namespace, dataConverter } = options;
  const native = options.worker === false ? undefined : await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address }).catch(async (err: unknown) => {
    await native?.close();
    throw err;
  });
  const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
  const close = async (): Promise<void> => {
    await connection.close();
    await native?.close();
  };
  if (!native) {
    await ensureSearchAttributes(connection, namespace).catch(async (err: unknown) => {
      await close();
      throw err;
    });
  }
  return native ? { native, client, close } : { client, close };
}
