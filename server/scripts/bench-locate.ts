/**
 * Times point → grid location over config/org-tree.json.
 *
 *   npx tsx server/scripts/bench-locate.ts [count]
 *
 * Random points (fixed seed) over the central city and its surroundings: grids, ungridded
 * districts and sea, so every branch of the locator is exercised.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLocator, type OrgNodeSeed } from '../src/domain/locate.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = 5;
const BOX = { south: 38.78, north: 39.1, west: 121.4, east: 121.85 };

/** mulberry32: small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  const count = Number(process.argv[2] ?? 100_000);
  const tree = JSON.parse(fs.readFileSync(path.join(ROOT, 'config/org-tree.json'), 'utf8')) as { nodes: OrgNodeSeed[] };
  const t0 = performance.now();
  const locator = buildLocator(tree.nodes);
  const buildMs = performance.now() - t0;

  const next = rng(42);
  const points = Array.from({ length: count }, () => [
    BOX.south + next() * (BOX.north - BOX.south),
    BOX.west + next() * (BOX.east - BOX.west),
  ] as const);
  const tally = { grid: 0, district: 0, none: 0 };
  const run = (): number => {
    const start = performance.now();
    for (const [lat, lng] of points) {
      const loc = locator.locate(lat, lng);
      if (!loc) tally.none++;
      else if (loc.gridCode) tally.grid++;
      else tally.district++;
    }
    return performance.now() - start;
  };
  const runs = Array.from({ length: RUNS }, run).sort((a, b) => a - b);
  const [best = 0, median = 0] = [runs[0], runs[Math.floor(RUNS / 2)]];
  for (const k of Object.keys(tally) as (keyof typeof tally)[]) tally[k] /= RUNS;
  console.log(`index build: ${buildMs.toFixed(1)} ms (${tree.nodes.length} nodes)`);
  const per = (ms: number): string => `${ms.toFixed(1)} ms (${((ms * 1000) / count).toFixed(2)} µs each)`;
  console.log(`${count} locates, ${RUNS} runs: best ${per(best)}, median ${per(median)}`);
  console.log(`results: ${tally.grid} in a grid, ${tally.district} district only, ${tally.none} outside`);
}

main();
