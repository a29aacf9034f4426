// Issue 13, item 2: "someone already reported this". GET /api/v1/cases/nearby lists open cases of the
// category within the duplicate rule's distance and window (config/rules.json: 50 m, 72 h) with public fields
// only; POST /api/v1/cases/:id/follow (我也遇到) follows a case and counts one supporter, idempotently.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { CaseDto, NearbyDto, SandboxAccount } from '@finecity/types';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let first: Session;
let second: Session;
let third: Session;
let dispatcher: Session;
let grid: SandboxAccount;
const clock = new TestClock(new Date('2026-11-25T02:00:00Z'));

beforeAll(async () => {
  h = await startHarness({ clock });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  first = await as(h, residents[0]!);
  second = await as(h, residents[1]!);
  third = await as(h, residents[2]!);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

/** A point `north` metres north of the grid's centroid. */
const north = (m: number) => ({ lat: grid.lat! + m / 111_195, lng: grid.lng! });
const nearby = (s: Session, q: Record<string, string | number>) => h.request.get('/api/v1/cases/nearby').query(q).set(auth(s));

describe('GET /api/v1/cases/nearby', () => {
  let near: CaseDto;
  let far: CaseDto;
  let other: CaseDto;

  beforeAll(async () => {
    near = await reportOk(h, first, { ...north(20), categoryCode: '06010', description: '楼下有一堆暴露垃圾，联系电话13800000000' });
    far = await reportOk(h, first, { ...north(120), categoryCode: '06010' });
    other = await reportOk(h, first, { ...north(10), categoryCode: '01010' });
  });

  it('lists open cases of the category within the distance, nearest first, with public fields only', async () => {
    const res = await nearby(second, { ...north(0), categoryCode: '06010' });
    expect(res.status).toBe(200);
    const body = res.body as NearbyDto;
    expect(body.distanceM).toBe(50);
    expect(body.windowHours).toBe(72);
    const ids = body.items.map((x) => x.id);
    expect(ids).toContain(near.id);
    expect(ids).not.toContain(far.id); // 120 m away
    expect(ids).not.toContain(other.id); // another category
    const item = body.items.find((x) => x.id === near.id)!;
    expect(Object.keys(item).sort()).toEqual(['category', 'distanceM', 'following', 'id', 'point', 'state', 'supporters', 'thumbUrl']);
    expect(item.point.lat).toBeCloseTo(north(20).lat, 4);
    expect(item.point.lng).toBeCloseTo(north(20).lng, 4);
    expect(item).toMatchObject({ category: { code: '06010' }, distanceM: 20, state: 'submitted', supporters: 0, following: false, thumbUrl: null });
    // Nothing personal: no description, phone, case number, reporter or place name anywhere in the answer.
    const text = JSON.stringify(body);
    expect(text).not.toContain('13800000000');
    expect(text).not.toContain(near.caseNo);
    expect(text).not.toContain(first.account.openid);
  });

  it('shows the first photo only after staff published it', async () => {
    await h.database.db.execute(sql`update case_photos set published_at = now() where case_id = ${near.id}::uuid`);
    const item = (await nearby(second, { ...north(0), categoryCode: '06010' })).body.items.find((x: { id: string }) => x.id === near.id);
    expect(item.thumbUrl).toMatch(/\/api\/v1\/photos\/[0-9a-f-]+\/thumb\?/);
    const img = await h.request.get(new URL(item.thumbUrl, 'http://x').pathname + new URL(item.thumbUrl, 'http://x').search);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toMatch(/^image\//);
  });

  it('leaves out closed, rejected and merged cases, and those older than the window', async () => {
    const rejected = await reportOk(h, first, { ...north(5), categoryCode: '06010' });
    await actOk(h, dispatcher, rejected.id, 'reject', { note: '重复上报' });
    const merged = await reportOk(h, third, { ...north(6), categoryCode: '06010' });
    await actOk(h, dispatcher, merged.id, 'merge', { intoCaseId: near.id });
    const ids = (await nearby(second, { ...north(0), categoryCode: '06010' })).body.items.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(rejected.id);
    expect(ids).not.toContain(merged.id);
    clock.advanceHours(73);
    try {
      const later = (await nearby(second, { ...north(0), categoryCode: '06010' })).body as NearbyDto;
      expect(later.items.map((x) => x.id)).not.toContain(near.id);
    } finally {
      clock.advanceHours(-73);
    }
  });

  it('answers bad and careless queries with a 4xx', async () => {
    expect((await nearby(second, { lat: 'x', lng: grid.lng!, categoryCode: '06010' })).status).toBe(400);
    expect((await nearby(second, { lat: 91, lng: grid.lng!, categoryCode: '06010' })).status).toBe(400);
    expect((await nearby(second, { ...north(0) })).status).toBe(400);
    expect((await nearby(second, { lat: 31.23, lng: 121.47, categoryCode: '06010' })).status).toBe(422); // Shanghai: outside the service area
    expect((await nearby(second, { ...north(0), categoryCode: '99999' })).status).toBe(422);
    expect((await h.request.get('/api/v1/cases/nearby').query({ ...north(0), categoryCode: '06010' })).status).toBe(401);
  });
});

describe('POST /api/v1/cases/:id/follow (我也遇到)', () => {
  it('follows once, counts one supporter, and leaves the first reporter as the reporter', async () => {
    const c = await reportOk(h, first, { ...north(30), categoryCode: '06011' });
    const a = await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(second));
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ caseId: c.id, following: true, supporters: 1 });
    const again = await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(second));
    expect(again.body.supporters).toBe(1);
    expect((await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(third))).body.supporters).toBe(2);
    // The reporter tapping it on their own case changes nothing.
    expect((await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(first))).body.supporters).toBe(2);
    const around = await nearby(second, { ...north(30), categoryCode: '06011' });
    expect(around.status).toBe(200);
    const listed = around.body.items.find((x: { id: string }) => x.id === c.id);
    expect(listed).toMatchObject({ supporters: 2, following: true });
    // The follower now sees the case among their own, and the reporter is unchanged.
    const mine = await h.request.get('/api/v1/cases').query({ mine: 'true' }).set(auth(second));
    expect(mine.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
    const [row] = (await h.database.db.execute(sql`select reporter_id from cases where id = ${c.id}::uuid`) as unknown as { rows: { reporter_id: string }[] }).rows;
    const [me] = (await h.database.db.execute(sql`select id from users where openid = ${first.account.openid}`) as unknown as { rows: { id: string }[] }).rows;
    expect(row!.reporter_id).toBe(me!.id);
  });

  it('refuses closed or unknown cases and bad ids with a 4xx, writing nothing', async () => {
    const c = await reportOk(h, first, { ...north(40), categoryCode: '06012' });
    await actOk(h, dispatcher, c.id, 'reject', { note: '不属于城市管理问题' });
    const res = await h.request.post(`/api/v1/cases/${c.id}/follow`).set(auth(second));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('case.not_followable');
    const count = (await h.database.db.execute(sql`select count(*)::int as n from case_followers where case_id = ${c.id}::uuid`) as unknown as { rows: { n: number }[] }).rows[0]!.n;
    expect(count).toBe(0);
    expect((await h.request.post('/api/v1/cases/00000000-0000-4000-8000-000000000000/follow').set(auth(second))).status).toBe(404);
    expect((await h.request.post('/api/v1/cases/not-a-case/follow').set(auth(second))).status).toBe(400);
    expect((await h.request.post(`/api/v1/cases/${c.id}/follow`)).status).toBe(401);
  });
});

describe('GET /api/v1/map/place (the pin picker\'s place name)', () => {
  it('names the district, street, community and grid under the pin, without a login', async () => {
    const res = await h.request.get('/api/v1/map/place').query(north(0));
    expect(res.status).toBe(200);
    expect(res.body.gridName).toBeTruthy();
    expect(res.body.label.split(' · ')).toEqual([res.body.districtName, res.body.streetName, res.body.communityName, res.body.gridName]);
    expect(res.body.label).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('refuses a point outside the city with the message a report there gets', async () => {
    const res = await h.request.get('/api/v1/map/place').query({ lat: 39.9042, lng: 116.4074 });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('location.outside_service_area');
    expect(res.body.error.message).toBe('该位置不在大连市服务范围内');
  });

  it('answers 400 for coordinates that are not numbers or out of range, and for unknown fields', async () => {
    for (const q of [{ lat: 'abc', lng: 121.6 }, { lat: 91, lng: 121.6 }, { lat: 38.9 }, { ...north(0), extra: 1 }]) {
      const res = await h.request.get('/api/v1/map/place').query(q);
      expect(res.status).toBe(400);
    }
  });
});
