import type { Config } from 'jest';

import { common } from './jest.config';

/**
 * The end-to-end tests against a running production-shaped cluster (tests/cluster/): not part of
 * `npm test`, which has no cluster; `npm run cluster -- --e2e` starts one, runs them and stops it.
 */
const config: Config = {
  projects: [{ ...common, displayName: 'cluster', testMatch: ['<rootDir>/tests/cluster/**/*.test.ts'] }],
};

export default config;
