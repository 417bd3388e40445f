import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The embedded default's signing secret: made once, kept in the data folder (mode 0600), so that
 * tokens from `npm run token` stay valid across restarts. Production sets AUTH_JWT_SECRET or
 * AUTH_JWKS_URL instead.
 */
export function localSecret(dataDir: string, name = 'auth-secret', make = () => randomBytes(48).toString('base64url')): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, make(), { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (err) {
      // Another process made it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return readFileSync(file, 'utf8').trim();
}
