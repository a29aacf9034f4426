/**
 * How hard the fuzzers push. CI runs the short profile (the default); `npm run fuzz` sets FUZZ_PROFILE=full.
 * FUZZ_RUNS overrides the property-test run count and the number of passes over every route; FUZZ_SEED
 * replays a run (every failure message names the seed it ran with).
 */
export interface FuzzProfile {
  name: 'short' | 'full';
  /** fast-check runs per property. */
  propertyRuns: number;
  /** Passes over every documented operation (each pass: valid requests, then every mutation). */
  apiPasses: number;
  /** Roles that send the valid request of each operation in a pass (all roles in the full profile). */
  rolesPerOperation: number;
  seed: number;
}

export function fuzzProfile(env: NodeJS.ProcessEnv = process.env): FuzzProfile {
  const full = env.FUZZ_PROFILE === 'full';
  const runs = env.FUZZ_RUNS ? Number(env.FUZZ_RUNS) : null;
  if (runs !== null && !(Number.isInteger(runs) && runs > 0)) throw new Error(`FUZZ_RUNS must be a positive integer, not ${env.FUZZ_RUNS}`);
  const seed = env.FUZZ_SEED ? Number(env.FUZZ_SEED) : Date.now() % 2_147_483_647;
  return {
    name: full ? 'full' : 'short',
    propertyRuns: runs ?? (full ? 5_000 : 100),
    apiPasses: runs ? Math.max(1, Math.ceil(runs / 100)) : full ? 3 : 1,
    rolesPerOperation: full ? Number.POSITIVE_INFINITY : 2,
    seed,
  };
}
