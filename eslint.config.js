import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What only adapters/ and the composition root may import. */
const PERSISTENCE = ['**/adapters/**', 'drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*', 'bullmq', 'ioredis', 'sharp', '**/schema', '**/schema.js'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/dist-h5/**', '.swc/**', '.data/**', 'artifacts/**', 'server/drizzle/**', 'coverage/**', 'test/architecture/fixtures/**'] },
  js.configs.recommended,
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The mini-program's CommonJS tooling (Taro's babel config, miniprogram-ci/simulate harnesses).
    files: ['miniprogram/**/*.cjs', 'miniprogram/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', Buffer: 'readonly', document: 'readonly', global: 'writable', describe: 'readonly', it: 'readonly', test: 'readonly', expect: 'readonly', beforeAll: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Scripts the end-to-end tests inject into the H5 page.
    files: ['test/e2e/**/*.browser.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', getComputedStyle: 'readonly', NodeFilter: 'readonly' } },
  },
  {
    // The domain is pure: no frameworks, no I/O, no clock; it imports only itself and the shared types.
    files: ['server/src/domain/**/*.ts'],
    ignores: ['server/src/domain/**/*.test.ts'],
    rules: {
      // Pure computation libraries are allowed by name (flatbush: the static R-tree behind point → grid).
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!(\\./[^/]+$|@finecity/types$|flatbush$))', message: 'The domain imports only its own modules and @finecity/types.' }] }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Time is a parameter in the domain.' }],
    },
  },
  {
    // A domain sub-folder (domain/assessment/) may use the domain modules one level up, and nothing further.
    files: ['server/src/domain/*/**/*.ts'],
    ignores: ['server/src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!(\\.\\.?/[^/]+$|@finecity/types$))', message: 'The domain imports only its own modules and @finecity/types.' }] }],
    },
  },
  {
    // Use cases speak in domain words: persistence and delivery stay behind ports (usecases/repositories.ts).
    files: ['server/src/usecases/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: [...PERSISTENCE, '**/http/**', '**/sandbox/**', 'koa', 'koa-*', '@koa/*'], message: 'Use cases import neither HTTP, adapters, the sandbox nor a database library: declare a port.' }] }],
    },
  },
  {
    // HTTP is thin: it reaches use cases, never adapters or the database.
    files: ['server/src/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: PERSISTENCE, message: 'http/ never imports adapters or a database library: go through a use case.' }] }],
    },
  },
  {
    // The mini-program talks to the server over HTTP only; shared shapes come from @finecity/types.
    files: ['miniprogram/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '@finecity/server', '@finecity/server/*'], message: 'The mini-program never imports the server: use @finecity/types.' }] }],
    },
  },
);
