// Measures processPhoto on a phone-sized photo: `npx tsx server/scripts/bench-photo.ts [runs] [parallel]`.
// The input is generated (blurred noise, 4000×3000, ≈3 MB), so the figure is a rough order of magnitude.
import { performance } from 'node:perf_hooks';
import { processPhoto } from '../src/adapters/storage/photo-processor.js';
import { photoLikeJpeg } from '../../test/support/fixtures.js';

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const parallel = Number(process.argv[3] ?? 1);
  const input = await photoLikeJpeg({ width: 4000, height: 3000 });
  console.log(`input: 4000×3000 JPEG, ${(input.length / 1024 / 1024).toFixed(2)} MB`);

  const first = await processPhoto(input); // warm-up (loads codecs)
  console.log(`output: ${first.width}×${first.height}, full ${(first.bytes / 1024).toFixed(0)} KB, thumb ${(first.thumb.length / 1024).toFixed(1)} KB`);

  const timings: number[] = [];
  const start = performance.now();
  for (let done = 0; done < runs; done += parallel) {
    const batch = Math.min(parallel, runs - done);
    await Promise.all(
      Array.from({ length: batch }, async () => {
        const t0 = performance.now();
        await processPhoto(input);
        timings.push(performance.now() - t0);
      }),
    );
  }
  const wall = performance.now() - start;
  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)] ?? 0;
  console.log(`runs ${runs}, parallel ${parallel}: median latency ${median.toFixed(0)} ms, throughput ${(wall / runs).toFixed(0)} ms/photo`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
