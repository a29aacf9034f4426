// The last line of a CI run: `N passed, N failed, N skipped`, summed over the Jest summaries that
// test/run.mjs wrote (one per database pass, given as arguments). The line and the exit status agree:
// - a summary that is missing or unreadable counts as one failure (the pass crashed before writing it);
// - every failed step named in FAILED_STEPS (space-separated: typecheck, lint) counts as one failure;
// - a run in which no test passed counts as one failure;
// - TESTS_STATUS (the test command's exit status) other than 0 with nothing else failed counts as one;
// and the exit status is 1 exactly when the failed count is not 0.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const notes = [];
for (const file of process.argv.slice(2)) {
  let r;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    notes.push(`${file}: no test summary (the pass crashed or never ran)`);
    failed += 1;
    continue;
  }
  passed += r.numPassedTests ?? 0;
  // numFailedTests includes the steps test/run.mjs counted (a failed build, a pass that found no tests).
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const step of r.failedSteps ?? []) notes.push(`${file}: ${step}`);
}
for (const step of (process.env.FAILED_STEPS ?? '').split(/\s+/).filter(Boolean)) {
  notes.push(`${step} failed`);
  failed += 1;
}
if (passed === 0) {
  notes.push('no test passed');
  failed += 1;
}
if (failed === 0 && (process.env.TESTS_STATUS ?? '0') !== '0') {
  notes.push(`the test command exited ${process.env.TESTS_STATUS} with every test passing`);
  failed += 1;
}
for (const n of notes) console.log(n);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
