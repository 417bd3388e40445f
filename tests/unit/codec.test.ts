import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Payload } from '@temporalio/common';
import { defaultPayloadConverter } from '@temporalio/common';

import { parseConfig } from '../../src/config/env';
import { AesGcmCodec } from '../../src/temporal/codec';
import { codecFrom } from '../../src/temporal/data-converter';

/** The payload codec's key rotation: new payloads are sealed with the first key, old ones open with any. */
const key = () => randomBytes(32).toString('base64');
const [k0, k1] = [key(), key()];
const child = { birthDate: '2011-07-29', reason: 'Aunt Rosa located in Houston' };
const plain = (): Payload[] => [defaultPayloadConverter.toPayload(child)];
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString();
const keyId = (payload: Payload) => Buffer.from(payload.metadata?.['encryption-key-id'] ?? []).toString();

describe('payload codec keys', () => {
  const before = codecFrom(parseConfig({ REUNIFY_CODEC_KEYS: `old:${k0}` }));
  const rotated = codecFrom(parseConfig({ REUNIFY_CODEC_KEYS: `new:${k1},old:${k0}` }));

  it('seals with the first key and names it; the sealed payload holds nothing in the clear', async () => {
    const [sealed] = await rotated.encode(plain());
    expect(keyId(sealed!)).toBe('new');
    expect(text(sealed!)).not.toContain(child.birthDate);
    expect(text(sealed!)).not.toContain('Rosa');
  });

  it('after a rotation opens what the old key sealed, and what the new key seals', async () => {
    const [old] = await before.encode(plain());
    const [fresh] = await rotated.encode(plain());
    expect(keyId(old!)).toBe('old');
    for (const sealed of [old!, fresh!]) {
      const [opened] = await rotated.decode([sealed]);
      expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(child);
    }
  });

  it('without the key a payload names, refuses to open it and says which key to add', async () => {
    const [fresh] = await rotated.encode(plain());
    await expect(before.decode([fresh!])).rejects.toThrow('No codec key "new" to open a payload: add it to REUNIFY_CODEC_KEYS');
  });

  it('refuses a payload sealed under the same key id with other key bytes (the tag does not verify)', async () => {
    const [sealed] = await new AesGcmCodec([{ id: 'old', key: randomBytes(32) }]).encode(plain());
    await expect(before.decode([sealed!])).rejects.toThrow(/unable to authenticate data/);
  });

  it('passes through what it did not seal (payloads written before the codec was on)', async () => {
    const unsealed = plain();
    expect(await rotated.decode(unsealed)).toEqual(unsealed);
  });

  it('without REUNIFY_CODEC_KEYS makes one key once in the data folder and keeps it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'reunify-codec-'));
    try {
      const first = codecFrom(parseConfig({ REUNIFY_DATA_DIR: dataDir }));
      const [sealed] = await first.encode(plain());
      expect(readFileSync(join(dataDir, 'codec-keys'), 'utf8')).toMatch(/^local:/);
      const restarted = codecFrom(parseConfig({ REUNIFY_DATA_DIR: dataDir }));
      expect(defaultPayloadConverter.fromPayload((await restarted.decode([sealed!]))[0]!)).toEqual(child);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
