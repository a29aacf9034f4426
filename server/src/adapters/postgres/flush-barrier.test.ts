import { describe, expect, it } from '@jest/globals';
import type { SQL } from 'drizzle-orm';
import type { DbOrTx } from './database.js';
import { flushBarrier } from './case-repository.js';

/** A barrier statement the test ends by hand: the order in which barriers start and end is the point. */
function manualBarriers() {
  const runs: { resolve: () => void; reject: (e: Error) => void }[] = [];
  const execute = (_s: SQL) => new Promise<void>((resolve, reject) => runs.push({ resolve, reject }));
  return { runs, execute };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('the flush barrier of reports committed without waiting for the disk', () => {
  it('lets reports that wait together share the next barrier, never one that started before they committed', async () => {
    const { runs, execute } = manualBarriers();
    const durable = flushBarrier({} as DbOrTx, execute);
    const done: string[] = [];
    const a = durable().then(() => done.push('a'));
    await tick();
    expect(runs).toHaveLength(1); // a's barrier started after a committed
    // b and c committed while a's barrier ran: it may have started before their commits, so they wait for the next.
    const b = durable().then(() => done.push('b'));
    const c = durable().then(() => done.push('c'));
    await tick();
    expect(runs).toHaveLength(1);
    runs[0]!.resolve();
    await a;
    await tick();
    expect(done).toEqual(['a']);
    expect(runs).toHaveLength(2); // one barrier for b and c together
    runs[1]!.resolve();
    await Promise.all([b, c]);
    expect(done).toEqual(['a', 'b', 'c']);
    // Nothing in flight: the next report starts its own at once.
    const d = durable();
    await tick();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve();
    await d;
  });

  it('fails the reports waiting on a failed barrier, and the next ones get a barrier of their own', async () => {
    const { runs, execute } = manualBarriers();
    const durable = flushBarrier({} as DbOrTx, execute);
    const a = durable();
    await tick();
    runs[0]!.reject(new Error('connection lost'));
    await expect(a).rejects.toThrow('connection lost');
    const b = durable();
    await tick();
    expect(runs).toHaveLength(2);
    runs[1]!.resolve();
    await expect(b).resolves.toBeUndefined();
  });
});
