import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import Koa from 'koa';
import { eq, sql } from 'drizzle-orm';
import supertest from 'supertest';
import type { SandboxAccount } from '@finecity/types';
import { casePhotos, cases, oaFollowers, oaPendingReports, users } from '../../server/src/adapters/postgres/schema.js';
import type { AccessTokenSource } from '../../server/src/adapters/wechat/access-token.js';
import { oaMediaClient } from '../../server/src/adapters/wechat/oa-media.js';
import { parsePushXml } from '../../server/src/adapters/wechat/push-crypto.js';
import { wgs84ToGcj02 } from '../../server/src/domain/coords.js';
import { createApp } from '../../server/src/http/app.js';
import type { Logger } from '../../server/src/logger.js';
import { startHarness, type Harness } from '../support/harness.js';
import { as, auth, pick } from '../support/flows.js';
import { smallJpeg } from '../support/fixtures.js';

const PATH = '/wechat/official-account';
const GH = 'gh_finecity0001';

let h: Harness;
let request: supertest.Agent;
let mediaServer: { url: string; close(): Promise<void> };
const media = new Map<string, Buffer>();
const warnings: { msg: string; data?: Record<string, unknown> }[] = [];
let grid: SandboxAccount;
let oa: { appId: string; token: string; aesKey: string; appSecret: string };
const fixedToken: AccessTokenSource = {
  appId: 'wxtest',
  get: async () => ({ token: 'TEST-OA-TOKEN', expiresAt: Date.now() + 3600_000 }),
  refresh: async () => ({ token: 'TEST-OA-TOKEN', expiresAt: Date.now() + 3600_000 }),
};

/** WeChat's cgi-bin/media/get, as far as this test needs it: the file, or errcode JSON. */
function startMediaServer(): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Koa();
  app.use((ctx) => {
    const q = ctx.query as Record<string, string>;
    if (ctx.path !== '/cgi-bin/media/get') return void (ctx.status = 404);
    if (q.access_token !== 'TEST-OA-TOKEN') return void (ctx.body = { errcode: 40001, errmsg: 'invalid credential' });
    const file = media.get(q.media_id ?? '');
    if (!file) return void (ctx.body = { errcode: 40007, errmsg: 'invalid media_id' });
    ctx.type = 'image/jpeg';
    ctx.body = file;
  });
  const server = http.createServer(app.callback());
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

beforeAll(async () => {
  h = await startHarness();
  mediaServer = await startMediaServer();
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  oa = h.deps.config.officialAccount;
  const spy: Logger = { ...h.deps.logger, warn: (msg, data) => void warnings.push({ msg, data }) };
  const app = createApp(
    { ...h.deps, logger: spy },
    { officialAccount: { media: oaMediaClient({ apiBase: mediaServer.url, tokens: fixedToken, timeoutMs: 2000 }) } },
  );
  request = supertest.agent(app.callback());
});
afterAll(async () => {
  await mediaServer?.close();
  await h?.close();
});

let seq = 0;
const nowS = () => Math.floor(h.clock.now().getTime() / 1000);
const newOpenid = () => `oTest_${crypto.randomBytes(6).toString('hex')}`;

function signed(o: { timestamp?: number; nonce?: string; token?: string } = {}) {
  const timestamp = String(o.timestamp ?? nowS());
  const nonce = o.nonce ?? String(1_000_000 + seq++);
  const signature = crypto.createHash('sha1').update([o.token ?? oa.token, timestamp, nonce].sort().join('')).digest('hex');
  return { signature, timestamp, nonce };
}

function xml(fields: Record<string, string | number>): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => (typeof v === 'number' ? `<${k}>${v}</${k}>` : `<${k}><![CDATA[${v}]]></${k}>`))
    .join('')}</xml>`;
}
const head = (openid: string, type: string) => ({ ToUserName: GH, FromUserName: openid, CreateTime: nowS(), MsgType: type });
const textMsg = (openid: string, content: string) => xml({ ...head(openid, 'text'), Content: content, MsgId: `${Date.now()}${seq++}` });
const imageMsg = (openid: string, mediaId: string, msgId = `${Date.now()}${seq++}`) =>
  xml({ ...head(openid, 'image'), PicUrl: `http://mmbiz.qpic.cn/mmbiz_jpg/${mediaId}/0`, MediaId: mediaId, MsgId: msgId });
/** WeChat sends the picked place in GCJ-02 (Tencent map): the test sends the grid's centre that way. */
function locationMsg(openid: string, at: { lat: number; lng: number } = grid as { lat: number; lng: number }, label = '大连市中山区人民路23号附近', msgId = `${Date.now()}${seq++}`) {
  const g = wgs84ToGcj02(at);
  return xml({ ...head(openid, 'location'), Location_X: g.lat.toFixed(6), Location_Y: g.lng.toFixed(6), Scale: 15, Label: label, MsgId: msgId });
}
const eventMsg = (openid: string, event: string, createTime = nowS()) => xml({ ...head(openid, 'event'), CreateTime: createTime, Event: event });

const postPlain = (body: string, q: Record<string, string> = signed()) => request.post(PATH).query(q).type('text/xml').send(body);

function safeBody(inner: string, o: { appId?: string; aesKey?: string } = {}) {
  const q = signed();
  const enc = encrypt(o.aesKey ?? oa.aesKey, inner, o.appId ?? oa.appId);
  const query = { ...q, encrypt_type: 'aes', msg_signature: getSignature(oa.token, q.timestamp, q.nonce, enc) };
  return { query, body: xml({ ToUserName: GH, Encrypt: enc }) };
}
function postSafe(inner: string, o: { appId?: string; aesKey?: string } = {}) {
  const { query, body } = safeBody(inner, o);
  return request.post(PATH).query(query).type('text/xml').send(body);
}

/** The passive reply's fields; a safe-mode reply is checked and decrypted the way WeChat would. */
function reply(res: { status: number; text: string }): Record<string, string> {
  expect(res.status).toBe(200);
  const outer = parsePushXml(res.text);
  if (!outer.Encrypt) return outer;
  expect(outer.MsgSignature).toBe(getSignature(oa.token, outer.TimeStamp!, outer.Nonce!, outer.Encrypt));
  const { message, id } = decrypt(oa.aesKey, outer.Encrypt);
  expect(id).toBe(oa.appId);
  return parsePushXml(message);
}
const content = (res: { status: number; text: string }) => reply(res).Content!;
const caseNoIn = (text: string) => /DL\d{8}-\d{6}/.exec(text)?.[0] ?? null;

async function count(table: string): Promise<number> {
  const r = await h.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  return (r as unknown as { rows: { n: number }[] }).rows[0]!.n;
}
const footprint = async () => ({ cases: await count('cases'), followers: await count('oa_followers'), nonces: await count('wechat_push_nonces'), pending: await count('oa_pending_reports') });

async function casesOf(openid: string) {
  return h.database.db
    .select({ c: cases })
    .from(cases)
    .innerJoin(users, eq(users.id, cases.reporterId))
    .where(eq(users.oaOpenid, openid));
}

async function newPhoto(): Promise<string> {
  const id = `MEDIA_${crypto.randomBytes(8).toString('hex')}`;
  media.set(id, await smallJpeg({ width: 320, height: 240, color: `#${crypto.randomBytes(3).toString('hex')}` }));
  return id;
}

describe('the official-account URL check (GET)', () => {
  it('answers echostr unchanged when the signature is right', async () => {
    const res = await request.get(PATH).query({ ...signed(), echostr: '6873264982736498' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('6873264982736498');
  });

  it('refuses a wrong signature with 403 and a log line', async () => {
    const res = await request.get(PATH).query({ ...signed({ token: 'notourtoken' }), echostr: '1' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.forbidden');
    expect(warnings.at(-1)).toMatchObject({ msg: 'official-account push refused', data: { reason: 'signature' } });
  });

  it('in safe mode checks msg_signature over the encrypted echostr and answers the plaintext', async () => {
    const q = signed();
    const enc = encrypt(oa.aesKey, '5927432059', oa.appId);
    const ok = await request.get(PATH).query({ ...q, echostr: enc, msg_signature: getSignature(oa.token, q.timestamp, q.nonce, enc) });
    expect({ status: ok.status, text: ok.text }).toEqual({ status: 200, text: '5927432059' });
    const bad = await request.get(PATH).query({ ...signed(), echostr: enc, msg_signature: '0'.repeat(40) });
    expect(bad.status).toBe(403);
  });
});

describe('messages in plaintext and safe mode', () => {
  it('answers a plaintext text message with a passive text reply', async () => {
    const openid = newOpenid();
    const r = reply(await postPlain(textMsg(openid, '你好')));
    expect(r).toMatchObject({ ToUserName: openid, FromUserName: GH, MsgType: 'text' });
    expect(r.Content).toContain('现场照片');
  });

  it('decrypts a safe-mode message and encrypts the reply so WeChat can verify and read it', async () => {
    const openid = newOpenid();
    const res = await postSafe(textMsg(openid, '怎么上报？'));
    expect(parsePushXml(res.text).Encrypt).toBeTruthy();
    const r = reply(res);
    expect(r).toMatchObject({ ToUserName: openid, FromUserName: GH, MsgType: 'text' });
    expect(r.Content).toContain('位置');
  });

  it('answers "success" to events it has nothing to say to', async () => {
    const res = await postPlain(eventMsg(newOpenid(), 'VIEW'));
    expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'success' });
  });
});

describe('a photo and a location become a report', () => {
  it('files one case from a photo then a location, with the photo, the place in WGS-84 and the case number in the reply', async () => {
    const openid = newOpenid();
    const mediaId = await newPhoto();
    expect(content(await postPlain(imageMsg(openid, mediaId)))).toContain('已收到照片');
    const text = content(await postPlain(locationMsg(openid)));
    const caseNo = caseNoIn(text);
    expect(text).toContain(`已收到您的反映，案件编号 ${caseNo}。查看办理进度：`);
    // The reply's tracking link opens the case's public view without an account (issue 13, item 4).
    const token = /\/t\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
    expect(token).toBeDefined();
    expect((await h.request.get(`/api/v1/track/${token}`)).body).toMatchObject({ caseNo, statusText: '已收到，等待受理' });
    const mine = await casesOf(openid);
    expect(mine).toHaveLength(1);
    const c = mine[0]!.c;
    expect(c).toMatchObject({ caseNo, source: 'official_account', state: 'submitted', categoryCode: '06010', gridCode: grid.orgNodeCode, address: '大连市中山区人民路23号附近' });
    expect(Math.abs(c.lat - grid.lat!)).toBeLessThan(1e-5);
    expect(Math.abs(c.lng - grid.lng!)).toBeLessThan(1e-5);
    expect(await h.database.db.select().from(casePhotos).where(eq(casePhotos.caseId, c.id))).toHaveLength(1);
    const reporter = (await h.database.db.select().from(users).where(eq(users.id, c.reporterId!)))[0]!;
    expect(reporter).toMatchObject({ roles: ['resident'], openid: null, oaOpenid: openid });
    expect(await h.database.db.select().from(oaPendingReports).where(eq(oaPendingReports.oaOpenid, openid))).toHaveLength(0);
  });

  it('fetches the photo from the WeChat sandbox with the official account’s own token by default', async () => {
    const sandbox = supertest(h.sandboxUrl);
    const token = (await sandbox.post('/cgi-bin/stable_token').send({ grant_type: 'client_credential', appid: oa.appId, secret: oa.appSecret })).body.access_token as string;
    const upload = await sandbox.post('/cgi-bin/media/upload').query({ access_token: token, type: 'image' }).attach('media', await smallJpeg({ width: 320, height: 240 }), 'p.jpg');
    const mediaId = upload.body.media_id as string;
    expect(mediaId).toBeTruthy();
    const openid = newOpenid();
    await h.request.post(PATH).query(signed()).type('text/xml').send(imageMsg(openid, mediaId));
    const res = await h.request.post(PATH).query(signed()).type('text/xml').send(locationMsg(openid));
    expect(caseNoIn(content(res))).not.toBeNull();
    expect(await casesOf(openid)).toHaveLength(1);
  });

  it('also files a case from a location then a photo, in safe mode', async () => {
    const openid = newOpenid();
    expect(content(await postSafe(locationMsg(openid)))).toContain('已收到位置');
    const text = content(await postSafe(imageMsg(openid, await newPhoto())));
    expect(caseNoIn(text)).not.toBeNull();
    expect(await casesOf(openid)).toHaveLength(1);
  });

  it('makes one case however often WeChat delivers the same messages (it retries 3 times)', async () => {
    const openid = newOpenid();
    const photo = imageMsg(openid, await newPhoto(), '24000000000000000001');
    const place = locationMsg(openid, undefined, undefined, '24000000000000000002');
    for (let i = 0; i < 3; i++) await postPlain(photo);
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push(content(await postPlain(place)));
    const late = content(await postPlain(photo));
    const caseNo = caseNoIn(replies[0]!);
    expect(caseNo).not.toBeNull();
    expect([...replies, late].map(caseNoIn)).toEqual([caseNo, caseNo, caseNo, caseNo]);
    expect(await casesOf(openid)).toHaveLength(1);
    expect(await h.database.db.select().from(oaPendingReports).where(eq(oaPendingReports.oaOpenid, openid))).toHaveLength(0);
  });

  it('makes one case when the photo and the location arrive at the same moment', async () => {
    const openid = newOpenid();
    const texts = (await Promise.all([postPlain(imageMsg(openid, await newPhoto())), postPlain(locationMsg(openid))])).map(content);
    expect(texts.map(caseNoIn).filter(Boolean)).toHaveLength(1);
    expect(await casesOf(openid)).toHaveLength(1);
  });

  it('does not pair a photo with a location sent after the window', async () => {
    const openid = newOpenid();
    await postPlain(imageMsg(openid, await newPhoto()));
    h.clock.set(new Date(h.clock.now().getTime() + 11 * 60_000));
    expect(content(await postPlain(locationMsg(openid)))).toContain('已收到位置');
    expect(await casesOf(openid)).toHaveLength(0);
    const pending = await h.database.db.select().from(oaPendingReports).where(eq(oaPendingReports.oaOpenid, openid));
    expect(pending).toMatchObject([{ mediaId: null, label: '大连市中山区人民路23号附近' }]);
  });

  it('keeps the location and asks again when the photo cannot be fetched', async () => {
    const openid = newOpenid();
    await postPlain(locationMsg(openid));
    expect(content(await postPlain(imageMsg(openid, 'MEDIA_EXPIRED_0001')))).toContain('照片暂时无法获取');
    expect(await casesOf(openid)).toHaveLength(0);
    expect(caseNoIn(content(await postPlain(imageMsg(openid, await newPhoto()))))).not.toBeNull();
  });

  it('refuses a place outside Dalian with the reason, and keeps the photo for a corrected location', async () => {
    const openid = newOpenid();
    await postPlain(imageMsg(openid, await newPhoto()));
    expect(content(await postPlain(locationMsg(openid, { lat: 39.9087, lng: 116.3975 }, '北京市东城区')))).toContain('未能受理：该位置不在大连市服务范围内');
    expect(await casesOf(openid)).toHaveLength(0);
    expect(caseNoIn(content(await postPlain(locationMsg(openid))))).not.toBeNull();
  });
});

describe('pushes that are not from WeChat, or not acceptable, are refused before any effect', () => {
  async function refused(send: () => Promise<{ status: number }>, status: number, reason: string) {
    const before = await footprint();
    const res = await send();
    expect(res.status).toBe(status);
    expect(await footprint()).toEqual(before);
    expect(warnings.at(-1)?.data?.reason).toBe(reason);
  }
  const photoFromStranger = async () => imageMsg(newOpenid(), await newPhoto());

  it('refuses a bad signature', async () => {
    const msg = await photoFromStranger();
    await refused(() => postPlain(msg, signed({ token: 'forgedtoken' })), 403, 'signature');
  });

  it('refuses a timestamp more than 300 s away', async () => {
    const msg = await photoFromStranger();
    await refused(() => postPlain(msg, signed({ timestamp: nowS() - 301 })), 403, 'stale_timestamp');
    await refused(() => postPlain(msg, signed({ timestamp: nowS() + 301 })), 403, 'stale_timestamp');
  });

  it('refuses a replayed nonce', async () => {
    const q = signed();
    const msg = textMsg(newOpenid(), '你好');
    expect((await postPlain(msg, q)).status).toBe(200);
    await refused(() => postPlain(textMsg(newOpenid(), '你好'), q), 403, 'replayed_nonce');
  });

  it('refuses a wrong msg_signature and a ciphertext made for another AppID', async () => {
    const { query, body } = safeBody(await photoFromStranger());
    await refused(() => request.post(PATH).query({ ...query, msg_signature: '0'.repeat(40) }).type('text/xml').send(body), 403, 'msg_signature');
    const msg = await photoFromStranger();
    await refused(() => postSafe(msg, { appId: 'wxsomeoneelse000001' }), 403, 'app_id');
    await refused(() => postSafe(msg, { aesKey: 'WrongWrongWrongWrongWrongWrongWrongWrong123' }), 403, 'decrypt');
  });

  it('refuses XXE and billion-laughs payloads before parsing, in either mode', async () => {
    const openid = newOpenid();
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><ToUserName>${GH}</ToUserName><FromUserName>${openid}</FromUserName><CreateTime>${nowS()}</CreateTime><MsgType>text</MsgType><Content>&xxe;</Content></xml>`;
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>' +
      `<xml><ToUserName>${GH}</ToUserName><FromUserName>${openid}</FromUserName><CreateTime>${nowS()}</CreateTime><MsgType>text</MsgType><Content>&lol2;</Content></xml>`;
    await refused(() => postPlain(xxe), 400, 'xml_doctype');
    await refused(() => postPlain(lol), 400, 'xml_doctype');
    await refused(() => postSafe(xxe), 400, 'xml_doctype');
  });

  it('refuses a body over 64 KB, declared or streamed', async () => {
    const openid = newOpenid();
    const big = xml({ ...head(openid, 'text'), Content: 'x'.repeat(70 * 1024) });
    await refused(() => postPlain(big), 413, 'body_too_large');
    // Without a Content-Length (chunked), reading stops at the limit.
    await refused(async () => {
      const req = request.post(PATH).query(signed()).type('text/xml');
      for (let i = 0; i < 70; i++) req.write(`<!-- ${'y'.repeat(1000)} -->`);
      return req;
    }, 413, 'body_too_large');
  });
});

describe('following', () => {
  it('records subscribe and unsubscribe, and a late retry of the older event changes nothing', async () => {
    const openid = newOpenid();
    const t = nowS();
    expect(content(await postPlain(eventMsg(openid, 'subscribe', t)))).toContain('感谢关注');
    const row = () => h.database.db.select().from(oaFollowers).where(eq(oaFollowers.oaOpenid, openid));
    expect(await row()).toMatchObject([{ subscribed: true, changedAt: new Date(t * 1000) }]);
    expect((await postPlain(eventMsg(openid, 'unsubscribe', t + 60))).text).toBe('success');
    expect(await row()).toMatchObject([{ subscribed: false, changedAt: new Date((t + 60) * 1000) }]);
    await postPlain(eventMsg(openid, 'subscribe', t));
    expect(await row()).toMatchObject([{ subscribed: false }]);
  });
});

describe('binding a staff member’s WeChat', () => {
  const bindCode = async (token: string) => request.post('/api/v1/me/official-account/bind-code').set({ Authorization: `Bearer ${token}` });

  it('binds the sender to the staff account that asked for the code, once', async () => {
    const staff = await as(h, pick(h, 'inspector', (a) => a.duty === 'B'));
    const res = await bindCode(staff.token);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(/^\d{6}$/);
    expect(res.body.sendText).toBe(`绑定 ${res.body.code}`);
    expect(new Date(res.body.expiresAt).getTime() - h.clock.now().getTime()).toBe(10 * 60_000);
    const mine = newOpenid();
    expect(content(await postPlain(textMsg(mine, `绑定 ${res.body.code}`)))).toContain('绑定成功');
    const me = (await h.request.get('/api/v1/me').set(auth(staff))).body.user as { id: string };
    expect((await h.database.db.select().from(users).where(eq(users.id, me.id)))[0]!.oaOpenid).toBe(mine);
    expect(await h.database.db.select().from(oaFollowers).where(eq(oaFollowers.oaOpenid, mine))).toMatchObject([{ userId: me.id, subscribed: true }]);
    // WeChat's retry of the same message is still a success; anyone else sending the code is refused.
    expect(content(await postPlain(textMsg(mine, res.body.code)))).toContain('绑定成功');
    const other = newOpenid();
    expect(content(await postPlain(textMsg(other, `绑定 ${res.body.code}`)))).toContain('已被使用');
    expect(await h.database.db.select().from(users).where(eq(users.oaOpenid, other))).toHaveLength(0);
  });

  it('refuses a wrong or expired code with a clear reply, and residents have no code to ask for', async () => {
    const staff = await as(h, pick(h, 'community'));
    const { code } = (await bindCode(staff.token)).body as { code: string };
    const wrong = code === '000000' ? '000001' : '000000';
    expect(content(await postPlain(textMsg(newOpenid(), `绑定 ${wrong}`)))).toContain('绑定码不正确');
    h.clock.set(new Date(h.clock.now().getTime() + 11 * 60_000));
    expect(content(await postPlain(textMsg(newOpenid(), code)))).toContain('已过期');
    const resident = await as(h, pick(h, 'resident'));
    expect((await bindCode(resident.token)).status).toBe(403);
  });
});
