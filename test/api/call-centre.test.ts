import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { CaseDto, HotlineCaseDto, HotlineFiledDto, PlaceDto, SandboxAccount, TrackingDto } from '@finecity/types';
import { cases, channelTickets } from '../../server/src/adapters/postgres/schema.js';
import { smallJpeg } from '../support/fixtures.js';
import { actOk, as, auth, getCase, pick, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// The 12319 call centre (issue 11, item 3): an operator files a case for a caller, the caller gets an SMS
// with the case number and a tracking link, and the public tracking page shows status and public replies only.

let h: Harness;
let grid: SandboxAccount;
let operator: Session;
let district: Session;
let resident: Session;

const CALLER = { name: '张三丰', phone: '13812341234' };

interface Filing {
  callerName?: string;
  callerPhone?: string;
  address?: string;
  lat?: number;
  lng?: number;
  description?: string;
  categoryCode?: string;
  photos?: Buffer[];
  key?: string;
}

function file(s: Session, f: Filing) {
  let req = h.request.post('/api/v1/hotline/cases').set(auth(s))
    .field('callerName', f.callerName ?? CALLER.name)
    .field('callerPhone', f.callerPhone ?? CALLER.phone)
    .field('categoryCode', f.categoryCode ?? '06010')
    .field('description', f.description ?? '市民来电：小区门口有暴露垃圾，已堆放两天');
  if (f.address !== undefined) req = req.field('address', f.address);
  if (f.lat !== undefined) req = req.field('lat', String(f.lat));
  if (f.lng !== undefined) req = req.field('lng', String(f.lng));
  if (f.key) req = req.set('Idempotency-Key', f.key);
  (f.photos ?? []).forEach((p, i) => {
    req = req.attach('photos', p, { filename: `p${i}.jpg`, contentType: 'image/jpeg' });
  });
  return req;
}

/** The tracking SMS the sandbox's SMS gateway accepted for this phone, newest last. */
const trackingSms = (phone: string) => h.sandbox.messages({ phone, channel: 'sms' }).filter((m) => m.templateId === 'SMS_HOTLINE_TRACKING' && m.accepted);
const tokenOf = (link: string) => new URL(link.replace('/#/', '/')).searchParams.get('t')!;
const track = (token: string) => h.request.get(`/api/v1/track/${encodeURIComponent(token)}`);

beforeAll(async () => {
  h = await startHarness();
  grid = pick(h, 'inspector');
  operator = await as(h, pick(h, 'hotline'));
  district = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  resident = await as(h, pick(h, 'resident'));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('filing a case at the 12319 console', () => {
  let filed: HotlineFiledDto;
  const key = `hl-${crypto.randomUUID()}`;

  it('files the case for the caller at the pinned point, keeps the caller on the ticket and sends the SMS', async () => {
    const res = await file(operator, { lat: grid.lat!, lng: grid.lng!, address: '中山路 100 号', photos: [await smallJpeg()], key });
    expect(res.status).toBe(201);
    filed = res.body as HotlineFiledDto;
    expect(filed).toMatchObject({ caseNo: expect.stringMatching(/^DL\d{8}-\d{6}$/), replayed: false, locationPending: false, smsSent: true });
    const c = await getCase(h, operator, filed.caseId);
    expect([c.status, c.body.case.source, c.body.case.state, c.body.case.photos.length]).toEqual([200, 'hotline_12319', 'submitted', 1]);
    // The caller's name and phone are on the ticket, never on the case.
    const [ticket] = await h.database.db.select().from(channelTickets).where(eq(channelTickets.caseId, filed.caseId));
    expect(ticket).toMatchObject({ channelId: '12319', origin: 'console', callerName: CALLER.name, callerPhone: CALLER.phone, ticketNo: expect.stringMatching(/^HL-/) });
    expect(ticket!.trackingTokenHash).toMatch(/^[0-9a-f]{64}$/);
    const [row] = await h.database.db.select().from(cases).where(eq(cases.id, filed.caseId));
    expect(JSON.stringify(row)).not.toContain(CALLER.phone);
  });

  it('texts the caller the case number and a link to the public tracking page, in Chinese', async () => {
    const sms = trackingSms(CALLER.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.data!.caseNo).toBe(filed.caseNo);
    expect(sms[0]!.data!.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#\/pages\/track\/index\?t=[A-Za-z0-9_-]{43}$/);
    expect(sms[0]!.content).toContain(filed.caseNo);
    expect(sms[0]!.content).toMatch(/受理/);
    // Only the SHA-256 of the token is stored.
    const token = tokenOf(sms[0]!.data!.link!);
    const [ticket] = await h.database.db.select().from(channelTickets).where(eq(channelTickets.caseId, filed.caseId));
    expect(ticket!.trackingTokenHash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
  });

  it('replays the same Idempotency-Key and body as the same case without a second SMS, and refuses the key with another body', async () => {
    const again = await file(operator, { lat: grid.lat!, lng: grid.lng!, address: '中山路 100 号', photos: [await smallJpeg()], key });
    expect([again.status, again.headers['idempotent-replayed'], again.body.caseId, again.body.replayed, again.body.smsSent]).toEqual([200, 'true', filed.caseId, true, false]);
    expect(trackingSms(CALLER.phone)).toHaveLength(1);
    const other = await file(operator, { lat: grid.lat!, lng: grid.lng!, description: '另一件事', key });
    expect([other.status, other.body.error.code]).toEqual([409, 'channel.ticket_conflict']);
  });

  it('sends an address it cannot place to 待定位, and still texts the caller', async () => {
    const res = await file(operator, { callerName: '李四', callerPhone: '+86 139-0000-1111', address: '某某小区北门外三十米' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ locationPending: true, smsSent: true });
    expect(trackingSms('13900001111')).toHaveLength(1);
  });

  it('lists what the operator filed with every caller masked', async () => {
    const res = await h.request.get('/api/v1/hotline/cases').set(auth(operator));
    expect(res.status).toBe(200);
    const items = res.body.items as HotlineCaseDto[];
    expect(res.body.total).toBe(2);
    expect(items.map((i) => [i.callerName, i.callerPhone, i.locationPending])).toEqual([
      ['李*', '139****1111', true],
      ['张**', '138****1234', false],
    ]);
    expect(items[0]!.place).toBe('位置核实中');
    expect(items[1]!.categoryName).toBeTruthy();
    expect(JSON.stringify(res.body)).not.toMatch(/13812341234|13900001111|张三丰/);
    expect((await h.request.get('/api/v1/hotline/cases?page=2&pageSize=1').set(auth(operator))).body.items).toHaveLength(1);
  });

  it('refuses bad fields with a field list and stores nothing', async () => {
    const bad = await file(operator, { callerPhone: '12345', lat: grid.lat!, lng: grid.lng! });
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'callerPhone']);
    const nowhere = await file(operator, {});
    expect([nowhere.status, nowhere.body.error.details[0].path]).toEqual([400, 'address']);
    const half = await file(operator, { lat: grid.lat! });
    expect([half.status, half.body.error.details[0].path]).toEqual([400, 'lng']);
    expect((await h.request.get('/api/v1/hotline/cases').set(auth(operator))).body.total).toBe(2);
  });

  it('answers 403 to every other role, for filing and for the list', async () => {
    for (const s of [district, resident, await as(h, grid)]) {
      const post = await file(s, { lat: grid.lat!, lng: grid.lng! });
      const list = await h.request.get('/api/v1/hotline/cases').set(auth(s));
      expect([post.status, post.body.error.code, list.status]).toEqual([403, 'auth.forbidden', 403]);
    }
    expect((await h.request.get('/api/v1/hotline/cases')).status).toBe(401);
  });
});

describe('the public tracking page', () => {
  let caseId: string;
  let token: string;

  beforeAll(async () => {
    const res = await file(operator, { callerName: '王五', callerPhone: '13700002222', lat: grid.lat!, lng: grid.lng!, description: '路灯不亮' });
    caseId = (res.body as HotlineFiledDto).caseId;
    token = tokenOf(trackingSms('13700002222')[0]!.data!.link!);
  });

  it('shows the status, category and street without logging in', async () => {
    const res = await track(token);
    expect(res.status).toBe(200);
    const view = res.body as TrackingDto;
    expect(view.statusText).toBe('已收到，等待受理');
    expect(view.timeline.map((s) => s.title)).toEqual(['已收到']);
    expect(view.timeline[0]!.at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(view.place).toMatch(/区 .+街道$/);
    expect(view.replies).toEqual([]);
  });

  it('follows the case through 受理 and 派遣 and shows public replies only: no names, phones or internal notes', async () => {
    h.clock.advanceHours(0.5);
    await actOk(h, district, caseId, 'register');
    h.clock.advanceHours(0.5);
    await actOk(h, district, caseId, 'dispatch', {});
    h.clock.advanceHours(0.5);
    expect((await h.request.post(`/api/v1/cases/${caseId}/comments`).set(auth(district)).send({ body: '内部：需要协调供电公司' })).status).toBe(201);
    h.clock.advanceHours(0.5);
    expect((await h.request.post(`/api/v1/cases/${caseId}/comments`).set(auth(district)).send({ body: '已安排维修，预计明天修复', public: true })).status).toBe(201);
    const res = await track(token);
    const view = res.body as TrackingDto;
    expect(view.statusText).toBe('已派遣，等待处置');
    expect(view.timeline.map((s) => s.title)).toEqual(['已收到', '受理', '派遣']);
    expect(view.replies.map((r) => r.body)).toEqual(['已安排维修，预计明天修复']);
    const text = JSON.stringify(res.body);
    for (const secret of ['王五', '13700002222', '内部', operator.account.name, district.account.name, caseId]) expect(text).not.toContain(secret);
    expect(Object.keys(view).sort()).toEqual(['caseNo', 'categoryName', 'photos', 'place', 'replies', 'statusText', 'timeline']);
    expect(view.photos).toEqual([]);
  });

  it('answers 404 to an unknown or malformed token, the same way', async () => {
    const unknown = await track(crypto.randomBytes(32).toString('base64url'));
    const garbage = await track('not-a-token');
    expect([unknown.status, unknown.body.error.code, garbage.status, garbage.body.error.code]).toEqual([404, 'not_found', 404, 'not_found']);
    expect(unknown.body.error.message).toBe(garbage.body.error.message);
  });
});

describe('picking a place by name', () => {
  it('walks district → street → community → grid with a point for each gridded place', async () => {
    const places = async (parent?: string) => {
      const res = await h.request.get(`/api/v1/places${parent ? `?parent=${parent}` : ''}`).set(auth(operator));
      expect(res.status).toBe(200);
      return res.body.items as PlaceDto[];
    };
    const districts = await places();
    const districtCode = grid.orgNodeCode!.slice(0, 6);
    const d = districts.find((x) => x.code === districtCode)!;
    expect([d.level, d.hasChildren, typeof d.point?.lat]).toEqual(['district', true, 'number']);
    const streets = await places(d.code);
    const street = streets.find((x) => grid.orgNodeCode!.startsWith(x.code))!;
    const communities = await places(street.code);
    const community = communities.find((x) => grid.orgNodeCode!.startsWith(x.code))!;
    const grids = await places(community.code);
    const g = grids.find((x) => x.code === grid.orgNodeCode)!;
    expect([street.level, community.level, g.level, g.hasChildren]).toEqual(['street', 'community', 'grid', false]);
    // A grid's point lies in that grid: filed there, the case lands in it.
    const res = await file(operator, { callerName: '赵六', callerPhone: '13600003333', lat: g.point!.lat, lng: g.point!.lng });
    const c = await getCase(h, operator, (res.body as HotlineFiledDto).caseId);
    expect((c.body.case as CaseDto).grid?.code).toBe(grid.orgNodeCode);
  });

  it('is for the call centre and the platforms only, and answers 404 to an unknown place', async () => {
    expect((await h.request.get('/api/v1/places').set(auth(resident))).status).toBe(403);
    expect((await h.request.get('/api/v1/places').set(auth(district))).status).toBe(200);
    const unknown = await h.request.get('/api/v1/places?parent=999999').set(auth(operator));
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'org.not_found']);
  });
});
