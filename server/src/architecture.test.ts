import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

/**
 * The layering is enforced by ESLint's no-restricted-imports (eslint.config.js). Each fixture breaks one
 * rule and is linted as if it stood where the rule applies, so a rule that stops biting fails here.
 */
const FIXTURES = path.resolve('test/architecture/fixtures');

interface Finding {
  ruleId: string | null;
  message: string;
}

const CASES: Record<string, [fixture: string, pretendPath: string]> = {
  usecase: ['usecase-imports-adapter.ts', 'server/src/usecases/fixture.ts'],
  http: ['http-imports-adapter.ts', 'server/src/http/routes/fixture.ts'],
  domain: ['domain-imports-io.ts', 'server/src/domain/fixture.ts'],
  miniprogram: ['miniprogram-imports-server.ts', 'miniprogram/src/services/fixture.ts'],
  clean: ['usecase-clean.ts', 'server/src/usecases/fixture.ts'],
};

/** Lints every fixture in one child process (ESLint's Node API, the project's own config). */
let results: Record<string, Finding[]> | null = null;
function lint(name: keyof typeof CASES): Finding[] {
  if (!results) {
    const jobs = Object.entries(CASES).map(([k, [fixture, filePath]]) => ({ k, text: fs.readFileSync(path.join(FIXTURES, fixture), 'utf8'), filePath }));
    const script = `
      const { ESLint } = await import('eslint');
      const eslint = new ESLint();
      const jobs = JSON.parse(process.env.JOBS);
      const out = {};
      for (const j of jobs) out[j.k] = (await eslint.lintText(j.text, { filePath: j.filePath }))[0].messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
      process.stdout.write(JSON.stringify(out));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, JOBS: JSON.stringify(jobs) } });
    if (r.status !== 0) throw new Error(`eslint failed: ${r.stderr}`);
    results = JSON.parse(r.stdout) as Record<string, Finding[]>;
  }
  return results[name]!;
}

const restricted = (f: Finding[]) => f.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

describe('architecture rules bite', () => {
  // Each fixture breaks its rule once per import; every refused import must be named, and nothing else.
  it.each([
    ['use cases may not import drizzle-orm or adapters', 'usecase', [/drizzle-orm/, /adapters\/postgres\/schema/]],
    ['http may not import adapters', 'http', [/adapters\/postgres\/database/]],
    ['the domain imports nothing but itself and the shared types', 'domain', [/node:fs/, /usecases\/report-case/]],
    ['the mini-program may not import the server', 'miniprogram', [/server\/src\/domain/]],
  ] as const)('%s', (_name, fixture, refused) => {
    const found = restricted(lint(fixture));
    expect(found).toHaveLength(refused.length);
    for (const pattern of refused) expect(found.some((m) => pattern.test(m))).toBe(true);
  }, 60_000);

  it('a use case that keeps to its ports passes', () => {
    expect(lint('clean')).toEqual([]);
  }, 60_000);
});
