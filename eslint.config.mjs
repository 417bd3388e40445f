// @ts-check
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Code that runs inside Temporal's workflow sandbox, or is shared with it, must be deterministic and
 * free of side effects: Temporal's own sandbox rule, made static. Type imports stay allowed, so a
 * workflow can name an activity's types without loading it.
 */
const SANDBOXED = ['src/workflows/**/*.ts', 'src/machines/**/*.ts', 'src/contracts/**/*.ts', 'src/domain/**/*.ts'];
const nodeBuiltins = [...builtinModules, ...builtinModules.map((name) => `node:${name}`)];
const sideEffects = [
  { group: ['**/db', '**/db/**'], message: 'Sandboxed code may not reach the database: do it in an activity.' },
  { group: ['**/audit', '**/audit/**'], message: 'Sandboxed code may not write the audit trail: do it in an activity.' },
  { group: ['**/activities', '**/activities/**'], message: 'Import activities as types only (proxyActivities<typeof ...>).' },
  {
    group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@prisma/*', 'pg', 'pino', 'fastify', 'jose'],
    message: 'Not in the workflow sandbox.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'src/db/generated/', 'data/', '.tools/', 'bench/results/', 'coverage/', 'web/dist/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'import-x/no-cycle': 'error',
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', ['internal', 'parent', 'sibling', 'index']],
          'newlines-between': 'always',
          alphabetize: { order: 'asc', caseInsensitive: true },
        },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // One typed config module reads the environment, once (src/config/env.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/config/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through src/config/env.ts (loadConfig), not process.env.' },
      ],
    },
  },
  {
    files: SANDBOXED,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'No Node built-ins in workflow-sandboxed code.', allowTypeImports: true })),
          patterns: sideEffects.map((pattern) => ({ ...pattern, allowTypeImports: true })),
        },
      ],
    },
  },
  {
    // The web application runs in a browser: from the server it shares only the zod contracts and the
    // pure policy tables, never the database, the services or Node.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'The web application runs in a browser.', allowTypeImports: true })),
          patterns: [
            {
              regex: String.raw`^(\.\./)+src/(?!contracts/|domain/)`,
              message: 'The web application shares only src/contracts and src/domain with the server.',
              allowTypeImports: true,
            },
            { group: ['**/contracts/messages'], message: 'Temporal message definitions are not for the browser.' },
          ],
        },
      ],
    },
  },
  {
    // import-x's resolver cannot load an .mts file's imports; the build config has no cycles to find.
    files: ['web/vite.config.mts'],
    rules: { 'import-x/no-cycle': 'off' },
  },
  {
    // The server never imports the web application's code.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/web/**'], message: 'The server does not import the web application.' }] },
      ],
    },
  },
  prettier,
);
