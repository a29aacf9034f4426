// Issue 13, item 5: a resident's own data (GET /api/v1/me/data) and 注销 (POST /api/v1/me/delete): the
// identity, subscriptions and follows are gone, the cases stay anonymised with their photos, and the token
// answers 401 at once. Staff cannot close their own records.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { MyDataDto, SandboxAccount } from '@finecity/types';
import { rowsOf } from '../../server/src/adapters/postgres/case-repository.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let resident: Session;
let other: Session;
let dispatcher: Session;
let grid: SandboxAccount;

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  resident = await as(h, residents[0]!);
  other = await as(h, residents[1]!);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

const one = async <T>(q: ReturnType<typeof sql>): Promise<T | undefined> => rowsOf<T>(await h.database.db.execute(q))[0];

describe('the resident\'s own data and 注销', () => {
  let mine: string;
  let followed: string;

  beforeAll(async () => {
    await h.request.post('/api/v1/subscriptions').set(auth(resident)).send({ results: { 'sbx-sub-case-progress': 'accept' } }).expect(200);
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng!, description: '小区门口井盖破损，晚上很危险' });
    mine = c.id;
    await actOk(h, dispatcher, c.id, 'register');
    const theirs = await reportOk(h, other, { lat: grid.lat! + 0.0002, lng: grid.lng!, categoryCode: '06010' });
    followed = theirs.id;
    await h.request.post(`/api/v1/cases/${theirs.id}/follow`).set(auth(resident)).expect(200);
    await h.request.post(`/api/v1/cases/${c.id}/comments`).set(auth(resident)).send({ body: '今天又看了一下，还是没修' });
  });

  it('exports the resident\'s account, subscriptions, points, reports, follows and comments in Beijing time', async () => {
    const res = await h.request.get('/api/v1/me/data').set(auth(resident));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const d = res.body as MyDataDto;
    expect(d.account.name).toBeTruthy();
    expect(d.subscriptions).toEqual([{ template: expect.any(String), credits: expect.any(Number), longTerm: false }]);
    // The 积分 its registered report earned, and the list preference.
    expect(d.points.listed).toBe(true);
    expect(d.points.entries.map((e) => e.kind).sort()).toEqual(['first_finder', 'registered']);
    expect(d.points.entries[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(d.reports.map((r) => r.description)).toContain('小区门口井盖破损，晚上很危险');
    expect(d.reports[0]).toMatchObject({ state: 'registered', category: expect.any(String) });
    expect(d.following).toHaveLength(1);
    expect(d.reports[0]!.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(JSON.stringify(d)).not.toMatch(/T\d{2}:\d{2}:\d{2}(\.\d+)?Z/); // no ISO instants
  });

  it('closes the account: identity and subscriptions gone, cases kept without the link, token refused at once', async () => {
    const [me] = rowsOf<{ id: string }>(await h.database.db.execute(sql`select id from users where openid = ${resident.account.openid}`));
    expect((await h.request.post('/api/v1/me/delete').set(auth(resident)).send({})).status).toBe(400);
    const res = await h.request.post('/api/v1/me/delete').set(auth(resident)).send({ confirm: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ deleted: true, reportsKept: 1 });

    const user = await one<{ name: string; openid: string | null; mobile: string | null; status: string }>(sql`select name, openid, mobile, status from users where id = ${me!.id}::uuid`);
    expect(user).toEqual({ name: '已注销用户', openid: null, mobile: null, status: 'deleted' });
    expect((await one<{ n: number }>(sql`select count(*)::int as n from subscription_credits where user_id = ${me!.id}::uuid`))!.n).toBe(0);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from case_followers where user_id = ${me!.id}::uuid`))!.n).toBe(0);
    const kept = await one<{ reporter_id: string | null; description: string; photos: number }>(sql`
      select reporter_id, description, (select count(*)::int from case_photos p where p.case_id = c.id) as photos from cases c where id = ${mine}::uuid`);
    expect(kept).toEqual({ reporter_id: null, description: '小区门口井盖破损，晚上很危险', photos: 1 });
    // The case they followed lost its follower, not its own reporter.
    expect((await one<{ reporter_id: string | null }>(sql`select reporter_id from cases where id = ${followed}::uuid`))!.reporter_id).not.toBeNull();

    // The token is refused on the very next request, and again.
    for (const path of ['/api/v1/me', '/api/v1/me/data']) {
      const r = await h.request.get(path).set(auth(resident));
      expect(r.status).toBe(401);
    }
    // The staff still see and work the case, with no name on it.
    const seen = await h.request.get(`/api/v1/cases/${mine}`).set(auth(dispatcher));
    expect(seen.status).toBe(200);
    expect(JSON.stringify(seen.body)).not.toContain(resident.account.openid);

    // The same WeChat user signing in again starts a new, empty resident account.
    const again = await h.login(resident.account.code);
    expect(again.user.id).not.toBe(me!.id);
    const fresh = await h.request.get('/api/v1/me/data').set({ Authorization: `Bearer ${again.token}` });
    expect(fresh.body.reports).toEqual([]);
  });

  it('refuses staff and careless requests with a 4xx', async () => {
    expect((await h.request.get('/api/v1/me/data').set(auth(dispatcher))).status).toBe(403);
    expect((await h.request.post('/api/v1/me/delete').set(auth(dispatcher)).send({ confirm: true })).status).toBe(403);
    expect((await h.request.post('/api/v1/me/delete').set(auth(other)).send({ confirm: 'yes' })).status).toBe(400);
    expect((await h.request.post('/api/v1/me/delete').set(auth(other)).set('content-type', 'text/plain').send('confirm')).status).toBe(415);
    expect((await h.request.get('/api/v1/me/data')).status).toBe(401);
  });
});
