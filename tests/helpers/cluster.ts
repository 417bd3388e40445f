import { readFileSync } from 'node:fs';

import { Client, Connection } from '@temporalio/client';

import type { ClusterDescription, ClusterProcess } from '../../scripts/cluster/description';
import { ClusterDescriptionSchema, ClusterProcessSchema } from '../../scripts/cluster/description';
import { AesGcmCodec, parseCodecKeys } from '../../src/temporal/codec';
import { dataConverterOf } from '../../src/temporal/data-converter';
import { tokenSigner } from './auth';
import { apiClient } from './http';

/** Names the file in which `npm run cluster -- --e2e` describes the running cluster. */
const CLUSTER_FILE_VARIABLE = 'REUNIFY_CLUSTER_FILE';

/** The running cluster these tests were started against, read from the file REUNIFY_CLUSTER_FILE names. */
export function clusterUnderTest(): ClusterDescription {
  const file = process.env[CLUSTER_FILE_VARIABLE];
  if (!file) {
    throw new Error(
      `${CLUSTER_FILE_VARIABLE} is not set: the cluster's tests run against a running cluster, with \`npm run cluster -- --e2e\`.`,
    );
  }
  const parsed = ClusterDescriptionSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} does not describe a cluster: ${parsed.error.message}`);
  return parsed.data;
}

/** A client of one of the cluster's HTTP entry points (an API process, or the proxy), its tokens signed with the cluster's secret. */
export function clusterApi(cluster: ClusterDescription, base: string): ReturnType<typeof apiClient> {
  return apiClient({ base }, tokenSigner(cluster.jwtSecret));
}

/** The cluster's processes: list them, `kill -9` one (and all it started), start it again. */
export function clusterControl(cluster: ClusterDescription) {
  const call = async (method: string, path: string): Promise<unknown> => {
    const response = await fetch(`${cluster.control.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${cluster.control.token}` },
    });
    const body: unknown = await response.json();
    if (response.status !== 200) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    processes: async (): Promise<ClusterProcess[]> => ClusterProcessSchema.array().parse(await call('GET', '/processes')),
    kill: async (name: string): Promise<ClusterProcess> => ClusterProcessSchema.parse(await call('POST', `/processes/${name}/kill`)),
    start: async (name: string): Promise<ClusterProcess> => ClusterProcessSchema.parse(await call('POST', `/processes/${name}/start`)),
  };
}

/** A Temporal client of the cluster's frontend that opens payloads with the cluster's keys (close its connection after). */
export async function clusterTemporal(cluster: ClusterDescription): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: cluster.temporal.address });
  const codec = new AesGcmCodec(parseCodecKeys(cluster.codecKeys));
  return {
    client: new Client({ connection, namespace: cluster.temporal.namespace, dataConverter: dataConverterOf(codec) }),
    close: () => connection.close(),
  };
}
