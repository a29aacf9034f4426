// Behind the reverse proxy (TRUST_PROXY=true, deploy/nginx), the per-address limits count the address the proxy
// saw, which it appends last to X-Forwarded-For; what a client writes into that header itself is never trusted.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { TRUST_PROXY: 'true', PUBLIC_REQUESTS_PER_MINUTE: '2' } });
});
afterAll(async () => {
  await h?.close();
});

const from = async (forwardedFor: string) => (await h.request.get('/api/v1/public/cases').set('X-Forwarded-For', forwardedFor)).status;

describe('a FineCity API behind its reverse proxy', () => {
  it('limits each client address the proxy saw, and ignores the entries a client forged before it', async () => {
    expect([await from('203.0.113.7'), await from('203.0.113.7'), await from('203.0.113.7')]).toEqual([200, 200, 429]);
    // Another client behind the same proxy still has its own budget.
    expect(await from('198.51.100.20')).toBe(200);
    // A client that puts a fresh address first is still the address the proxy appended last.
    expect(await from('192.0.2.99, 203.0.113.7')).toBe(429);
  });
});

describe('a FineCity API reached directly', () => {
  it('does not trust X-Forwarded-For unless told it sits behind a proxy', async () => {
    const { loadConfig } = await import('../../server/src/config.js');
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
  });
});
