import { resolve } from 'node:path';

import { ConfigError, parseConfig } from '../../src/config/env';

describe('config', () => {
  it('defaults to the embedded stack', () => {
    const config = parseConfig({});
    expect(config.database).toEqual({ kind: 'pglite', dataDir: resolve('data', 'pglite') });
    expect(config.temporal).toMatchObject({ address: undefined, namespace: 'default', devServerPort: 7233, devServerUiPort: 8233 });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 3000 });
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
    expect(parseConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: ' ' }).database.kind).toBe('pglite');
  });

  it('fails fast, naming every bad variable and why', () => {
    expect(() => parseConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'http://t:1' })).toThrow(ConfigError);
    try {
      parseConfig({ API_PORT: 'eighty', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'http://t:1' });
    } catch (err) {
      const message = (err as Error).message;
      expect(message).toMatch(/API_PORT: /);
      expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ URL; unset it to use the embedded PGlite/);
      expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    }
  });
});
