// Issue 13, item 3: the public list, map data and case page show registered cases with no personal data;
// photos only once district staff published them (permission photo.publish); anonymous reports at street
// level; answers carry an ETag and are rate-limited.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { CaseDto, PublicCaseDto, PublicCaseListDto, PublicDistrictsDto, PublicMapDto, SandboxAccount } from '@finecity/types';
import { rowsOf } from '../../server/src/adapters/postgres/case-repository.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let resident: Session;
let dispatcher: Session;
let otherDispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
let named: CaseDto;
let anonymous: CaseDto;
let unregistered: CaseDto;
let rejected: CaseDto;

const DESCRIPTION = '人行道上的井盖松动了，踩上去会响';

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const district = grid.orgNodeCode!.slice(0, 6);
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === district));
  otherDispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode !== district));
  inspector = await as(h, grid);
  named = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng!, description: DESCRIPTION });
  anonymous = await reportOk(h, resident, { lat: grid.lat! + 0.0003, lng: grid.lng!, anonymous: true, description: '匿名反映：路灯不亮' });
  unregistered = await reportOk(h, resident, { lat: grid.lat! + 0.0004, lng: grid.lng!, description: '刚刚上报，尚未受理' });
  rejected = await reportOk(h, resident, { lat: grid.lat! + 0.0005, lng: grid.lng!, description: '不属于城管问题' });
  for (const c of [named, anonymous]) await actOk(h, dispatcher, c.id, 'register');
  await actOk(h, dispatcher, rejected.id, 'reject', { note: '不属于城市管理问题' });
});
afterAll(async () => {
  await h?.close();
});

const list = async (q: Record<string, string> = {}) => (await h.request.get('/api/v1/public/cases').query(q)).body as PublicCaseListDto;

describe('the public list, map and case page', () => {
  it('lists registered cases only, with public fields and no personal data', async () => {
    const body = await list();
    const ids = body.items.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([named.id, anonymous.id]));
    expect(ids).not.toContain(unregistered.id);
    expect(ids).not.toContain(rejected.id);
    const item = body.items.find((x) => x.id === named.id)!;
    expect(Object.keys(item).sort()).toEqual(['category', 'id', 'open', 'place', 'point', 'reportedAt', 'statusText', 'thumbUrl']);
    expect(item).toMatchObject({ open: true, statusText: '已受理', thumbUrl: null });
    expect(item.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    const text = JSON.stringify(body);
    for (const secret of [resident.account.openid, resident.account.name, DESCRIPTION, named.caseNo]) expect(text).not.toContain(secret);
  });

  it('shows an anonymous report at street level and a named one to the community', async () => {
    const body = await list();
    const a = body.items.find((x) => x.id === anonymous.id)!;
    const n = body.items.find((x) => x.id === named.id)!;
    expect(n.place.split(' ').length).toBe(3); // district, street, community
    expect(a.place.split(' ').length).toBe(2); // district, street
    expect(n.place.startsWith(a.place)).toBe(true);
    expect(n.point).toEqual({ lat: Math.round(grid.lat! * 1e4) / 1e4, lng: Math.round(grid.lng! * 1e4) / 1e4 });
    expect(a.point).not.toEqual({ lat: Math.round((grid.lat! + 0.0003) * 1e4) / 1e4, lng: Math.round(grid.lng! * 1e4) / 1e4 });
  });

  it('filters by category, status, district and date, and pages', async () => {
    const district = grid.orgNodeCode!.slice(0, 6);
    expect((await list({ districtCode: district })).items.length).toBeGreaterThanOrEqual(2);
    expect((await list({ districtCode: '210299' })).total).toBe(0);
    expect((await list({})).totalCapped).toBe(false); // counted exactly below 10,000
    expect((await list({ status: 'closed' })).items.map((x) => x.id)).not.toContain(named.id);
    expect((await list({ categoryCode: '06010' })).items.every((x) => x.category.code === '06010')).toBe(true);
    expect((await list({ from: '2000-01-01', to: '2000-01-31' })).total).toBe(0);
    const paged = await list({ pageSize: '1', page: '2' });
    expect(paged).toMatchObject({ page: 2, pageSize: 1 });
    expect(paged.items).toHaveLength(1);
    const map = (await h.request.get('/api/v1/public/map').query({ districtCode: district })).body as PublicMapDto;
    expect(map.truncated).toBe(false);
    expect(map.points.map((p) => p.id)).toEqual(expect.arrayContaining([named.id, anonymous.id]));
    expect(Object.keys(map.points[0]!).sort()).toEqual(['categoryName', 'id', 'lat', 'lng', 'open']);
  });

  it('publishes a photo only when district staff say so', async () => {
    const photoId = named.photos![0]!.id;
    const page = async () => (await h.request.get(`/api/v1/public/cases/${named.id}`)).body as PublicCaseDto;
    expect((await page()).photos).toEqual([]);
    const publish = (s: Session, published: unknown, caseId = named.id, photo = photoId) =>
      h.request.post(`/api/v1/cases/${caseId}/photos/${photo}/publish`).set(auth(s)).send({ published });
    expect((await publish(inspector, true)).status).toBe(403);
    expect((await publish(otherDispatcher, true)).status).toBe(404);
    expect((await publish(resident, true)).status).toBe(403);
    expect((await publish(dispatcher, 'yes')).status).toBe(400);
    expect((await publish(dispatcher, true, named.id, anonymous.photos![0]!.id)).status).toBe(404); // another case's photo
    // The staff's case view says who may publish and what is public; residents never see the flag.
    const staffView = async (s: Session) => (await h.request.get(`/api/v1/cases/${named.id}`).set(auth(s))).body.case as CaseDto;
    expect((await staffView(dispatcher)).canPublishPhotos).toBe(true);
    expect((await staffView(inspector)).canPublishPhotos).toBeUndefined();
    expect((await staffView(dispatcher)).photos![0]!.published).toBe(false);
    expect((await publish(dispatcher, true)).body).toEqual({ photoId, published: true });
    expect((await staffView(dispatcher)).photos![0]!.published).toBe(true);
    expect((await staffView(resident)).photos![0]).not.toHaveProperty('published');
    const shown = await page();
    expect(shown.photos).toHaveLength(1);
    expect(shown.photos[0]!.kind).toBe('before');
    expect(shown.thumbUrl).toBe(shown.photos[0]!.thumbUrl);
    const img = await h.request.get(shown.photos[0]!.url.replace(/^https?:\/\/[^/]+/, ''));
    expect(img.status).toBe(200);
    expect(shown.description).toBe(DESCRIPTION);
    expect(shown.timeline.map((s) => s.title)).toEqual(['已收到', '受理']);
    expect(JSON.stringify(shown)).not.toContain(resident.account.openid);
    expect((await publish(dispatcher, false)).status).toBe(200);
    expect((await page()).photos).toEqual([]);
    const audit = rowsOf<{ action: string; actor_role: string; entity_id: string }>(await h.database.db.execute(sql`
      select action, actor_role, entity_id from audit_log where action like 'photo.%' order by id`));
    expect(audit).toEqual([
      { action: 'photo.publish', actor_role: 'district', entity_id: named.id },
      { action: 'photo.unpublish', actor_role: 'district', entity_id: named.id },
    ]);
  });

  it('lists the districts and pilot zones for the filter, and filters by a pilot zone', async () => {
    const res = await h.request.get('/api/v1/public/districts');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBeTruthy();
    const { districts } = res.body as PublicDistrictsDto;
    expect(districts).toContainEqual({ code: grid.orgNodeCode!.slice(0, 6), name: '中山区' });
    expect(districts.every((d) => Object.keys(d).sort().join() === 'code,name')).toBe(true);
    // Areas only: no city departments or squads, which hang under the city and the districts too.
    expect(districts.every((d) => /^(\d{6}|PZ-[A-Z]+)$/.test(d.code))).toBe(true);
    const zone = districts.find((d) => d.code.startsWith('PZ-'))!;
    expect(zone.name).toMatch(/区$/);
    const none = await h.request.get('/api/v1/public/cases').query({ districtCode: zone.code });
    expect(none.status).toBe(200);
    expect((none.body as PublicCaseListDto).items.map((x) => x.id)).not.toContain(named.id);
  });

  it('answers unregistered, rejected and unknown cases with 404 and bad ids with 400', async () => {
    for (const c of [unregistered, rejected]) expect((await h.request.get(`/api/v1/public/cases/${c.id}`)).status).toBe(404);
    expect((await h.request.get('/api/v1/public/cases/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await h.request.get('/api/v1/public/cases/x')).status).toBe(400);
    for (const q of [{ status: 'all' }, { from: '2026-02-30' }, { districtCode: '21' }, { districtCode: 'DEPT-CG' }, { pageSize: '500' }, { from: '2026-12-02', to: '2026-12-01' }]) {
      expect((await h.request.get('/api/v1/public/cases').query(q)).status).toBe(400);
    }
  });

  it('answers a revalidation with 304 from its ETag, and a flood with 429', async () => {
    const first = await h.request.get('/api/v1/public/cases');
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    const again = await h.request.get('/api/v1/public/cases').set('If-None-Match', first.headers.etag!);
    expect(again.status).toBe(304);
    const statuses: number[] = [];
    for (let i = 0; i < 130; i++) statuses.push((await h.request.get(`/api/v1/public/cases/${named.id}`)).status);
    expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
    expect(statuses).toContain(429);
    const refused = await h.request.get('/api/v1/public/cases');
    expect(refused.status).toBe(429);
    // What is left of the minute's window: whole seconds, at most the window.
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.body.error.code).toBe('rate_limited');
  });
});
