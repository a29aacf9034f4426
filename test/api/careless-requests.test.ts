// Every documented route, probed with careless and hostile input: no answer may be a 5xx, and every 4xx
// carries the error body. The routes come from the OpenAPI document, so a route added later is probed too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startHarness, type Harness } from '../support/harness.js';
import { admins, as, auth, pick, type Session } from '../support/flows.js';

let h: Harness;
let cityAdmin: Session;
let resident: Session;

beforeAll(async () => {
  h = await startHarness();
  ({ cityAdmin } = await admins(h));
  resident = await as(h, pick(h, 'resident'));
});
afterAll(async () => {
  await h?.close();
});

/** Values a path parameter takes from a careless or hostile client. */
const PATH_VALUES = ['x', '00000000-0000-0000-0000-000000000000', '%2e%2e%2f%2e%2e%2fetc', '9'.repeat(40), '%E4%B8%AD%00', '-1', '2026'];
/** Query strings: wrong types, out of range, injection-shaped, repeated keys. */
const QUERIES = [
  '',
  '?page=-1&pageSize=abc',
  '?page=99999999999999999999&pageSize=0',
  "?q=%27%3B%20drop%20table%20users%3B--&orgNodeCode=%00&status=nope",
  '?month=2026-13&orgNodeCode=210200&dryRun=maybe&partial=1',
  '?from=yesterday&to=2026-02-30&actor=not-a-uuid&entity=%3Cscript%3E',
  '?root=..%2F&depth=99&period=century&at=2026-W99',
  '?page=1&page=2&q=' + 'a'.repeat(5000),
];
/** JSON bodies of the wrong shape. */
const BODIES: unknown[] = [{}, [], 'text', 42, null, { code: 123, inviteCode: ['x'], phoneCode: {} }, { a: { b: { c: { d: { e: { f: 'deep' } } } } } }, { name: 'x'.repeat(100_000) }];

const LOGOUT = '/api/v1/auth/logout';

interface Probe {
  method: 'get' | 'post' | 'put';
  path: string;
}

async function routes(): Promise<Probe[]> {
  const doc = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const out: Probe[] = [];
  for (const [p, ops] of Object.entries(doc.paths)) {
    if (p.startsWith('/api/v1/sandbox') || p.startsWith('/api/v1/oa/')) continue; // the sandbox's own and the signed WeChat push
    if (p === LOGOUT) continue; // it would sign the probing admin out halfway: probed last, with sessions of its own
    for (const m of Object.keys(ops)) if (m === 'get' || m === 'post' || m === 'put') out.push({ method: m, path: p });
  }
  return out;
}

function expand(path: string): string[] {
  if (!path.includes('{')) return [path];
  return PATH_VALUES.map((v) => path.replace(/\{[^}]+\}/g, v));
}

async function send(method: Probe['method'], url: string, who: Session | null, body?: { raw?: string; json?: unknown; type?: string }) {
  let req = h.request[method](url);
  if (who) req = req.set(auth(who));
  if (body?.raw !== undefined) req = req.set('Content-Type', body.type ?? 'application/json').send(body.raw);
  else if (body && 'json' in body) req = req.set('Content-Type', 'application/json').send(JSON.stringify(body.json));
  return req;
}

function expectClean(res: { status: number; body: { error?: { code?: string; message?: string } }; text?: string; type?: string }, what: string): void {
  if (res.status >= 500) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  // Open311 answers in its spec's error format (https://wiki.open311.org/GeoReport_v2/#errors): [{code, description}] or <errors>.
  if (res.status >= 400 && Array.isArray(res.body)) {
    expect(res.body[0]).toEqual({ code: res.status, description: expect.stringMatching(/[\u4e00-\u9fff]/) });
  } else if (res.status >= 400 && res.type === 'text/xml') {
    expect(res.text).toMatch(new RegExp(`<errors>\\s*<error>\\s*<code>${res.status}</code>\\s*<description>[^<]*[\u4e00-\u9fff]`));
  } else if (res.status >= 400) {
    expect(typeof res.body.error?.code).toBe('string');
    expect(res.body.error!.message).toMatch(/[\u4e00-\u9fff]/); // people read Chinese
  }
}

describe('careless and hostile requests', () => {
  it('never get a 5xx from any documented route, as the city admin, a resident or nobody', async () => {
    const all = await routes();
    expect(all.some((r) => r.path.startsWith('/api/v1/admin/'))).toBe(true);
    // Each probe is a thunk; they run a few at a time (as concurrent clients would), every answer checked.
    const probes: (() => Promise<void>)[] = [];
    const probe = (what: string, go: () => Promise<{ status: number; body: { error?: { code?: string; message?: string } }; text?: string; type?: string }>) =>
      probes.push(async () => expectClean(await go(), what));
    for (const r of all) {
      // Writes that would really act with good input are probed only with bad input below.
      for (const url of expand(r.path)) {
        for (const who of [cityAdmin, resident, null]) {
          for (const q of r.method === 'get' ? QUERIES : QUERIES.slice(0, 3)) {
            probe(`${r.method.toUpperCase()} ${url}${q}`, () => send(r.method, url + q, who, r.method === 'get' ? undefined : { raw: '{"broken": ' }));
          }
        }
        if (r.method !== 'get') {
          for (const b of BODIES) probe(`${r.method.toUpperCase()} ${url} ${JSON.stringify(b).slice(0, 60)}`, () => send(r.method, url + '?dryRun=true', cityAdmin, { json: b }));
          for (const [raw, type] of [['\u0000\u0001', 'application/octet-stream'], ['<xml/>', 'text/xml'], ['--x\r\nbroken multipart', 'multipart/form-data; boundary=x']] as const) {
            probe(`${r.method.toUpperCase()} ${url} as ${type}`, () => send(r.method, url + '?dryRun=true', cityAdmin, { raw, type }));
          }
        }
      }
    }
    let next = 0;
    await Promise.all(Array.from({ length: 6 }, async () => {
      while (next < probes.length) await probes[next++]!();
    }));
    expect(probes.length).toBeGreaterThan(500);
    // Logout, probed last with careless bodies and content types: a session of its own each time, or none.
    const doc = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    expect(doc.paths[LOGOUT]).toBeDefined();
    for (const body of [...BODIES.map((b) => ({ json: b })), { raw: '{"broken": ' }, { raw: '\u0000\u0001', type: 'application/octet-stream' }]) {
      const throwaway = await as(h, pick(h, 'resident'));
      for (const who of [throwaway, null]) expectClean(await send('post', LOGOUT, who, body), `POST ${LOGOUT} ${JSON.stringify(body).slice(0, 60)}`);
    }
  }, 600_000);
});
