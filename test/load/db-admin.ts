/** Small helpers the benches share for their throwaway PostgreSQL databases and Redis prefixes. */
export { withDatabase } from '../support/template.js';

/** The URL without its password, for printing. */
export function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** One statement on its own connection (CREATE/DROP DATABASE cannot run inside a pool's transaction). */
export async function adminQuery(url: string, text: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Deletes every Redis key under a bench's own queue prefix (SCAN, never KEYS); returns how many. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 3000, lazyConnect: true, retryStrategy: () => null });
  r.on('error', () => {}); // reported by the awaited calls below
  await r.connect();
  try {
    let cursor = '0';
    let n = 0;
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) n += await r.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    return n;
  } finally {
    r.disconnect();
  }
}
