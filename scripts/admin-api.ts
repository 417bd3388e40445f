import { tokenSettingsFrom } from '../src/auth/settings';
import { signToken } from '../src/auth/tokens';
import type { Config } from '../src/config/env';
import { ConfigError } from '../src/config/env';

/**
 * The running API, called as an admin with a token signed by the configured secret (or the
 * embedded default's, in the data folder): what the import and demo commands send their cases to.
 */
export async function adminApi(config: Config, base = `http://${config.api.host}:${config.api.port}`) {
  if (config.auth.key.kind === 'jwks') {
    throw new ConfigError('AUTH_JWKS_URL is set: get an admin token from your identity provider and POST the file to /imports.');
  }
  const settings = tokenSettingsFrom(config);
  if (settings.key.kind !== 'secret') throw new ConfigError('No signing secret is configured.');
  const token = await signToken(
    settings.key.secret,
    { sub: 'reunify-import', role: 'admin' },
    { issuer: settings.issuer, audience: settings.audience, expiresIn: '1h' },
  );
  return async (path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (err) {
      throw new ConfigError(`No Reunify API answers at ${base} (${(err as Error).message}): start it with \`npm start\`, or pass --api.`);
    }
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}
