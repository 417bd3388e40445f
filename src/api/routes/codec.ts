import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

import { assertMayUsePayloadCodec } from '../../services/access';
import { AppError } from '../../services/errors';
import { ENCRYPTED_ENCODING } from '../../temporal/codec';
import { principalOf } from '../auth';
import { PROTO_KEY } from '../openapi';
import { ErrorSchema } from '../schemas';

/**
 * The codec endpoint the Temporal Web UI calls to show encrypted payloads (its "codec server"
 * protocol: base64 metadata and data). Only roles that see every care provider's cases may use it.
 */
const base64 = z.base64().max(4 * 1024 * 1024);
/** The encodings of Temporal's payload converters, and this codec's own, in base64 as the protocol sends them. */
const ENCODINGS = ['binary/null', 'binary/plain', 'json/plain', 'json/protobuf', 'binary/protobuf', ENCRYPTED_ENCODING];
const EncodingSchema = z
  .enum(ENCODINGS.map((e) => Buffer.from(e).toString('base64')) as [string, ...string[]])
  .describe(`A Temporal payload encoding, base64: ${ENCODINGS.join(', ')}`);
/** A payload as the codec server protocol carries it: its metadata (each value base64), its encoding among them, and its data. */
const ENCRYPTED = Buffer.from(ENCRYPTED_ENCODING).toString('base64');
const WirePayloadSchema = z.strictObject({
  metadata: z
    .object({ encoding: EncodingSchema })
    .catchall(base64)
    .meta({
      description: `A sealed payload (${ENCRYPTED_ENCODING}) names its key in encryption-key-id; decode opens it only with that key. The key ${PROTO_KEY} is refused (as in every body).`,
      not: { required: [PROTO_KEY] },
      anyOf: [
        {
          properties: {
            encoding: { enum: ENCODINGS.filter((e) => e !== ENCRYPTED_ENCODING).map((e) => Buffer.from(e).toString('base64')) },
          },
        },
        { properties: { encoding: { enum: [ENCRYPTED] } }, required: ['encryption-key-id'] },
      ],
    })
    .refine((m) => m.encoding !== ENCRYPTED || 'encryption-key-id' in m, {
      path: ['encryption-key-id'],
      message: `is required with the encoding ${ENCRYPTED_ENCODING}`,
    }),
  data: base64.default(''),
});
const PayloadsSchema = z.strictObject({ payloads: z.array(WirePayloadSchema).max(1000) });
const PayloadsAnswerSchema = z.object({ payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })) });
type WirePayload = z.input<typeof WirePayloadSchema>;

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): z.output<typeof PayloadsAnswerSchema>['payloads'][number] => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** Runs the codec on each payload; one it cannot open or seal is the caller's error (400), naming which. */
async function eachPayload(run: (payloads: Payload[]) => Promise<Payload[]>, payloads: Payload[]): Promise<Payload[]> {
  const out: Payload[] = [];
  for (const [index, payload] of payloads.entries()) {
    try {
      out.push(...(await run([payload])));
    } catch (err) {
      throw new AppError('invalid_request', `payloads.${index}: cannot be opened: ${(err as Error).message}`);
    }
  }
  return out;
}

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
          response: { 200: PayloadsAnswerSchema, 400: ErrorSchema, 403: ErrorSchema },
        },
      },
      async (request) => {
        assertMayUsePayloadCodec(principalOf(request));
        const payloads = request.body.payloads.map(fromWire);
        const out = await eachPayload((p) => (direction === 'decode' ? codec.decode(p) : codec.encode(p)), payloads);
        return { payloads: out.map(toWire) };
      },
    );
  }
};
