import { randomBytes } from 'node:crypto';

import type { DataConverter } from '@temporalio/common';

import { localSecret } from '../auth/local-secret';
import type { Config } from '../config/env';
import type { CodecKey } from './codec';
import { AesGcmCodec, parseCodecKeys } from './codec';

/** The payload codec's keys: REUNIFY_CODEC_KEYS, or one made once in the data folder. */
export function codecKeysFrom(config: Config): CodecKey[] {
  const spec = config.codecKeys ?? localSecret(config.dataDir, 'codec-keys', () => `local:${randomBytes(32).toString('base64')}`);
  return parseCodecKeys(spec);
}

/** The payload codec of a configuration: one per process, shared by its clients, worker and API. */
export function codecFrom(config: Config): AesGcmCodec {
  return new AesGcmCodec(codecKeysFrom(config));
}

/** The data converter every Temporal client and worker uses, over a process's codec. */
export function dataConverterOf(codec: AesGcmCodec): DataConverter {
  return { payloadCodecs: [codec] };
}
