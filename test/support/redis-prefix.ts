// Test processes share one Redis: each gives its queues a prefix of its own and deletes the prefix's keys
// when done (SCAN, never KEYS).
/** Removes this file's queues and keys from the shared Redis. */
export async function clearPrefix(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } catch {
    /* Redis may be the thing a test stopped: nothing of ours to delete */
  } finally {
    r.disconnect();
  }
}
