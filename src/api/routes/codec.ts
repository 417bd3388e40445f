import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { assertMayUsePayloadCodec } from '../../services/access';
import { principalOf } from '../auth';
import { ErrorSchema } from '../schemas';

/**
 * The codec endpoint the Temporal Web UI calls to show encrypted payloads (its "codec server"
 * protocol: base64 metadata and data). Only roles that see every care provider's cases may use it.
 */
const WirePayloadSchema = z.object({
  metadata: z.record(z.string(), z.string()).optional(),
  data: z.string().optional(),
});
const PayloadsSchema = z.object({ payloads: z.array(WirePayloadSchema).max(1000) });
type WirePayload = z.infer<typeof WirePayloadSchema>;

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export const codecRoutes: FastifyPluginAsyncZod<{ codec: PayloadCodec }> = async (app, { codec }) => {
  for (const direction of ['decode', 'encode'] as const) {
    app.post(
      `/codec/${direction}`,
      {
        schema: {
          summary: direction === 'decode' ? 'Decrypt payloads for the Temporal UI' : 'Encrypt payloads for the Temporal UI',
          description: 'Temporal codec server protocol. Needs a token of an ORR reviewer, an unscoped supervisor or an admin.',
          tags: ['ops'],
          body: PayloadsSchema,
          response: { 200: PayloadsSchema, 401: ErrorSchema, 403: ErrorSchema },
        },
      },
      async (request) => {
        assertMayUsePayloadCodec(principalOf(request));
        const payloads = request.body.payloads.map(fromWire);
        const out = direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
        return { payloads: out.map(toWire) };
      },
    );
  }
};
