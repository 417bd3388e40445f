import type { Config } from '../config/env';
import { localSecret } from './local-secret';
import type { TokenSettings } from './tokens';

/** How tokens are verified (and, with a secret, signed) under a configuration. */
export function tokenSettingsFrom(config: Config): TokenSettings {
  const { key, issuer, audience } = config.auth;
  return {
    key: key.kind === 'local' ? { kind: 'secret', secret: localSecret(config.dataDir) } : key,
    issuer,
    audience,
  };
}
