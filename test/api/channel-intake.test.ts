import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import type { CaseDto, ChannelTicket } from '@finecity/types';
import { UNCLASSIFIED_CATEGORY } from '@finecity/types';
import { guardedFetcher } from '../../server/src/adapters/http-fetch/attachment-fetcher.js';
import { channelTickets, companies } from '../../server/src/adapters/postgres/schema.js';
import { wgs84ToBd09, wgs84ToGcj02 } from '../../server/src/domain/coords.js';
import { signPayload } from '../../server/src/usecases/channels/signing.js';
import { smallJpeg, textFile } from '../support/fixtures.js';
import { actOk, act, as, auth, getCase, pick, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// Signed partner intake (issue 11, item 1): 12345, 12319, 民意网, 民心网 and companies' systems post signed
// tickets; each becomes a case, idempotent on (channel, ticketNo), located by point, address or a dispatcher.

let h: Harness;
let city: Session;
let files: http.Server;
let filesUrl: string;
/** Requests the partner's file host has answered. */
let fetches = 0;
let jpeg: Buffer;

const secretOf = (channelId: string) => `sandbox-channel-${channelId}-secret-not-a-real-secret`;
const nowS = () => String(Math.floor(h.clock.now().getTime() / 1000));
let nonceSeq = 0;
const freshNonce = () => `n-${process.pid}-${++nonceSeq}-${crypto.randomBytes(4).toString('hex')}`;

interface SendOpts {
  timestamp?: string;
  nonce?: string;
  signature?: string;
  secret?: string;
  omit?: 'X-Signature' | 'X-Timestamp' | 'X-Nonce';
}

function send(channelId: string, body: ChannelTicket | string, o: SendOpts = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = o.timestamp ?? nowS();
  const nonce = o.nonce ?? freshNonce();
  const signature = o.signature ?? signPayload(o.secret ?? secretOf(channelId), timestamp, nonce, raw);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature };
  if (o.omit) delete headers[o.omit];
  return h.request.post(`/api/v1/channels/${channelId}/tickets`).set(headers).send(raw);
}

let ticketSeq = 0;
function ticket(over: Partial<ChannelTicket> = {}): ChannelTicket {
  return {
    ticketNo: `T${process.pid}-${++ticketSeq}`,
    receivedAt: '2026-11-25T09:30:00+08:00',
    content: '市民来电反映：路边有暴露垃圾，已两天无人清理',
    categoryText: '城市管理/市容环境/暴露垃圾',
    ...over,
  };
}

/** A grid whose centroid the locator places in that grid (the test's reference points). */
function gridWithCentroid(districtCode: string): { code: string; lat: number; lng: number; streetCode: string } {
  for (const n of h.deps.policy.orgTree) {
    if (n.level !== 'grid' || !n.centroid || !n.code.startsWith(districtCode)) continue;
    const at = h.deps.locator.locate(n.centroid.lat, n.centroid.lng);
    if (at?.gridCode === n.code) return { code: n.code, ...n.centroid, streetCode: at.streetCode! };
  }
  throw new Error(`no grid in ${districtCode}`);
}

async function caseOf(id: string): Promise<CaseDto> {
  const res = await getCase(h, city, id);
  expect(res.status).toBe(200);
  return res.body.case as CaseDto;
}

beforeAll(async () => {
  // The partner's file host: a real HTTP server on 127.0.0.1, allowed through the SSRF check for this file only.
  jpeg = await smallJpeg({ width: 120, height: 90 });
  const big = Buffer.alloc(11 * 1024 * 1024, 0xff);
  files = http.createServer((req, res) => {
    fetches++;
    if (req.url === '/photo.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
    else if (req.url === '/big.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(big);
    else if (req.url === '/note.txt') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(textFile());
    else if (req.url === '/to-metadata') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  h = await startHarness({ env: { CHANNEL_FETCH_ALLOW_HOSTS: '127.0.0.1' } });
  city = await as(h, pick(h, 'city'));
}, 120_000);

afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => files?.close(() => resolve()));
});

describe('a signed ticket', () => {
  it('becomes a case (201) with the channel as its source, the mapped category and the grid of its point; the caller stays on the ticket', async () => {
    const g = gridWithCentroid('210202');
    const t = ticket({ lat: g.lat, lng: g.lng, callerName: '李四', callerPhone: '13900001111', urgent: false });
    const res = await send('12345', t);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ caseId: expect.any(String), caseNo: expect.stringMatching(/^DL\d{8}-\d{6}$/) });
    const c = await caseOf(res.body.caseId);
    expect(c).toMatchObject({ source: 'hotline_12345', state: 'submitted', category: { code: '06010', name: '暴露垃圾' }, locationPending: false, grid: { code: g.code } });
    expect(c.events?.[0]).toMatchObject({ action: 'submit', actor: { id: null, role: 'channel' } });
    const [row] = await h.database.db.select().from(channelTickets).where(eq(channelTickets.caseId, res.body.caseId));
    expect(row).toMatchObject({ channelId: '12345', ticketNo: t.ticketNo, origin: 'partner', callerName: '李四', callerPhone: '13900001111' });
    expect(JSON.stringify(c)).not.toContain('13900001111');
  });

  it('answers a replay (same body, any key order or spacing, new nonce) with the same case (200), and the same number with another body with 409', async () => {
    const t = ticket({ address: '大连市中山区人民路街道' });
    const first = await send('12319', t);
    expect(first.status).toBe(201);
    const again = await send('12319', t);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const reordered = `{ "content": ${JSON.stringify(t.content)}, "receivedAt": "${t.receivedAt}",\n  "ticketNo": "${t.ticketNo}", "categoryText": ${JSON.stringify(t.categoryText)}, "address": ${JSON.stringify(t.address)} }`;
    const spaced = await send('12319', reordered);
    expect(spaced.status).toBe(200);
    expect(spaced.body.caseId).toBe(first.body.caseId);
    const other = await send('12319', { ...t, content: '另一份工单内容' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('channel.ticket_conflict');
    // The same number on another channel is another ticket.
    expect((await send('minyi', t)).status).toBe(201);
  });

  it('is refused (401) with a bad or missing signature, a stale timestamp or a reused nonce', async () => {
    const bad = await send('12345', ticket(), { secret: 'not-the-secret-of-this-channel' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('channel.signature_invalid');
    const t = ticket();
    const tampered = await send('12345', t, { signature: signPayload(secretOf('12345'), nowS(), 'nonce-abcdefgh', JSON.stringify({ ...t, content: '改过的' })), nonce: 'nonce-abcdefgh' });
    expect(tampered.body.error.code).toBe('channel.signature_invalid');
    for (const omit of ['X-Signature', 'X-Timestamp', 'X-Nonce'] as const) {
      const r = await send('12345', ticket(), { omit });
      expect([r.status, r.body.error.code]).toEqual([401, 'channel.signature_missing']);
    }
    const stale = await send('12345', ticket(), { timestamp: String(Number(nowS()) - 301) });
    expect([stale.status, stale.body.error.code]).toEqual([401, 'channel.timestamp_stale']);
    const future = await send('12345', ticket(), { timestamp: String(Number(nowS()) + 301) });
    expect(future.body.error.code).toBe('channel.timestamp_stale');
    expect((await send('12345', ticket(), { timestamp: String(Number(nowS()) - 299) })).status).toBe(201);
    const nonce = freshNonce();
    expect((await send('12345', ticket(), { nonce })).status).toBe(201);
    const reused = await send('12345', ticket(), { nonce });
    expect([reused.status, reused.body.error.code]).toEqual([401, 'channel.nonce_reused']);
    // Ten minutes on, the nonce may come again (with a fresh timestamp).
    h.clock.set(new Date(h.clock.now().getTime() + 601_000));
    expect((await send('12345', ticket(), { nonce })).status).toBe(201);
  });

  it('numbers tickets taken at once without gaps or repeats, a reused nonce among them taking no number', async () => {
    const nonce = freshNonce();
    const g = gridWithCentroid('210202');
    const sent = await Promise.all(Array.from({ length: 24 }, (_, i) => send('12345', ticket({ lat: g.lat, lng: g.lng }), { nonce: i % 8 === 7 ? nonce : freshNonce() })));
    const created = sent.filter((r) => r.status === 201).map((r) => String(r.body.caseNo));
    expect(sent.filter((r) => r.status === 401).map((r) => r.body.error.code)).toEqual(['channel.nonce_reused', 'channel.nonce_reused']);
    expect(created).toHaveLength(22);
    const seqs = created.map((no) => Number(no.slice(-6))).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 22 }, (_, i) => seqs[0]! + i));
    expect(new Set(created.map((no) => no.slice(0, -6))).size).toBe(1);
  });

  it('writes nothing for a reused nonce, spends the nonce of a replay, and fetches no attachment for a reused one', async () => {
    const count = async () => {
      const res = await h.database.db.execute(sql`select (select count(*) from cases)::int as cases, (select coalesce(sum(last), 0) from case_counters)::int as numbers, (select count(*) from outbox)::int as outbox`);
      return ((res as { rows?: unknown[] }).rows ?? (res as unknown as unknown[]))[0];
    };
    const nonce = freshNonce();
    const g = gridWithCentroid('210202');
    const t = ticket({ lat: g.lat, lng: g.lng });
    expect((await send('12345', t, { nonce })).status).toBe(201);
    const before = await count();
    const reused = await send('12345', ticket({ lat: g.lat, lng: g.lng }), { nonce });
    expect([reused.status, reused.body.error.code]).toEqual([401, 'channel.nonce_reused']);
    expect(await count()).toEqual(before); // no case, no number taken, no outbox row
    // A replay (same ticket, new nonce) answers its case and spends its nonce: that nonce cannot come again.
    const replayNonce = freshNonce();
    expect((await send('12345', t, { nonce: replayNonce })).status).toBe(200);
    const again = await send('12345', t, { nonce: replayNonce });
    expect([again.status, again.body.error.code]).toEqual([401, 'channel.nonce_reused']);
    // With attachments the nonce is claimed before anything is fetched.
    const withPhoto = () => ticket({ lat: g.lat, lng: g.lng, attachments: [{ url: `${filesUrl}/photo.jpg` }] });
    const photoNonce = freshNonce();
    expect((await send('12345', withPhoto(), { nonce: photoNonce })).status).toBe(201);
    const fetched = fetches;
    const replayed = await send('12345', withPhoto(), { nonce: photoNonce });
    expect([replayed.status, replayed.body.error.code]).toEqual([401, 'channel.nonce_reused']);
    expect(fetches).toBe(fetched);
    expect(await count()).toMatchObject({ cases: Number((before as { cases: number }).cases) + 1 });
  });

  it('answers 404 for an unknown channel or company, and takes a contracted company\'s finds as third_party', async () => {
    expect((await send('12346', ticket())).status).toBe(404);
    const unknown = await send('tp-nosuchco', ticket());
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'channel.unknown']);
    await h.database.db.insert(companies).values({ id: 'intakeco', name: '大连测试巡查有限公司', contractStart: '2026-01-01', contractEnd: '2026-12-31', createdAt: h.clock.now() }).onConflictDoNothing();
    const g = gridWithCentroid('210203');
    const res = await send('tp-intakeco', ticket({ categoryText: '占道经营', lat: g.lat, lng: g.lng }));
    expect(res.status).toBe(201);
    expect(await caseOf(res.body.caseId)).toMatchObject({ source: 'third_party', category: { code: '09006' }, grid: { code: g.code } });
  });

  it('answers 422 with the fields for a bad body, 400 for broken JSON', async () => {
    const res = await send('12345', JSON.stringify({ ticketNo: '', receivedAt: 'yesterday', content: 'x', lat: 38.9, coordSystem: 'mars' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('channel.ticket_invalid');
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toEqual(expect.arrayContaining(['ticketNo', 'receivedAt', 'coordSystem']));
    const unknownField = await send('12345', JSON.stringify({ ...ticket(), reporterId: 'x' }));
    expect(unknownField.status).toBe(422);
    const broken = await send('12345', '{"ticketNo": ');
    expect([broken.status, broken.body.error.code]).toEqual([400, 'request.malformed_json']);
  });
});

describe('category', () => {
  it('keeps an unmapped category as a case, 待分类, which registration must classify', async () => {
    const g = gridWithCentroid('210202');
    const res = await send('12345', ticket({ categoryText: '其他/咨询类/不属于任何映射', lat: g.lat, lng: g.lng }));
    expect(res.status).toBe(201);
    const c = await caseOf(res.body.caseId);
    expect(c.category).toMatchObject({ code: UNCLASSIFIED_CATEGORY.code, name: '待分类' });
    // A code that names no category is the same as none; a known code wins over the text.
    const byBadCode = await send('12345', ticket({ categoryCode: '99999', categoryText: undefined, lat: g.lat, lng: g.lng }));
    expect((await caseOf(byBadCode.body.caseId)).category.code).toBe(UNCLASSIFIED_CATEGORY.code);
    const byCode = await send('12345', ticket({ categoryCode: '07001', lat: g.lat, lng: g.lng }));
    expect((await caseOf(byCode.body.caseId)).category.code).toBe('07001');
    // Residents never see it in the picker.
    const picker = await h.request.get('/api/v1/categories');
    expect(JSON.stringify(picker.body)).not.toContain(UNCLASSIFIED_CATEGORY.code);

    const unclassified = await act(h, city, c.id, 'register', {});
    expect([unclassified.status, unclassified.body.error.code]).toEqual([422, 'category.unclassified']);
    const disabled = await act(h, city, c.id, 'register', { categoryCode: UNCLASSIFIED_CATEGORY.code });
    expect(disabled.status).toBe(422);
    const registered = await actOk(h, city, c.id, 'register', { categoryCode: '06011' });
    expect(registered).toMatchObject({ state: 'registered', category: { code: '06011', name: '积存垃圾渣土' } });
    expect(registered.events?.at(-1)).toMatchObject({ action: 'register', data: { categoryCode: '06011', fromCategoryCode: UNCLASSIFIED_CATEGORY.code } });
  });
});

describe('location', () => {
  it('converts GCJ-02 and BD-09 points to WGS-84 and lands them in the right grid', async () => {
    const g = gridWithCentroid('210203');
    const gcj = wgs84ToGcj02(g);
    const a = await send('12345', ticket({ lat: gcj.lat, lng: gcj.lng, coordSystem: 'gcj02' }));
    expect(a.status).toBe(201);
    const ca = await caseOf(a.body.caseId);
    expect(ca.grid?.code).toBe(g.code);
    expect(ca.location.lat).toBeCloseTo(g.lat, 6);
    expect(ca.location.lng).toBeCloseTo(g.lng, 6);
    const bd = wgs84ToBd09(g);
    const b = await send('minxin', ticket({ lat: bd.lat, lng: bd.lng, coordSystem: 'bd09', categoryText: '马路市场' }));
    expect(b.status).toBe(201);
    const cb = await caseOf(b.body.caseId);
    expect(cb).toMatchObject({ source: 'minxin', grid: { code: g.code }, category: { code: '09006' } });
    expect(cb.location.lat).toBeCloseTo(g.lat, 6);
  });

  it('matches an address with no point to FineCity\'s own place names', async () => {
    const res = await send('12345', ticket({ address: '辽宁省大连市西岗区香炉礁街道东北路99号门前' }));
    expect(res.status).toBe(201);
    const c = await caseOf(res.body.caseId);
    expect(c).toMatchObject({ locationPending: false, grid: null, street: { code: '210203001', name: '香炉礁街道' }, district: { code: '210203' } });
    expect(c.location.address).toBe('辽宁省大连市西岗区香炉礁街道东北路99号门前');
    expect(c.location.lat).toBeGreaterThan(38.5);
    // The street's dispatcher sees it in their area.
    const street = await as(h, pick(h, 'street', (a) => a.orgNodeCode === '210203001'));
    expect((await getCase(h, street, res.body.caseId)).status).toBe(200);
  });

  it('queues an unmatched address (待定位) until a dispatcher pins it on the map', async () => {
    const res = await send('12345', ticket({ address: '某小区东门对面' }));
    expect(res.status).toBe(201);
    const c = await caseOf(res.body.caseId);
    expect(c).toMatchObject({ locationPending: true, grid: null, district: { level: 'city' } });

    const queue = await h.request.get('/api/v1/cases/unlocated').set(auth(city));
    expect(queue.status).toBe(200);
    const item = (queue.body.items as { caseId: string }[]).find((i) => i.caseId === c.id);
    expect(item).toMatchObject({ caseNo: c.caseNo, content: c.description, address: '某小区东门对面', channel: '12345', channelName: '12345 市长热线', receivedAt: '2026-11-25T01:30:00.000Z' });
    const inspector = await as(h, pick(h, 'inspector'));
    expect((await h.request.get('/api/v1/cases/unlocated').set(auth(inspector))).status).toBe(403);

    const outside = await h.request.post(`/api/v1/cases/${c.id}/locate`).set(auth(city)).send({ lat: 31.23, lng: 121.47 });
    expect([outside.status, outside.body.error.code]).toEqual([422, 'location.outside_service_area']);
    const g = gridWithCentroid('210202');
    const gcj = wgs84ToGcj02(g);
    const pinned = await h.request.post(`/api/v1/cases/${c.id}/locate`).set(auth(city)).send({ lat: gcj.lat, lng: gcj.lng, coordSystem: 'gcj02', note: '按来电人描述定位' });
    expect(pinned.status).toBe(200);
    const after = await caseOf(c.id);
    expect(after).toMatchObject({ locationPending: false, grid: { code: g.code }, street: { code: g.streetCode }, district: { code: '210202' } });
    expect(after.events?.at(-1)).toMatchObject({ action: 'locate', note: '按来电人描述定位', actor: { role: 'city' } });
    const again = await h.request.post(`/api/v1/cases/${c.id}/locate`).set(auth(city)).send({ lat: g.lat, lng: g.lng });
    expect([again.status, again.body.error.code]).toEqual([409, 'case.location_not_pending']);
    const queue2 = await h.request.get('/api/v1/cases/unlocated').set(auth(city));
    expect((queue2.body.items as { caseId: string }[]).map((i) => i.caseId)).not.toContain(c.id);
  });

  it('queues a point outside the service area too', async () => {
    const res = await send('12345', ticket({ lat: 39.9, lng: 116.4 }));
    expect(res.status).toBe(201);
    expect((await caseOf(res.body.caseId)).locationPending).toBe(true);
  });
});

describe('attachments', () => {
  it('fetches URL attachments and decodes base64 ones, processed like mini-program photos', async () => {
    const g = gridWithCentroid('210202');
    const res = await send('12345', ticket({ lat: g.lat, lng: g.lng, attachments: [{ url: `${filesUrl}/photo.jpg` }, { base64: jpeg.toString('base64'), name: 'scene.jpg' }] }));
    expect(res.status).toBe(201);
    const c = await caseOf(res.body.caseId);
    expect(c.photos).toHaveLength(2);
    expect(c.photos?.[0]).toMatchObject({ kind: 'before', width: 120, height: 90 });
  });

  it('refuses (422, naming the attachment) one that is too large, not an image, or on a private address', async () => {
    const g = gridWithCentroid('210202');
    const cases: [ChannelTicket['attachments'], number, string][] = [
      [[{ url: `${filesUrl}/photo.jpg` }, { url: `${filesUrl}/big.jpg` }], 1, 'photo.too_large'],
      [[{ base64: textFile().toString('base64'), name: 'note.jpg' }], 0, 'photo.unsupported_type'],
      [[{ url: `${filesUrl}/note.txt` }], 0, 'photo.unsupported_type'],
      [[{ url: 'http://10.1.2.3/scene.jpg' }], 0, 'attachment.private_address'],
      [[{ url: 'http://169.254.169.254/latest/meta-data/' }], 0, 'attachment.private_address'],
      [[{ url: 'http://[::1]/scene.jpg' }], 0, 'attachment.private_address'],
      [[{ url: `${filesUrl}/to-metadata` }], 0, 'attachment.private_address'],
      [[{ base64: '这不是base64', name: 'x.jpg' }], 0, 'attachment.bad_base64'],
    ];
    for (const [attachments, index, reason] of cases) {
      const res = await send('12345', ticket({ lat: g.lat, lng: g.lng, attachments }));
      expect([res.status, res.body.error?.code, res.body.error?.details]).toEqual([422, 'channel.attachment_invalid', { attachment: index, reason }]);
      expect(res.body.error.message).toContain(`第 ${index + 1} 个附件`);
    }
  });

  it('refuses loopback, private and link-local addresses when no host is allowed', async () => {
    const fetcher = guardedFetcher({ timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 3, allowHosts: [] });
    for (const url of [`${filesUrl}/photo.jpg`, 'http://localhost/x.jpg', 'http://10.0.0.1/x.jpg', 'http://192.168.1.1/x.jpg', 'http://169.254.169.254/x', 'http://[::ffff:127.0.0.1]/x']) {
      await expect(fetcher.fetch(url)).rejects.toMatchObject({ code: 'channel.attachment_invalid', details: { reason: 'attachment.private_address' } });
    }
    await expect(fetcher.fetch('file:///etc/passwd')).rejects.toMatchObject({ details: { reason: 'attachment.bad_scheme' } });
    // The same server is reachable once allowed: the refusal above is the guard, not the network.
    const allowed = guardedFetcher({ timeoutMs: 10_000, maxBytes: 10 * 1024 * 1024, maxRedirects: 3, allowHosts: ['127.0.0.1'] });
    expect((await allowed.fetch(`${filesUrl}/photo.jpg`)).equals(jpeg)).toBe(true);
  });
});

describe('the nonce table', () => {
  it('keeps one row per nonce seen', async () => {
    const rows = await h.database.db.execute(sql`select count(*)::int as n from channel_nonces`);
    const n = Number(((rows as { rows?: { n: number }[] }).rows ?? (rows as unknown as { n: number }[]))[0]!.n);
    expect(n).toBeGreaterThan(5);
  });
});
