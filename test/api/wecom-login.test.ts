import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { AuthOptionsDto, SandboxAccount } from '@finecity/types';
import { users } from '../../server/src/adapters/postgres/schema.js';
import { SANDBOX_DEFAULTS } from '../../server/src/config.js';
import { createApp } from '../../server/src/http/app.js';
import { pick } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// WeCom web sign-in for the H5 console, end to end through the sandbox's OAuth page and its
// cgi-bin/gettoken + cgi-bin/auth/getuserinfo.
let h: Harness;
let server: http.Server;
let serverUrl: string;
let dispatcher: SandboxAccount;
let leader: SandboxAccount;
let invited: SandboxAccount;
let gone: SandboxAccount;

const setUser = (openid: string, values: Partial<typeof users.$inferInsert>) => h.database.db.update(users).set(values).where(eq(users.openid, openid));
const wecomLogin = (code: unknown) => h.request.post('/api/v1/auth/wecom').send({ code });

beforeAll(async () => {
  h = await startHarness();
  dispatcher = pick(h, 'district');
  leader = pick(h, 'leader');
  invited = pick(h, 'street');
  gone = pick(h, 'community');
  await setUser(dispatcher.openid, { wecomUserid: 'ZhangWei' });
  await setUser(leader.openid, { wecomUserid: 'li.na@dl' });
  await setUser(invited.openid, { wecomUserid: 'WangFang', status: 'invited' });
  await setUser(gone.openid, { wecomUserid: 'ZhaoLei', status: 'deactivated', deactivatedAt: new Date() });
  // The sandbox's OAuth page reads the staff list from the FineCity server the browser returns to.
  server = http.createServer(createApp(h.deps, { sandboxBase: () => h.sandboxUrl }).callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await h?.close();
});

describe('WeCom sign-in', () => {
  it('offers WeCom on the login page while the sandbox stands in for it', async () => {
    const res = await h.request.get('/api/v1/auth/options');
    expect(res.status).toBe(200);
    const o = res.body as AuthOptionsDto;
    expect(o).toEqual({ sandbox: true, wecom: { authorizeUrl: `${h.sandboxUrl}/wecom/connect/oauth2/authorize`, corpId: SANDBOX_DEFAULTS.wecomCorpId, agentId: SANDBOX_DEFAULTS.wecomAgentId } });
  });

  it('signs a staff member in through the sandbox OAuth page', async () => {
    const redirect = `${serverUrl}/#/pages/login/index`;
    const authorize = new URL(`${h.sandboxUrl}/wecom/connect/oauth2/authorize`);
    authorize.search = new URLSearchParams({ appid: SANDBOX_DEFAULTS.wecomCorpId, redirect_uri: redirect, response_type: 'code', scope: 'snsapi_base', state: 's1', agentid: SANDBOX_DEFAULTS.wecomAgentId }).toString();
    const page = await fetch(authorize);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('企业微信授权登录（沙箱）');
    expect(html).toContain(dispatcher.name);
    expect(html).toContain(invited.name); // invited staff sign in for the first time here
    expect(html).not.toContain(gone.name);
    const href = /href="([^"]*userid=ZhangWei[^"]*)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const click = await fetch(new URL(href, h.sandboxUrl), { redirect: 'manual' });
    expect(click.status).toBe(302);
    const back = new URL(click.headers.get('location')!);
    expect(`${back.origin}${back.pathname}${back.hash}`).toBe(redirect);
    expect(back.searchParams.get('state')).toBe('s1');
    const code = back.searchParams.get('code')!;
    expect(code).toBe('sandbox-wecom:ZhangWei');

    const res = await wecomLogin(code);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: dispatcher.name, roles: ['district'], orgNodeCode: dispatcher.orgNodeCode });
    const me = await h.request.get('/api/v1/me').set('Authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.user.name).toBe(dispatcher.name);
    // The token came through the sandbox's getuserinfo with a token from its gettoken.
    expect(h.sandbox.calls.some((c) => c.path === '/qyapi/cgi-bin/gettoken' && c.query.corpid === SANDBOX_DEFAULTS.wecomCorpId)).toBe(true);
    expect(h.sandbox.calls.some((c) => c.path === '/qyapi/cgi-bin/auth/getuserinfo' && c.query.code === code)).toBe(true);
  });

  it('lists the seeded demo staff under their staff code as WeCom account, and signs one in with it', async () => {
    const city = pick(h, 'city');
    const userid = city.openid.replace(/^staff-/, '');
    const page = await fetch(`${h.sandboxUrl}/wecom/connect/oauth2/authorize?${new URLSearchParams({ appid: SANDBOX_DEFAULTS.wecomCorpId, redirect_uri: `${serverUrl}/`, response_type: 'code', scope: 'snsapi_base', state: 's2' })}`);
    const html = await page.text();
    expect(html).toContain(city.name);
    expect(html).toContain(`账号 ${userid}`);
    // Every demo staff account (not the residents, nor the one deactivated above) is listed.
    const staff = h.accounts.filter((a) => a.role !== 'resident' && a.openid !== gone.openid);
    expect(staff.length).toBeGreaterThan(5);
    for (const a of staff) expect(html).toContain(a.name);
    const res = await wecomLogin(`sandbox-wecom:${userid}`);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ name: city.name, roles: ['city'], orgNodeCode: city.orgNodeCode });
  });

  it('matches a userid as WeCom spells it (a code constructed as the page makes it)', async () => {
    const res = await wecomLogin('sandbox-wecom:li.na@dl');
    expect(res.status).toBe(200);
    expect(res.body.user.name).toBe(leader.name);
  });

  it('activates an invited staff member on first sign-in and audits it as staff.bind', async () => {
    const res = await wecomLogin('sandbox-wecom:WangFang');
    expect(res.status).toBe(200);
    expect(res.body.user.name).toBe(invited.name);
    const [row] = await h.database.db.select({ status: users.status, id: users.id }).from(users).where(eq(users.openid, invited.openid));
    expect(row!.status).toBe('active');
    const { items } = await h.deps.audit.list({ entityType: 'user', entityId: row!.id, page: 1, pageSize: 10 });
    expect(items.filter((i) => i.action === 'staff.bind')).toHaveLength(1);
    expect(items.find((i) => i.action === 'staff.bind')).toMatchObject({ action: 'staff.bind', actorId: row!.id, before: { status: 'invited' }, after: { status: 'active', wecomUserid: 'WangFang' } });
    // A second sign-in binds nothing more; each sign-in is its own auth.login line (staff logins are audited).
    expect((await wecomLogin('sandbox-wecom:WangFang')).status).toBe(200);
    const after = (await h.deps.audit.list({ entityType: 'user', entityId: row!.id, page: 1, pageSize: 10 })).items;
    expect(after.map((i) => i.action).sort()).toEqual(['auth.login', 'auth.login', 'staff.bind']);
    expect(after.find((i) => i.action === 'auth.login')!.after).toEqual({ via: 'wecom', address: expect.any(String) });
  });

  it('refuses an unknown userid, a non-member, a deactivated member and a bad code', async () => {
    const unknown = await wecomLogin('sandbox-wecom:nobody');
    expect(unknown.status).toBe(403);
    expect(unknown.body.error.code).toBe('auth.wecom_not_member');
    expect(unknown.body.error.message).toContain('联系管理员');
    const outsider = await wecomLogin('sandbox-wecom-openid:oOutsider123');
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('auth.wecom_not_member');
    const deactivated = await wecomLogin('sandbox-wecom:ZhaoLei');
    expect(deactivated.status).toBe(403);
    expect(deactivated.body.error.code).toBe('auth.wecom_user_deactivated');
    const bad = await wecomLogin('not-a-wecom-code');
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('auth.wecom_code_invalid');
    expect((await wecomLogin('')).status).toBe(400);
    expect((await h.request.post('/api/v1/auth/wecom').send({})).status).toBe(400);
  });

  it('shows a Chinese error page for a bad authorize request', async () => {
    const res = await fetch(`${h.sandboxUrl}/wecom/connect/oauth2/authorize?appid=wrong&redirect_uri=${encodeURIComponent(serverUrl)}&response_type=code&scope=snsapi_base`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('appid 不是本企业的 CorpID');
  });
});
