// Projects: `unit` (pure code beside the sources, no services), `integration` (the test/ files that use a
// database: real PostgreSQL or PGlite, the HTTP app, the sandbox), `services` (the other test/ files: the
// WeChat sandbox, Redis and the channel adapters, no database), `miniprogram` (the mini-program's
// components and services in jsdom), `weapp` (the built weapp bundle under miniprogram-simulate) and `e2e`
// (the H5 build in Chromium against a booted server). Run through test/run.mjs, which builds the
// mini-program first when needed and runs only `integration` a second time, on PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
/** Modules that give a test a database: the harness (a copy of the seeded template), boot(), the postgres adapters. */
const DATABASE_MODULE = /^(test\/support\/harness|server\/src\/boot|server\/src\/adapters\/postgres\/.+)$/;
/** Does this test/ file reach a database module through its relative imports (followed within test/)? */
function usesDatabase(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  const source = fs.readFileSync(file, 'utf8');
  for (const m of source.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+?)(?:\.js)?['"]/g)) {
    const target = path.resolve(path.dirname(file), m[1]);
    const rel = path.relative(root, target).split(path.sep).join('/');
    if (DATABASE_MODULE.test(rel)) return true;
    if (rel.startsWith('test/') && fs.existsSync(`${target}.ts`) && usesDatabase(`${target}.ts`, seen)) return true;
  }
  return false;
}
const testFiles = (dir) =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ['e2e', 'embedded', 'node_modules'].includes(e.name) ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
const serverTests = testFiles(path.join(root, 'test'));
const asMatch = (files) => files.map((f) => `<rootDir>/${path.relative(root, f).split(path.sep).join('/')}`);
const databaseTests = asMatch(serverTests.filter((f) => usesDatabase(f)));
const serviceTests = asMatch(serverTests.filter((f) => !usesDatabase(f)));

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
  // A worker that ran the PGlite-backed files holds 600–750 MB; measured here under load, its JavaScript
  // was done 1–5 ms after Jest asked it to end (no handle left), yet the process took 300–600 ms more to
  // be torn down and reaped, past Jest's default 500 ms, which then printed "a worker process has failed
  // to exit gracefully". A real leak (an open socket, an interval) still trips this limit.
  workerGracefulExitTimeout: 2000,
  // A worker that has run a database-backed file keeps much of it: each file's modules are evaluated afresh
  // in their own vm context (ESM under --experimental-vm-modules), and what the earlier files left is never
  // all freed. Measured here: worker RSS 0.8 GB after the first minute, 2 GB after eight, and files late in
  // the PGlite pass ran up to 5 times slower than alone (careless-requests 132 s against 25 s) as collection
  // took over. A worker whose heap is past this limit after a file is replaced by a fresh one
  // (https://jestjs.io/docs/configuration#workeridlememorylimit-numberstring), which in practice is after
  // every database-backed file; starting one costs well under a second. The PGlite pass: 683 s → 361 s.
  workerIdleMemoryLimit: '200MB',
  // Files that declare a long run (`@expectedSeconds`) start first on a fresh clone: see the sequencer.
  testSequencer: '<rootDir>/test/support/sequencer.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/server/src/**/*.test.ts', '<rootDir>/types/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: databaseTests,
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
    { ...common, displayName: 'services', testMatch: serviceTests },
    // PGlite's own behaviour (the data folder's single owner): never DATABASE_URL, so run in the PGlite pass only.
    { ...common, displayName: 'embedded', testMatch: ['<rootDir>/test/embedded/**/*.test.ts'] },
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
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'], globalSetup: '<rootDir>/test/support/global-setup-pglite.mjs' },
  ],
};
