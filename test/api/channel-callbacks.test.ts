import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { CaseDto, ChannelCallback, SandboxAccount } from '@finecity/types';
import { cases, channelCallbacks } from '../../server/src/adapters/postgres/schema.js';
import { openChannelCase } from '../../server/src/usecases/channels/open-case.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { act, actOk, as, auth, handleOk, pick, type Session } from '../support/flows.js';
import { control, eventually, queuesIdle } from '../notifications/support.js';
import { smallJpeg } from '../support/fixtures.js';

// Status back to the partner platforms (issue 11, item 2): signed callbacks through the outbox, retried with
// backoff, listed on the console when they keep failing, retried by hand; 退单 with its reason. The sandbox
// plays 12345; 民意网's callback URL is a bare server here, so the test checks the signature itself.

const MINYI_SECRET = 'minyi-test-secret-0123456789abcdef';
let h: Harness;
let grid: SandboxAccount;
let district: Session;
let city: Session;
let inspector: Session;
let resident: Session;
let otherDistrict: Session;
const minyi: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
let minyiServer: http.Server;

const districtOf = (a: SandboxAccount) => a.orgNodeCode!.slice(0, 6);
const at = () => ({ lat: grid.lat!, lng: grid.lng! });
let seq = 0;

beforeAll(async () => {
  minyiServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      minyi.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}');
    });
  });
  await new Promise<void>((r) => minyiServer.listen(0, '127.0.0.1', r));
  const minyiUrl = `http://127.0.0.1:${(minyiServer.address() as AddressInfo).port}/callback`;
  // FineCity's clock at the wall clock's time: partner signatures are checked within ±300 s on both sides.
  h = await startHarness({
    clock: new TestClock(new Date()),
    notifications: {},
    env: { CHANNEL_CALLBACK_ATTEMPTS: '3', CHANNEL_CALLBACK_BACKOFF_MS: '100', CHANNEL_CALLBACK_TIMEOUT_MS: '1000', CHANNEL_MINYI_SECRET: MINYI_SECRET, CHANNEL_MINYI_CALLBACK_URL: minyiUrl },
  });
  grid = pick(h, 'inspector', (a) => a.duty === onDutySlot(h.clock.now()));
  inspector = await as(h, grid);
  district = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtOf(grid)));
  city = await as(h, pick(h, 'city'));
  resident = await as(h, pick(h, 'resident'));
  otherDistrict = await as(h, pick(h, 'district', (a) => a.orgNodeCode !== districtOf(grid)));
}, 120_000);
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => (minyiServer ? minyiServer.close(() => r()) : r()));
});

/** A case that came in from a partner platform, as its intake opens it. */
async function partnerCase(channelId = '12345'): Promise<{ id: string; caseNo: string; ticketNo: string }> {
  const ticketNo = `T${Date.now()}${++seq}`;
  const r = await openChannelCase(h.deps, {
    channelId, origin: 'partner', ticketNo, requestHash: crypto.randomUUID(), source: channelId === 'minyi' ? 'minyi' : 'hotline_12345', reporter: null,
    content: '市民来电：路边垃圾堆积', categoryCode: '06010', point: at(), address: null, caller: { name: '李女士', phone: '13900001111' },
    trackingTokenHash: null, photos: [], urgent: false, receivedAt: h.clock.now(),
  });
  return { id: r.caseId, caseNo: r.caseNo, ticketNo };
}

/** The callbacks the sandbox's 12345 received for a ticket (accepted or refused), oldest first. */
const received = (ticketNo: string) => h.sandbox.messages({ channel: '12345', limit: 10_000 }).filter((m) => m.direction === 'callback' && m.payload?.ticketNo === ticketNo);
const rowsOf = (caseId: string) => h.database.db.select().from(channelCallbacks).where(eq(channelCallbacks.caseId, caseId)).orderBy(channelCallbacks.id);

/**
 * The case's callback rows once none is pending: the partner records a callback before its answer reaches
 * the sender, which only then marks the row sent.
 */
const settledRows = (caseId: string) =>
  eventually(async () => {
    const rows = await rowsOf(caseId);
    return rows.length > 0 && rows.every((r) => r.status !== 'pending') ? rows : undefined;
  }, 20_000, `the callbacks of ${caseId} to settle`);

async function deliveredStatus(ticketNo: string, status: string): Promise<ChannelCallback> {
  const m = await eventually(async () => received(ticketNo).find((x) => x.accepted && x.payload?.status === status), 20_000, `${status} callback of ${ticketNo}`);
  return m.payload as unknown as ChannelCallback;
}

describe('status callbacks to a partner platform', () => {
  it('posts 受理 and 派遣 to the channel, signed with its secret, with the case number and the unit', async () => {
    const c = await partnerCase();
    await actOk(h, district, c.id, 'register');
    const accepted = await deliveredStatus(c.ticketNo, 'accepted');
    expect(accepted).toMatchObject({ ticketNo: c.ticketNo, caseNo: c.caseNo, status: 'accepted' });
    expect(accepted.unit).toBe(h.deps.org.get(districtOf(grid))!.name);
    expect(accepted.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const d = await actOk(h, district, c.id, 'dispatch', {});
    const dispatched = await deliveredStatus(c.ticketNo, 'dispatched');
    expect(dispatched.unit).toBe(d.responsible?.name);
    expect(dispatched.unit).toBeTruthy();
    // The sandbox checked each signature; nothing it received was refused.
    expect(received(c.ticketNo).every((m) => m.accepted)).toBe(true);
    const rows = await settledRows(c.id);
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['sent', 1], ['sent', 1]]);
  });

  it('signs by the partner scheme: hex HMAC-SHA256 of timestamp, nonce and body under the channel secret', async () => {
    const c = await partnerCase('minyi');
    await actOk(h, district, c.id, 'register');
    const got = await eventually(async () => minyi.find((x) => x.raw.includes(c.ticketNo)), 20_000, '民意网 callback');
    const ts = String(got.headers['x-timestamp']);
    const nonce = String(got.headers['x-nonce']);
    const expected = crypto.createHmac('sha256', MINYI_SECRET).update(`${ts}\n${nonce}\n${got.raw}`).digest('hex');
    expect(got.headers['x-signature']).toBe(expected);
    expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(300);
    expect(nonce).toMatch(/^[\x21-\x7e]{8,64}$/);
    expect(JSON.parse(got.raw)).toMatchObject({ ticketNo: c.ticketNo, caseNo: c.caseNo, status: 'accepted' });
  });

  it('retries with backoff when the partner fails, then delivers once', async () => {
    const c = await partnerCase();
    await actOk(h, district, c.id, 'register');
    await deliveredStatus(c.ticketNo, 'accepted');
    await control(h, 'partners/12345/fail', { times: 2, mode: 'error' });
    await actOk(h, district, c.id, 'dispatch', {});
    await deliveredStatus(c.ticketNo, 'dispatched');
    const tries = received(c.ticketNo).filter((m) => m.payload?.status === 'dispatched');
    expect(tries.map((m) => [m.accepted, m.errcode])).toEqual([[false, 'http_500'], [false, 'http_500'], [true, 0]]);
    const row = (await settledRows(c.id)).find((r) => (r.payload as { status: string }).status === 'dispatched')!;
    expect(row).toMatchObject({ status: 'sent', attempts: 3 });
  });

  it('counts a partner that does not answer within the timeout as a failed attempt, and retries', async () => {
    const c = await partnerCase();
    await control(h, 'partners/12345/fail', { times: 1, mode: 'timeout', delayMs: 1500 });
    await actOk(h, district, c.id, 'register');
    await deliveredStatus(c.ticketNo, 'accepted');
    const row = (await settledRows(c.id))[0]!;
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
    expect(received(c.ticketNo).map((m) => m.errcode)).toEqual(['timeout', 0]);
  });

  it('sends 办结 and 结案 as the case is handled and closed', async () => {
    const c = await partnerCase();
    await actOk(h, district, c.id, 'register');
    await actOk(h, district, c.id, 'dispatch', {});
    await actOk(h, inspector, c.id, 'sign', {});
    await handleOk(h, inspector, c.id);
    await actOk(h, district, c.id, 'verify', { passed: true });
    // The unit is the one that held the case at each event: the grid, even once the case moved on.
    const gridName = h.deps.org.get(grid.orgNodeCode!)!.name;
    const handled = await deliveredStatus(c.ticketNo, 'handled');
    const closed = await deliveredStatus(c.ticketNo, 'closed');
    expect(handled.unit).toBe(gridName);
    expect(closed.unit).toBe(gridName);
    // The after-photo, as a signed URL the partner fetches without logging in.
    expect(handled.photos).toHaveLength(1);
    expect(closed.photos).toEqual(handled.photos);
    const url = new URL(handled.photos![0]!);
    expect(url.pathname).toMatch(/^\/api\/v1\/photos\/[0-9a-f-]{36}$/);
    const photo = await h.request.get(url.pathname + url.search);
    expect(photo.status).toBe(200);
    expect(photo.type).toBe('image/jpeg');
  });

  it('sends nothing for a case that did not come from a partner', async () => {
    const res = await h.request.post('/api/v1/reports').set(auth(resident)).field('categoryCode', '06010').field('description', '路边有暴露垃圾')
      .field('lat', String(at().lat)).field('lng', String(at().lng))
      .attach('photos', await smallJpeg(), { filename: 'p.jpg', contentType: 'image/jpeg' });
    const id = (res.body.case as CaseDto).id;
    await actOk(h, district, id, 'register');
    await actOk(h, district, id, 'dispatch', {});
    await queuesIdle(h);
    expect(await rowsOf(id)).toEqual([]);
  });
});

describe('退单 (a partner case rejected back to its channel)', () => {
  it('needs a reason, and sends 退回 with it', async () => {
    const c = await partnerCase();
    // The reason is required of every rejection (the partner's dispute rules read it): none, or blanks, is refused.
    for (const body of [{}, { note: '   ' }]) {
      const bare = await act(h, district, c.id, 'reject', body);
      expect(bare.status).toBe(400);
      expect(bare.body.error).toMatchObject({ code: 'request.invalid', details: [expect.objectContaining({ path: 'note' })] });
    }
    await actOk(h, district, c.id, 'reject', { note: '不属于城市管理范围，请转供电公司' });
    const rejected = await deliveredStatus(c.ticketNo, 'rejected');
    expect(rejected).toMatchObject({ caseNo: c.caseNo, status: 'rejected', note: '不属于城市管理范围，请转供电公司' });
  });
});

describe('callbacks that keep failing', () => {
  it('are listed as failed after the configured attempts, retried by hand, then delivered; a delivered one cannot be retried', async () => {
    const c = await partnerCase();
    await control(h, 'partners/12345/fail', { times: 0, percent: 100, mode: 'error' });
    await actOk(h, district, c.id, 'register');
    const row = await eventually(async () => (await rowsOf(c.id)).find((r) => r.status === 'failed'), 20_000, 'the callback to fail');
    expect(row.attempts).toBe(3);
    expect(row.lastError).toContain('500');

    const list = await h.request.get('/api/v1/channels/callbacks?status=failed').set(auth(district));
    expect(list.status).toBe(200);
    const item = (list.body.items as { id: number }[]).find((i) => i.id === row.id);
    expect(item).toMatchObject({ channelId: '12345', channelName: '12345 市长热线', caseId: c.id, caseNo: c.caseNo, status: 'failed', statusText: '发送失败', attempts: 3, eventText: '受理' });
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    // Another district does not see it; a resident may not look at all.
    const other = await h.request.get('/api/v1/channels/callbacks?status=failed').set(auth(otherDistrict));
    expect((other.body.items as { id: number }[]).some((i) => i.id === row.id)).toBe(false);
    expect((await h.request.get('/api/v1/channels/callbacks').set(auth(resident))).status).toBe(403);
    expect((await h.request.post(`/api/v1/channels/callbacks/${row.id}/retry`).set(auth(otherDistrict))).status).toBe(404);

    await control(h, 'partners/12345/fail', { times: 0, percent: 0 });
    const retry = await h.request.post(`/api/v1/channels/callbacks/${row.id}/retry`).set(auth(city));
    expect(retry.status).toBe(200);
    await deliveredStatus(c.ticketNo, 'accepted');
    const sent = await eventually(async () => (await rowsOf(c.id)).find((r) => r.id === row.id && r.status === 'sent'), 20_000, 'the retried callback');
    expect(sent.attempts).toBe(1);
    const again = await h.request.post(`/api/v1/channels/callbacks/${row.id}/retry`).set(auth(city));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('channel.callback_already_sent');
    const sentList = await h.request.get('/api/v1/channels/callbacks?status=sent').set(auth(city));
    expect((sentList.body.items as { id: number }[]).some((i) => i.id === row.id)).toBe(true);
  });
});

describe('the sandbox as 12345', () => {
  it('sends a signed ticket that becomes a case, and records it under the channel', async () => {
    const res = await fetch(`${h.sandboxUrl}/sandbox/control/partners/12345/tickets`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: '市民来电：人行道井盖缺失', ...at() }),
    });
    const answer = (await res.json()) as { status: number; body: { caseId: string; caseNo: string }; ticket: { ticketNo: string } };
    expect(answer.status).toBe(201);
    const row = (await h.database.db.select().from(cases).where(eq(cases.id, answer.body.caseId)))[0]!;
    expect(row).toMatchObject({ caseNo: answer.body.caseNo, source: 'hotline_12345', description: '市民来电：人行道井盖缺失' });
    const sent = h.sandbox.messages({ channel: '12345' }).filter((m) => m.direction === 'ticket' && m.payload?.ticketNo === answer.ticket.ticketNo);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content).toContain(answer.body.caseNo);
    // And FineCity's API shows the sandbox's 12345 record.
    const api = await h.request.get('/api/v1/sandbox/messages?channel=12345');
    expect((api.body.messages as { payload?: { ticketNo?: string } }[]).some((m) => m.payload?.ticketNo === answer.ticket.ticketNo)).toBe(true);
  });

  it('fills a demo ticket when given nothing: a complaint in 中山区 that lands in a grid', async () => {
    const res = await fetch(`${h.sandboxUrl}/sandbox/control/partners/12345/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const answer = (await res.json()) as { status: number; body: { caseId: string } };
    expect(answer.status).toBe(201);
    const row = (await h.database.db.select().from(cases).where(eq(cases.id, answer.body.caseId)))[0]!;
    expect(row.districtCode).toBe('210202');
    expect(row.gridCode).toBeTruthy();
    expect(row.locationPending).toBe(false);
    expect(row.categoryCode).toBe('06010');
  });
});
