import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CaseCommentDto, CaseDto, SandboxAccount } from '@finecity/types';
import { users } from '../../server/src/adapters/postgres/schema.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { eventually, notificationsFor, settled } from '../notifications/support.js';

// Talking on a case (issue 10, item 5; Dalian 2018-125: 网格员直接与领导对话).

let h: Harness;
let grid: SandboxAccount;
let reporter: Session;
let otherResident: Session;
let inspector: Session;
let district: Session;
let otherDistrict: Session;
let community: Session;
let c: CaseDto;

const districtOf = (a: SandboxAccount) => a.orgNodeCode!.slice(0, 6);
/** Each comment a minute after the last (the test clock stands still otherwise; comments are read oldest first). */
const post = (s: Session, body: Record<string, unknown>, id = c.id) => {
  h.clock.advanceHours(1 / 60);
  return h.request.post(`/api/v1/cases/${id}/comments`).set(auth(s)).send(body);
};
const read = (s: Session, id = c.id) => h.request.get(`/api/v1/cases/${id}/comments`).set(auth(s));
const bodies = async (s: Session) => ((await read(s)).body.items as CaseCommentDto[]).map((x) => x.body);

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  reporter = await as(h, residents[0]!);
  otherResident = await as(h, residents[1]!);
  inspector = await as(h, grid);
  district = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtOf(grid)));
  otherDistrict = await as(h, pick(h, 'district', (a) => a.orgNodeCode !== districtOf(grid)));
  community = await as(h, pick(h, 'community', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 11)));
  c = await reportOk(h, reporter, { lat: grid.lat!, lng: grid.lng! });
  await actOk(h, district, c.id, 'register');
  c = await actOk(h, district, c.id, 'dispatch', {});
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('who reads and writes', () => {
  it('staff comments are internal unless public; the reporter sees public replies and their own, which are always public', async () => {
    const internal = await post(inspector, { body: '现场需要破路，已联系市政' });
    expect([internal.status, internal.body.public, internal.body.authorName]).toEqual([201, false, grid.name]);
    const reply = await post(district, { body: '已安排处置，请耐心等待', public: true });
    expect([reply.status, reply.body.public]).toEqual([201, true]);
    const own = await post(reporter, { body: '垃圾还在，请尽快处理', public: false });
    expect([own.status, own.body.public]).toEqual([201, true]);
    expect(await bodies(reporter)).toEqual(['已安排处置，请耐心等待', '垃圾还在，请尽快处理']);
    expect(await bodies(community)).toEqual(['现场需要破路，已联系市政', '已安排处置，请耐心等待', '垃圾还在，请尽快处理']);
    // Residents read roles, not staff names (as on the timeline).
    const seen = (await read(reporter)).body.items as CaseCommentDto[];
    expect(seen.map((x) => x.authorName)).toEqual(['区平台', reporter.account.name]);
  });

  it('answers 404 to staff of another district and to a resident who did not report the case, for reading and writing alike', async () => {
    for (const s of [otherDistrict, otherResident]) {
      const got = await read(s);
      const wrote = await post(s, { body: '看看' });
      expect([got.status, got.body.error.code, wrote.status, wrote.body.error.code]).toEqual([404, 'case.not_found', 404, 'case.not_found']);
    }
    expect((await read(district, crypto.randomUUID())).status).toBe(404);
  });

  it('refuses text that fails the content check (422) or is empty or too long (400), and stores nothing', async () => {
    const before = (await bodies(district)).length;
    const risky = await post(inspector, { body: '这里有[risky]内容' });
    expect([risky.status, risky.body.error.code]).toEqual([422, 'content.rejected']);
    expect(risky.body.error.message).toMatch(/[\u4e00-\u9fa5]/);
    expect((await post(reporter, { body: '[risky]' })).status).toBe(422);
    expect((await post(inspector, { body: '   ' })).status).toBe(400);
    expect((await post(inspector, { body: '长'.repeat(501) })).status).toBe(400);
    expect((await post(inspector, { body: '好', extra: 1 })).status).toBe(400);
    expect((await bodies(district)).length).toBe(before);
  });
});

describe('mentions', () => {
  const idsOf = async (where: ReturnType<typeof and>) => (await h.database.db.select({ id: users.id }).from(users).where(where)).map((u) => u.id);

  it('@街道 and @领导 tell the street\'s staff and the leaders up the chain, and the street group gets a card', async () => {
    const streetCode = grid.orgNodeCode!.slice(0, 9);
    const res = await post(inspector, { body: '@街道 @领导 井盖缺失需要协调市政，请支持' });
    expect(res.body.mentions.sort()).toEqual(['街道', '领导'].sort());
    const ns = await eventually(async () => {
      const got = (await notificationsFor(h, c.id)).filter((n) => n.event === 'case.comment' && n.dedupeKey.includes(res.body.id));
      return got.length && got.every((n) => n.status !== 'pending') ? got : undefined;
    }, 20_000, 'comment notifications');
    const streetStaff = await idsOf(and(eq(users.orgNodeCode, streetCode), sql`'street' = any(${users.roles})`));
    const leaders = await idsOf(and(inArray(users.orgNodeCode, [districtOf(grid), h.deps.org.all().find((n) => n.level === 'city')!.code]), sql`'leader' = any(${users.roles})`));
    expect(streetStaff.length).toBeGreaterThan(0);
    expect(leaders.length).toBe(2);
    expect(ns.filter((n) => n.recipientUserId).map((n) => n.recipientUserId).sort()).toEqual([...streetStaff, ...leaders].sort());
    expect(ns.filter((n) => n.recipientGroup).map((n) => n.recipientGroup)).toEqual([streetCode]);
    const card = h.sandbox.messages({ group: streetCode, limit: 10_000 }).find((m) => m.content.includes('井盖缺失需要协调市政'));
    expect(card?.content).toContain('【案件留言】');
    expect(card?.content).toContain(grid.name);
  });

  it('@<name> tells that person when they work on the case\'s chain, and never the author', async () => {
    const res = await post(district, { body: `@${community.account.name} 请今天到现场看一下 @区` });
    expect(res.body.mentions.sort()).toEqual([community.account.name, '区'].sort());
    const ns = await eventually(async () => {
      const got = (await notificationsFor(h, c.id)).filter((n) => n.event === 'case.comment' && n.dedupeKey.includes(res.body.id));
      return got.length ? got : undefined;
    }, 20_000, 'comment notifications');
    const communityId = (await idsOf(eq(users.openid, community.account.openid)))[0];
    const districtId = (await idsOf(eq(users.openid, district.account.openid)))[0];
    const people = ns.filter((n) => n.recipientUserId).map((n) => n.recipientUserId);
    expect(people).toContain(communityId);
    expect(people).not.toContain(districtId);
  });

  it('a name from another district is not a mention, and a comment without mentions tells nobody', async () => {
    const res = await post(district, { body: `@${otherDistrict.account.name} 你好` });
    expect(res.body.mentions).toEqual([]);
    await settled(h, c.id, 'case.dispatch');
    const count = async () => (await notificationsFor(h, c.id)).filter((n) => n.event === 'case.comment').length;
    const before = await count();
    await post(district, { body: '普通的内部说明' });
    await new Promise((r) => setTimeout(r, 500));
    expect(await count()).toBe(before);
  });
});
