import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CASE_ACTIONS, ROLES, type SandboxAccount } from '@finecity/types';
import { startHarness, type Harness } from '../support/harness.js';
import { routerRoutes } from '../support/router-routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('the public contract', () => {
  it('answers /healthz with {"status":"ok"}', async () => {
    const res = await h.request.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('publishes an OpenAPI 3.1 document that names exactly the routes the router serves', async () => {
    const res = await h.request.get('/api/v1/openapi.json');
    expect(res.body.openapi).toBe('3.1.0');
    const documented = Object.entries(res.body.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    // The router's own list: one route takes every case action (:action), documented once per action; the
    // Open311 catch-all (405/404 for what the mount does not serve) is no operation of its own.
    const served = routerRoutes(h)
      .filter((r) => !r.startsWith('ALL '))
      .flatMap((r) => (r === 'POST /api/v1/cases/:id/actions/:action' ? CASE_ACTIONS.map((a) => `POST /api/v1/cases/:id/actions/${a}`) : [r]))
      .map((r) => r.replace(/:([A-Za-z]+)/g, '{$1}'))
      .sort();
    expect(served.length).toBeGreaterThan(100);
    expect({ undocumented: served.filter((r) => !documented.includes(r)), notServed: documented.filter((d) => !served.includes(d)) }).toEqual({ undocumented: [], notServed: [] });
    const report = res.body.paths['/api/v1/reports'].post;
    expect(Object.keys(report.requestBody.content)).toEqual(['multipart/form-data']);
    expect(report.requestBody.content['multipart/form-data'].schema.required).toEqual(expect.arrayContaining(['categoryCode', 'lat', 'lng', 'photos']));
  });

  it('lists sandbox accounts for every role, with A and B inspectors of several grids and their centroids', async () => {
    const roles = new Set(h.accounts.map((a) => a.role));
    for (const r of ROLES) expect(roles).toContain(r);
    const inspectors = h.accounts.filter((a) => a.role === 'inspector');
    const grids = new Set(inspectors.map((a) => a.orgNodeCode));
    expect(grids.size).toBeGreaterThanOrEqual(3);
    for (const g of grids) expect(inspectors.filter((a) => a.orgNodeCode === g).map((a) => a.duty).sort()).toEqual(['A', 'B']);
    for (const a of inspectors) {
      expect(a.orgNodeCode).toMatch(/^\d{15}$/);
      expect(a.lat).toBeGreaterThan(38.7);
      expect(a.lng).toBeGreaterThan(121.2);
    }
    const levels = new Set(h.accounts.filter((a) => ['community', 'street', 'district', 'city'].includes(a.role)).map((a: SandboxAccount) => a.role));
    expect(levels.size).toBe(4);
  });

  it('logs a sandbox user in through code2Session and answers with a bearer token', async () => {
    const res = await h.request.post('/api/v1/auth/wechat').send({ code: 'sandbox:resident-02' });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ roles: ['resident'], orgNodeCode: null });
    const me = await h.request.get('/api/v1/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('makes a first-time openid a resident', async () => {
    const res = await h.request.post('/api/v1/auth/wechat').send({ code: 'sandbox:brand-new-user-7' });
    expect(res.body.user.roles).toEqual(['resident']);
  });

  it('maps WeChat login errors to stable codes', async () => {
    const cases: [string, number, string][] = [
      ['not-a-code', 401, 'auth.wechat_code_invalid'],
      ['sandbox-error:40029', 401, 'auth.wechat_code_invalid'],
      ['sandbox-error:40226', 403, 'auth.wechat_user_blocked'],
      ['sandbox-error:45011', 503, 'auth.wechat_unavailable'],
      ['sandbox-error:-1', 503, 'auth.wechat_unavailable'],
    ];
    for (const [code, status, errCode] of cases) {
      const res = await h.request.post('/api/v1/auth/wechat').send({ code });
      expect({ code, status: res.status, err: res.body.error?.code }).toEqual({ code, status, err: errCode });
    }
    const empty = await h.request.post('/api/v1/auth/wechat').send({});
    expect(empty.status).toBe(400);
  });

  it('answers unknown routes and methods in the error shape', async () => {
    const res = await h.request.get('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'not_found', message: expect.any(String) } });
  });

  it('serves the category picker with common categories and confusable hints', async () => {
    const res = await h.request.get('/api/v1/categories');
    expect(res.body.standardRef).toBe('GB/T 47678.5-2026');
    const byCode = new Map(res.body.categories.map((c: { code: string }) => [c.code, c]));
    expect(byCode.size).toBe(250);
    expect(byCode.get('06010')).toMatchObject({ name: '暴露垃圾', common: true, confusableWith: expect.arrayContaining(['06042']) });
  });
});
