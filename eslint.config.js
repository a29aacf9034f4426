import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/dist-h5/**', '.swc/**', '.data/**', 'artifacts/**', 'server/drizzle/**', 'coverage/**'] },
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
    // The domain is pure: no frameworks, no I/O, no clock (STYLE.md).
    files: ['server/src/domain/**/*.ts'],
    ignores: ['server/src/domain/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['koa*', '@koa/*', 'drizzle-orm*', 'bullmq', 'pg', '@electric-sql/*', 'sharp', 'node:fs*', '../adapters/*', '../http/*', '../usecases/*'] }],
      'no-restricted-syntax': ['error', { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'Time is a parameter in the domain.' }],
    },
  },
);
