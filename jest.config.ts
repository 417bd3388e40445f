import type { Config } from 'jest';

const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
export const common: Config = {
  testEnvironment: 'node',
  transform,
  clearMocks: true,
  modulePathIgnorePatterns: ['<rootDir>/data'],
};

// The suites that need PostgreSQL share one server per jest run (an embedded one, or DATABASE_URL's),
// each test file with a database of its own.
const withDatabase: Config = {
  globalSetup: '<rootDir>/tests/setup/database-server.ts',
  globalTeardown: '<rootDir>/tests/setup/database-server-teardown.ts',
};

// Type checking is `tsc --noEmit` (part of `npm test`); swc only strips types, which keeps jest fast.
const config: Config = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/tests/{machines,unit}/**/*.test.ts'] },
    // The workflow, database and end-to-end layers start real servers: they run one file at a time
    // (`--runInBand` in package.json), as Temporal's own test suites do.
    { ...common, displayName: 'workflows', testMatch: ['<rootDir>/tests/workflows/**/*.test.ts'] },
    { ...common, ...withDatabase, displayName: 'db', testMatch: ['<rootDir>/tests/db/**/*.test.ts'] },
    { ...common, ...withDatabase, displayName: 'e2e', testMatch: ['<rootDir>/tests/e2e/**/*.test.ts'] },
    // The web application in Debian's Chromium over the whole stack (dev server, database, worker, API).
    { ...common, ...withDatabase, displayName: 'browser', testMatch: ['<rootDir>/tests/browser/**/*.test.ts'] },
    // `npm start` itself, on the embedded defaults.
    { ...common, displayName: 'start', testMatch: ['<rootDir>/tests/start/**/*.test.ts'] },
    // The benchmark's smoke run: it must finish, not meet numbers.
    { ...common, displayName: 'bench', testMatch: ['<rootDir>/tests/bench/**/*.test.ts'] },
  ],
};

export default config;
