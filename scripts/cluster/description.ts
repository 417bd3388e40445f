import { z } from 'zod';

/**
 * What `npm run cluster -- --e2e` tells the end-to-end tests it runs (tests/cluster/) about the
 * cluster, in the file REUNIFY_CLUSTER_FILE names: where each process answers, the secrets its
 * clients need, and the control endpoint through which a test kills and starts its processes.
 */
export const ClusterDescriptionSchema = z.object({
  /** Each API process directly, in order (api-1, api-2). */
  apis: z.array(z.url()).min(2),
  /** The round-robin proxy in front of them. */
  proxy: z.url(),
  /** Temporal's UI server. */
  ui: z.url(),
  temporal: z.object({ address: z.string().min(1), namespace: z.string().min(1) }),
  /** REUNIFY_CODEC_KEYS of every process: a test's own Temporal client opens payloads with them. */
  codecKeys: z.string().min(1),
  /** AUTH_JWT_SECRET of the API processes: a test signs its callers' tokens with it. */
  jwtSecret: z.string().min(1),
  control: z.object({ base: z.url(), token: z.string().min(1) }),
});
export type ClusterDescription = z.infer<typeof ClusterDescriptionSchema>;

/** A process of the cluster as the control endpoint lists it: its pid while it runs. */
export const ClusterProcessSchema = z.object({ name: z.string(), pid: z.number().int().nullable() });
export type ClusterProcess = z.infer<typeof ClusterProcessSchema>;
