// Issue 14, items 7 and 8: what a black-box probe found and what a 等保 review asks, each held by class.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { loadConfig, SANDBOX_DEFAULTS } from '../../server/src/config.js';
import { createApp } from '../../server/src/http/app.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, as, auth, footprint, pick, report, reportOk, type Session } from '../support/flows.js';
import { smallJpeg } from '../support/fixtures.js';

const ALLOWED_ORIGIN = 'https://console.example.gov.cn';
let h: Harness;
let resident: Session;
let dispatcher: Session;
let cityAdmin: Session;
let lat: number;
let lng: number;
/** Reporters other than `resident` and the replay test's, taken in turn so the per-user report limit (6) is never reached by accident. */
let others: Session[] = [];
let turn = 0;
const nextReporter = () => others[turn++ % others.length]!;

beforeAll(async () => {
  h = await startHarness({
    env: {
      CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://other.example.gov.cn`,
      LOGIN_FAILURES_PER_ADDRESS: '4', LOGIN_FAILURES_PER_CODE: '2', LOGIN_WINDOW_SECONDS: '2',
      SANDBOX_NEW_IDENTITIES_PER_HOUR: '3', REPORTS_PER_MINUTE: '6', PUBLIC_REQUESTS_PER_MINUTE: '4',
    },
  });
  const grid = pick(h, 'inspector');
  ({ lat, lng } = { lat: grid.lat!, lng: grid.lng! });
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  cityAdmin = await as(h, pick(h, 'admin', (a) => a.orgNodeCode === '210200'));
  const residents = h.accounts.filter((a) => a.role === 'resident');
  others = await Promise.all([residents[1]!, ...h.accounts.filter((a) => a.role === 'inspector').slice(0, 6)].map((a) => as(h, a)));
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Answer = { status: number; body: { error?: { code: string; message: string; details?: { path: string; code?: string }[] } } };
/** A refusal with its code and a Chinese message, and nothing written. */
async function refusedClean(send: () => Promise<Answer>, status: number, code: string): Promise<Answer> {
  const before = await footprint(h);
  const res = await send();
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
  expect(res.body.error!.message).toMatch(/[\u4e00-\u9fff]/);
  expect(await footprint(h)).toEqual(before);
  return res;
}
const paths = (res: Answer) => (res.body.error?.details ?? []).map((d) => d.path);

describe('control characters and empty text are refused at the edge, the same for every field', () => {
  it('refuses NUL in a report\'s description or address (400, nothing written)', async () => {
    for (const [field, value] of [['description', '路边\u0000垃圾'], ['address', '东北路\u000099号'], ['description', 'bell\u0007']] as const) {
      let req = h.request.post('/api/v1/reports').set(auth(nextReporter())).field('categoryCode', '06010').field('lat', String(lat)).field('lng', String(lng));
      req = req.field('description', field === 'description' ? value : '路边有垃圾');
      if (field === 'address') req = req.field('address', value);
      const res = await refusedClean(async () => req.attach('photos', await smallJpeg(), 'a.jpg'), 400, 'request.invalid');
      expect(paths(res)).toContain(field);
    }
  });
  it('refuses a description of spaces or zero-width characters only, and keeps a multi-line one', async () => {
    for (const blank of ['\u200b\u200b', '\u3000 \u200d\ufeff', '\u00a0\u2060']) {
      const res = await refusedClean(() => report(h, nextReporter(), { lat, lng, description: blank }), 400, 'request.invalid');
      expect(paths(res)).toEqual(['description']);
    }
    const ok = await reportOk(h, nextReporter(), { lat, lng, description: '第一行\r\n第二行\t说明' });
    expect(ok.description).toBe('第一行\n第二行\t说明');
  });
  it('refuses NUL in action notes and in a dispatch target (400, the case unchanged)', async () => {
    const c = await reportOk(h, resident, { lat, lng });
    const res = await refusedClean(() => act(h, dispatcher, c.id, 'register', { note: 'ok\u0000' }), 400, 'request.invalid');
    expect(paths(res)).toEqual(['note']);
    await refusedClean(() => act(h, dispatcher, c.id, 'reject', { note: '\u0000' }), 400, 'request.invalid');
    await refusedClean(() => act(h, dispatcher, c.id, 'reject', { note: '\u200b \u200b' }), 400, 'request.invalid');
    expect((await act(h, dispatcher, c.id, 'register', {})).status).toBe(200);
    const d = await refusedClean(() => act(h, dispatcher, c.id, 'dispatch', { orgNodeCode: '210202\u0000' }), 400, 'request.invalid');
    expect(paths(d)).toEqual(['orgNodeCode']);
  });
  it('refuses NUL in list filters (q, orgNodeCode, categoryCode) and in keys of a JSON body', async () => {
    for (const q of ['q=%00', 'orgNodeCode=%00', 'categoryCode=%00', 'q=a%01b']) {
      const res = await refusedClean(() => h.request.get(`/api/v1/cases?${q}`).set(auth(dispatcher)), 400, 'request.invalid');
      expect(paths(res)).toEqual([q.split('=')[0]]);
    }
    await refusedClean(() => h.request.get('/api/v1/admin/staff?q=%00').set(auth(cityAdmin)), 400, 'request.invalid');
    const c = await reportOk(h, resident, { lat, lng });
    await refusedClean(() => act(h, dispatcher, c.id, 'register', { 'no\u0000te': 'x' }), 400, 'request.invalid');
  });
  it('answers a NUL in any query parameter of any documented GET route with a 4xx, never a 5xx', async () => {
    const doc = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>> };
    let probed = 0;
    let refusedAsControl = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      const get = ops.get;
      if (!get || p.includes('{') || p.startsWith('/open311/')) continue;
      for (const param of (get.parameters ?? []).filter((x) => x.in === 'query')) {
        const res = (await h.request.get(`${p}?${param.name}=x%00y`).set(auth(cityAdmin))) as Answer;
        probed++;
        expect({ route: p, param: param.name, status: res.status < 500 }).toEqual({ route: p, param: param.name, status: true });
        if (res.status === 400 && res.body.error?.details?.some((d) => d.code === 'control_character')) refusedAsControl++;
      }
    }
    expect(probed).toBeGreaterThan(40);
    expect(refusedAsControl).toBeGreaterThan(probed * 0.8);
  });
});

describe('validation is exactly the documented pattern', () => {
  it('refuses a coordinate with a leading space, as the document\'s pattern does', async () => {
    const doc = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties: Record<string, { pattern?: string }> } }> } }>> };
    const pattern = doc.paths['/api/v1/reports']!.post!.requestBody!.content['multipart/form-data']!.schema.properties.lat!.pattern!;
    expect(new RegExp(pattern).test(' 38.89')).toBe(false);
    for (const bad of [' 38.89', '38.89 ', '\t38.89']) {
      const res = await refusedClean(async () => h.request.post('/api/v1/reports').set(auth(nextReporter())).field('categoryCode', '06010').field('description', '垃圾').field('lat', bad).field('lng', String(lng)).attach('photos', await smallJpeg(), 'a.jpg'), 400, 'request.invalid');
      expect(paths(res)).toEqual(['lat']);
    }
    const org = await refusedClean(() => h.request.get('/api/v1/org/units?parent=%20210202').set(auth(dispatcher)), 400, 'request.invalid');
    expect(paths(org)).toEqual(['parent']);
  });
});

describe('the static H5 server and HTTP methods', () => {
  it('answers encoded dot-dot paths with 404, never 500', async () => {
    for (const p of ['/%2e%2e', '/..%2f', '/js/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/css/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json', '/static/..%5c..%5cpackage.json']) {
      const res = await h.request.get(p);
      expect({ p, status: res.status, code: res.body.error?.code }).toEqual({ p, status: 404, code: 'not_found' });
    }
  });
  it('answers TRACE, PROPFIND and a method a route does not take with 405 and Allow, never 501', async () => {
    const c = await reportOk(h, resident, { lat, lng });
    for (const m of ['DELETE', 'PUT', 'PATCH']) {
      const res = await h.request[m.toLowerCase() as 'delete' | 'put' | 'patch'](`/api/v1/cases/${c.id}`).set(auth(resident));
      expect({ m, status: res.status, code: res.body.error?.code }).toEqual({ m, status: 405, code: 'request.method_not_allowed' });
      expect(res.headers.allow).toMatch(/\bGET\b/);
    }
    for (const m of ['TRACE', 'PROPFIND']) {
      for (const p of [`/api/v1/cases/${c.id}`, '/']) {
        const res = await h.request.get(p).set(auth(resident)).use((r) => { (r as unknown as { method: string }).method = m; });
        expect({ m, p, status: res.status }).toEqual({ m, p, status: 405 });
        expect(res.headers.allow).toBeTruthy();
      }
    }
    // A write route answers GET with 405 too, naming POST.
    const post = await h.request.get('/api/v1/reports').set(auth(resident));
    expect(post.status).toBe(405);
    expect(post.headers.allow).toContain('POST');
  });
});

describe('browser security headers and CORS', () => {
  it('sends a strict CSP, nosniff, no framing and a referrer policy on the API and the H5 page', async () => {
    for (const p of ['/api/v1/categories', '/', '/api/v1/nope']) {
      const res = await h.request.get(p);
      const csp = res.headers['content-security-policy'] as string;
      // The sandbox admits eval for Playwright's polling in the browser tests; never inline script.
      expect(csp).toMatch(/script-src 'self'(?: 'sha256-[A-Za-z0-9+/=]+')* 'unsafe-eval';/);
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/img-src 'self' data: blob:/);
      expect(csp).toContain("object-src 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['x-frame-options']).toBe('DENY');
    }
  });
  it('sends them on the sandbox\'s own pages too, admitting exactly the page\'s inline script', async () => {
    for (const p of ['/sandbox/inbox', '/wecom/connect/oauth2/authorize?appid=wwsandbox0000corp01&redirect_uri=http%3A%2F%2F127.0.0.1%2F&response_type=code&scope=snsapi_base&state=s']) {
      const res = await supertest(h.sandboxUrl).get(p);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      const scripts = [...res.text.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${crypto.createHash('sha256').update(m[1]!).digest('base64')}'`);
      for (const hash of scripts) expect(csp).toContain(hash);
    }
  });
  it('with the sandbox off, as in production: script-src is this origin and the build\'s hashes only; the MAP_TILE_URL host is in img-src', async () => {
    const cfg = loadConfig({ NODE_ENV: 'test', MAP_TILE_URL: 'https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}&tk={k}', MAP_TILE_SUBDOMAINS: '0,1' });
    const prod = { ...cfg, sandbox: { ...cfg.sandbox, enabled: false } };
    for (const p of ['/api/v1/categories', '/']) {
      const res = await supertest(createApp({ ...h.deps, config: prod }).callback()).get(p);
      const csp = res.headers['content-security-policy'] as string;
      expect(csp).toMatch(/script-src 'self'(?: 'sha256-[A-Za-z0-9+/=]+')*;/);
      expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(csp).toMatch(/img-src 'self' data: blob: https:\/\/t0\.tianditu\.gov\.cn https:\/\/t1\.tianditu\.gov\.cn;/);
    }
  });
  it('answers CORS for configured origins only', async () => {
    const ok = await h.request.get('/api/v1/categories').set('Origin', ALLOWED_ORIGIN);
    expect(ok.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    const other = await h.request.get('/api/v1/categories').set('Origin', 'https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await h.request.options('/api/v1/cases').set('Origin', ALLOWED_ORIGIN).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-headers']).toMatch(/Authorization/);
    const badPre = await h.request.options('/api/v1/cases').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'GET');
    expect(badPre.headers['access-control-allow-origin']).toBeUndefined();
  });
  it('marks every answer to a logged-in request no-store, errors included', async () => {
    for (const p of ['/api/v1/cases', '/api/v1/me', '/api/v1/cases/00000000-0000-0000-0000-000000000000']) {
      const res = await h.request.get(p).set(auth(dispatcher));
      expect({ p, cc: res.headers['cache-control'] }).toEqual({ p, cc: 'no-store' });
    }
    // The public pages keep their own caching.
    expect((await h.request.get('/api/v1/categories')).headers['cache-control']).not.toBe('no-store');
  });
});

describe('limits: Retry-After everywhere, and a replay passes a limit', () => {
  it('answers a replayed Idempotency-Key with the case while the user is rate-limited', async () => {
    const r2 = await as(h, h.accounts.filter((a) => a.role === 'resident')[2]!);
    const photos = [await smallJpeg({ color: '#224466' })];
    const first = await report(h, r2, { lat, lng, photos, key: 'outbox-drain-0001' });
    expect(first.status).toBe(201);
    for (let i = 0; i < 5; i++) await reportOk(h, r2, { lat, lng });
    const limited = await refusedClean(() => report(h, r2, { lat, lng, key: 'outbox-drain-0002' }), 429, 'rate_limited');
    expect(Number((limited as unknown as { headers: Record<string, string> }).headers['retry-after'])).toBeGreaterThan(0);
    const before = await footprint(h);
    const replay = await report(h, r2, { lat, lng, photos, key: 'outbox-drain-0001' });
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.case.id).toBe(first.body.case.id);
    expect(await footprint(h)).toEqual(before);
  });
  it('sends Retry-After with the public pages\' 429', async () => {
    let last = await h.request.get('/api/v1/public/cases');
    for (let i = 0; i < 6 && last.status !== 429; i++) last = await h.request.get('/api/v1/public/cases');
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('login throttling', () => {
  const login = (code: string, path = '/api/v1/auth/wechat') => h.request.post(path).send({ code });
  it('limits refused codes per code and per address (429 with Retry-After, in Chinese), then lets the address in again', async () => {
    await sleep(2100);
    expect((await login('not-a-code-same')).status).toBe(401);
    expect((await login('not-a-code-same')).status).toBe(401);
    const byCode = await login('not-a-code-same');
    expect({ status: byCode.status, code: byCode.body.error.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect(byCode.body.error.message).toMatch(/频繁/);
    expect(Number(byCode.headers['retry-after'])).toBeGreaterThan(0);
    // The address has 2 refused codes; a WeCom one counts as well; the 4th locks the address, even for a good code.
    expect((await login('other-bad-1')).status).toBe(401);
    expect((await login('sandbox-wecom:nobody-here', '/api/v1/auth/wecom')).status).toBeGreaterThanOrEqual(401);
    const byAddress = await login(pick(h, 'resident').code);
    expect(byAddress.status).toBe(429);
    expect(Number(byAddress.headers['retry-after'])).toBeGreaterThan(0);
    await sleep(2100);
    expect((await login(pick(h, 'resident').code)).status).toBe(200);
  });
  it('caps new sandbox identities per address; known ones still log in', async () => {
    await sleep(2100);
    const before = await footprint(h);
    for (let i = 1; i <= 3; i++) expect((await login(`sandbox:guess-${i}`)).status).toBe(200);
    const capped = await login('sandbox:guess-4');
    expect({ status: capped.status, code: capped.body.error.code }).toEqual({ status: 429, code: 'rate_limited' });
    expect(Number(capped.headers['retry-after'])).toBeGreaterThan(0);
    expect(await h.deps.users.byOpenid('guess-4')).toBeNull();
    expect((await login('sandbox:guess-1')).status).toBe(200);
    expect(await footprint(h)).toEqual(before);
  });
});

describe('logout', () => {
  it('revokes the caller\'s tokens at once; a new login works', async () => {
    const who = pick(h, 'community');
    const a = await as(h, who);
    const b = await as(h, who); // a second device
    expect((await h.request.get('/api/v1/me').set(auth(a))).status).toBe(200);
    const out = await h.request.post('/api/v1/auth/logout').set(auth(a));
    expect(out.status).toBe(204);
    for (const s of [a, b]) {
      const res = await h.request.get('/api/v1/tasks').set(auth(s));
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 401, code: 'auth.invalid_token' });
      expect(res.body.error.message).toContain('退出登录');
    }
    const again = await as(h, who);
    expect((await h.request.get('/api/v1/me').set(auth(again))).status).toBe(200);
    expect((await h.request.post('/api/v1/auth/logout')).status).toBe(401);
  });
});

describe('audit of staff logins', () => {
  it('records auth.login for a staff member, not for a resident', async () => {
    const staff = pick(h, 'street');
    const s = await as(h, staff);
    const me = (await h.request.get('/api/v1/me').set(auth(s))).body.user as { id: string };
    const { items } = await h.deps.audit.list({ actorId: me.id, page: 1, pageSize: 20 });
    const line = items.find((i) => i.action === 'auth.login');
    expect(line).toMatchObject({ entityType: 'user', entityId: me.id, actorRole: 'street', after: { via: 'wechat' } });
    const rid = (await h.request.get('/api/v1/me').set(auth(resident))).body.user.id as string;
    const r = await h.deps.audit.list({ actorId: rid, page: 1, pageSize: 20 });
    expect(r.items.filter((i) => i.action === 'auth.login')).toEqual([]);
  });
});

describe('with the sandbox off', () => {
  it('has no /api/v1/sandbox route at all', async () => {
    const on = (await h.request.get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    const sandboxPaths = Object.keys(on.paths).filter((p) => p.startsWith('/api/v1/sandbox'));
    expect(sandboxPaths.length).toBeGreaterThanOrEqual(2);
    const config = { ...h.deps.config, sandbox: { ...h.deps.config.sandbox, enabled: false } };
    const off = supertest(createApp({ ...h.deps, config }, {}).callback());
    const doc = (await off.get('/api/v1/openapi.json')).body as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).filter((p) => p.includes('sandbox') && p.startsWith('/api'))).toEqual([]);
    for (const p of [...sandboxPaths, '/api/v1/sandbox/accounts', '/api/v1/sandbox/messages']) {
      const res = await off.get(p.replace(/\{[^}]+\}/g, 'x'));
      expect({ p, status: res.status }).toEqual({ p, status: 404 });
    }
  });
  it('refuses to boot while a secret keeps its sandbox default, naming the variable', () => {
    const prod = {
      WECHAT_SANDBOX: 'false', AUTH_SECRET: 'a'.repeat(40), WECHAT_MP_APP_ID: 'wx1234', WECHAT_MP_APP_SECRET: 'real-mp-secret',
      WECHAT_OA_APP_ID: 'wx5678', WECHAT_OA_TOKEN: 'realtoken123', WECHAT_OA_AES_KEY: 'B'.repeat(43), WECHAT_API_BASE: 'https://api.weixin.qq.com',
      WECHAT_OA_APP_SECRET: 'real-oa-secret', WECOM_API_BASE: 'https://qyapi.weixin.qq.com', SMS_API_BASE: 'https://sms.example.gov.cn', SMS_API_KEY: 'real-sms-key',
      PUBLIC_BASE_URL: 'https://cg.example.gov.cn',
    };
    expect(() => loadConfig(prod)).not.toThrow();
    const cases: [string, string][] = [
      ['AUTH_SECRET', SANDBOX_DEFAULTS.authSecret], ['WECHAT_MP_APP_SECRET', SANDBOX_DEFAULTS.mpAppSecret], ['WECHAT_OA_TOKEN', SANDBOX_DEFAULTS.oaToken],
      ['WECHAT_OA_AES_KEY', SANDBOX_DEFAULTS.oaAesKey], ['WECHAT_OA_APP_SECRET', SANDBOX_DEFAULTS.oaAppSecret], ['SMS_API_KEY', SANDBOX_DEFAULTS.smsApiKey],
      ['WECOM_SECRET', SANDBOX_DEFAULTS.wecomSecret], ['CHANNEL_12345_SECRET', 'sandbox-channel-12345-secret-not-a-real-secret'],
    ];
    for (const [name, value] of cases) expect(() => loadConfig({ ...prod, [name]: value })).toThrow(new RegExp(`${name} still has its sandbox default`));
    // With the sandbox on, the defaults are what it runs on.
    expect(() => loadConfig({ AUTH_SECRET: SANDBOX_DEFAULTS.authSecret })).not.toThrow();
    expect(() => loadConfig({ ...prod, CORS_ORIGINS: 'https://a.example/path' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('the dependency audit (test/audit-deps.mjs)', () => {
  it('fails on an unexcused high advisory, excuses one with a reason until its date, and flags an expired exception', async () => {
    // @ts-expect-error plain ESM script without types
    const { judge } = (await import('../audit-deps.mjs')) as { judge: (r: unknown, e: unknown[], today?: string) => { unexcused: { id: string }[]; excused: { id: string }[]; problems: string[] } };
    const report = {
      vulnerabilities: {
        koa: { severity: 'high', via: [{ source: 1, name: 'koa', title: 'open redirect', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'high' }] },
        'koa-body': { severity: 'high', via: ['koa'] },
        lodash: { severity: 'moderate', via: [{ source: 2, name: 'lodash', title: 'x', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'moderate' }] },
      },
    };
    expect(judge(report, [], '2026-12-03').unexcused.map((a) => a.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    const excuse = { advisory: 'GHSA-aaaa-bbbb-cccc', reason: 'FineCity never calls ctx.redirect with client input', until: '2027-01-31' };
    expect(judge(report, [excuse], '2026-12-03')).toEqual({ unexcused: [], excused: [expect.objectContaining({ id: 'GHSA-aaaa-bbbb-cccc' })], problems: [] });
    const late = judge(report, [excuse], '2027-02-01');
    expect(late.unexcused).toHaveLength(1);
    expect(late.problems[0]).toMatch(/expired/);
    expect(judge(report, [{ advisory: 'GHSA-aaaa-bbbb-cccc', until: '2027-01-31' }], '2026-12-03').problems[0]).toMatch(/reason/);
  });
});
