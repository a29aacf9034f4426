// Jest runs the files it has no timing for largest first, on the guess that a big file runs long
// (https://jestjs.io/docs/configuration#testsequencer-string). CI always starts from a fresh clone, so that
// guess decides the order there, and a short file that drives a long run (an accessibility audit: a few
// lines over a shared suite) would start last and hold the pass up at its end. Measured on 2 cores: the audit
// started last, the browser pass ended at 895 s; started first, at 737 s.
// Such a file says so in its first lines, `@expectedSeconds N` (measured in CI), and starts first, longest
// first. Jest's own order stays for everything else, and for every file once its cache knows the timing.
import fs from 'node:fs';
import Sequencer from '@jest/test-sequencer';

const declared = (file) => {
  try {
    const head = fs.readFileSync(file, 'utf8').slice(0, 2000);
    const m = /@expectedSeconds\s+(\d+)/.exec(head);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
};

export default class LongFirst extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    // Each file's mark is read once (a comparator would read it again on every comparison).
    const marked = new Map();
    for (const t of ordered) {
      const seconds = t.duration == null ? declared(t.path) : null;
      if (seconds != null) marked.set(t, seconds);
    }
    const long = [...marked.keys()].sort((a, b) => marked.get(b) - marked.get(a));
    return [...long, ...ordered.filter((t) => !marked.has(t))];
  }
}
