// Projects: `unit` (pure code beside the sources, no services), `integration` (test/: real PostgreSQL or
// PGlite, the HTTP app, the sandbox), `miniprogram` (the mini-program's components and services in jsdom),
// `weapp` (the built weapp bundle under miniprogram-simulate) and `e2e` (the H5 build in Chromium against
// a booted server). Run through test/run.mjs, which builds the mini-program first when needed.
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
};
const common = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform,
  moduleNameMapper: {
    '^@finecity/types$': '<rootDir>/types/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};
const mp = '<rootDir>/miniprogram/test/unit';
export default {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/server/src/**/*.test.ts', '<rootDir>/types/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
    {
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      testMatch: [`${mp}/**/*.test.ts?(x)`],
      transform: {
        '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' }, module: { type: 'commonjs' } }],
      },
      moduleNameMapper: {
        '\\.(css|scss)$': `${mp}/__mocks__/style.js`,
        '^@tarojs/taro$': `${mp}/__mocks__/taro.ts`,
        '^@tarojs/components$': `${mp}/__mocks__/components.tsx`,
        '^@finecity/types$': '<rootDir>/types/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      setupFiles: [`${mp}/setup.ts`],
      setupFilesAfterEnv: ['@testing-library/jest-dom'],
    },
    { displayName: 'weapp', testEnvironment: 'jsdom', testMatch: ['<rootDir>/miniprogram/test/weapp/**/*.test.cjs'], transform: {} },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
};
