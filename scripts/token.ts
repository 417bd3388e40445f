/**
 * Prints a bearer token for trying the API locally, signed with the configured HMAC secret (or the
 * embedded default's, in the data folder):
 *   npm run token -- --role case_manager --sub ana --care-provider shelter-tx-07 [--expires 8h]
 */
import { parseArgs } from 'node:util';

import { tokenSettingsFrom } from '../src/auth/settings';
import { PersonRoleSchema, signToken } from '../src/auth/tokens';
import { ConfigError, loadConfig } from '../src/config/env';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      sub: { type: 'string' },
      'care-provider': { type: 'string' },
      expires: { type: 'string', default: '8h' },
    },
  });
  const role = PersonRoleSchema.safeParse(values.role);
  if (!role.success) throw new ConfigError(`--role must be one of ${PersonRoleSchema.options.join(', ')}`);
  if (!values.sub) throw new ConfigError('--sub is required: the id of the person the token is for');
  if (role.data === 'case_manager' && !values['care-provider']) {
    throw new ConfigError('--care-provider is required for a case manager: the care provider whose cases they work');
  }
  const config = loadConfig();
  if (config.auth.key.kind === 'jwks') {
    throw new ConfigError('AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command.');
  }
  const settings = tokenSettingsFrom(config);
  if (settings.key.kind !== 'secret') throw new ConfigError('No signing secret is configured.');
  const token = await signToken(
    settings.key.secret,
    { sub: values.sub, role: role.data, care_provider: values['care-provider'] },
    { issuer: settings.issuer, audience: settings.audience, expiresIn: values.expires },
  );
  process.stdout.write(`${token}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.name === 'ConfigError' ? err.message : err.stack}\n`);
  process.exit(2);
});
