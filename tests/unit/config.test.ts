import { resolve } from 'node:path';

import { ConfigError, parseConfig } from '../../src/config/env';

describe('config', () => {
  it('defaults to the embedded stack', () => {
    const config = parseConfig({});
    expect(config.database).toEqual({ kind: 'embedded', dataDir: resolve('data'), port: 54329, portChosen: false });
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', devServerPort: 7233, devServerUiPort: 8233 });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000, corsOrigins: undefined, rateLimitPerMinute: 600 });
    expect(config.auth).toEqual({ key: { kind: 'local' }, issuer: 'reunify', audience: 'reunify-api' });
    expect(config.alerts.webhook).toBeUndefined();
  });

  it('takes a JWT secret or a JWKS URL, not both, and a webhook only with its secret', () => {
    expect(parseConfig({ AUTH_JWT_SECRET: 's'.repeat(32) }).auth.key).toEqual({ kind: 'secret', secret: 's'.repeat(32) });
    expect(parseConfig({ AUTH_JWKS_URL: 'https://idp.example.org/.well-known/jwks.json' }).auth.key.kind).toBe('jwks');
    expect(() => parseConfig({ AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWKS_URL: 'https://idp.example.org/jwks' })).toThrow(
      /AUTH_JWKS_URL: set either AUTH_JWT_SECRET or AUTH_JWKS_URL, not both/,
    );
    expect(() => parseConfig({ AUTH_JWT_SECRET: 'short' })).toThrow(/AUTH_JWT_SECRET: must be at least 32 characters/);
    expect(() => parseConfig({ ALERT_WEBHOOK_URL: 'https://hooks.example.org/x' })).toThrow(
      /ALERT_WEBHOOK_SECRET: is required when ALERT_WEBHOOK_URL is set/,
    );
    expect(parseConfig({ API_CORS_ORIGINS: 'https://a.example, https://b.example' }).api.corsOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ]);
  });

  it('takes a history limit for new cases within bounds, and says what is wrong otherwise', () => {
    expect(parseConfig({}).temporal.caseHistoryLimit).toBeUndefined();
    expect(parseConfig({ REUNIFY_CASE_HISTORY_LIMIT: '60' }).temporal.caseHistoryLimit).toBe(60);
    expect(() => parseConfig({ REUNIFY_CASE_HISTORY_LIMIT: '10' })).toThrow(/REUNIFY_CASE_HISTORY_LIMIT: .*40/);
    expect(() => parseConfig({ REUNIFY_CASE_HISTORY_LIMIT: 'many' })).toThrow(/REUNIFY_CASE_HISTORY_LIMIT/);
  });

  it('uses a PostgreSQL server and an existing Temporal server when configured', () => {
    const config = parseConfig({
      DATABASE_URL: 'postgresql://reunify@db.internal/reunify',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'orr',
    });
    expect(config.database).toEqual({ kind: 'server', url: 'postgresql://reunify@db.internal/reunify' });
    expect(config.temporal).toMatchObject({ address: 'temporal.internal:7233', namespace: 'orr' });
  });

  it('treats empty variables as unset', () => {
    expect(parseConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' }).database.kind).toBe('embedded');
    expect(parseConfig({ REUNIFY_POSTGRES_PORT: '6543' }).database).toMatchObject({ kind: 'embedded', port: 6543, portChosen: true });
    // The dev server exports its metrics only when asked to.
    expect(parseConfig({ TEMPORAL_METRICS_PORT: '' }).temporal.devServerMetricsPort).toBeUndefined();
    expect(parseConfig({ TEMPORAL_METRICS_PORT: '9090' }).temporal.devServerMetricsPort).toBe(9090);
  });

  it('fails fast, naming every bad variable and why', () => {
    expect(() => parseConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'http://t:1' })).toThrow(ConfigError);
    expect(() => parseConfig({ REUNIFY_POSTGRES_PORT: '70000' })).toThrow(/REUNIFY_POSTGRES_PORT: /);
    expect(() => parseConfig({ TEMPORAL_METRICS_PORT: 'prometheus' })).toThrow(/TEMPORAL_METRICS_PORT: /);
    try {
      parseConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'http://t:1' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/API_PORT: /);
      expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL; unset it to use the embedded PostgreSQL server/);
      expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    }
  });
});
