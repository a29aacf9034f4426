// Issue 13, item 7: 积分. A resident's report earns config/rules.json `points.registered` once registered and
// `points.firstFinder` more when no earlier open case of the category was within the duplicate rule; a report
// rejected or merged as a duplicate earns nothing; patrol finds earn nobody points. The monthly 市民监督员 list
// per district shows masked nicknames only and leaves out who opted out. The points are a projection of the case
// events: rebuilt from scratch they equal the rows the decisions wrote one by one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, MyPointsDto, SandboxAccount, TopReportersDto } from '@finecity/types';
import { maskNickname, rebuildPoints } from '../../server/src/usecases/residents/points.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { actOk, as, auth, pick, reportOk, type Session } from '../support/flows.js';

let h: Harness;
let first: Session;
let second: Session;
let third: Session;
let fourth: Session;
let dispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
const clock = new TestClock(new Date('2026-11-25T02:00:00Z'));
const north = (m: number) => ({ lat: grid.lat! + m / 111_195, lng: grid.lng! });
const points = async (s: Session) => (await h.request.get('/api/v1/me/points').set(auth(s))).body as MyPointsDto;
const idOf = async (s: Session) => ((await h.request.get('/api/v1/me').set(auth(s))).body as { user: { id: string } }).user.id;
const top = (q: Record<string, string> = {}) => h.request.get('/api/v1/public/top-reporters').query(q);

let firstCase: CaseDto;
let secondCase: CaseDto;
let patrolCase: CaseDto;

beforeAll(async () => {
  h = await startHarness({ clock });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const residents = h.accounts.filter((a) => a.role === 'resident');
  [first, second, third] = await Promise.all(residents.slice(0, 3).map((a) => as(h, a))) as [Session, Session, Session];
  // A resident new to FineCity: an unknown openid signs in as a resident.
  const { token, user } = await h.login('sandbox:points-newcomer');
  fourth = { token, account: { code: 'sandbox:points-newcomer', openid: 'points-newcomer', role: 'resident', orgNodeCode: null, name: user.name } };
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  inspector = await as(h, grid);

  firstCase = await reportOk(h, first, { ...north(0), categoryCode: '06010' });
  clock.advanceHours(1 / 60);
  // 20 m away, same category, within the window: a duplicate candidate of the first.
  secondCase = await reportOk(h, second, { ...north(20), categoryCode: '06010' });
  const rejected = await reportOk(h, third, { ...north(400), categoryCode: '01010' });
  const merged = await reportOk(h, fourth, { ...north(10), categoryCode: '06010' });
  patrolCase = await reportOk(h, inspector, { ...north(800), categoryCode: '01010' });
  clock.advanceHours(1 / 60);
  await actOk(h, dispatcher, firstCase.id, 'register');
  await actOk(h, dispatcher, secondCase.id, 'register');
  await actOk(h, dispatcher, rejected.id, 'reject', { note: '不属于城管范围' });
  await actOk(h, dispatcher, merged.id, 'merge', { intoCaseId: firstCase.id });
  await actOk(h, dispatcher, patrolCase.id, 'register');
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/me/points', () => {
  it('credits a registered first report with both kinds, at the registration time', async () => {
    const mine = await points(first);
    expect(mine.rules).toEqual({ registered: 2, firstFinder: 3 });
    expect(mine.total).toBe(5);
    expect(mine.month).toBe(5);
    expect(mine.optedOut).toBe(false);
    expect(mine.entries.map((e) => [e.caseNo, e.kind, e.points]).sort()).toEqual([[firstCase.caseNo, 'first_finder', 3], [firstCase.caseNo, 'registered', 2]]);
    expect(mine.entries[0]!.at).toBe('2026-11-25 10:02');
    expect(mine.entries[0]!.category).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('gives a later report of the same problem the registration points but not the first-finder bonus', async () => {
    expect((await points(second)).entries.map((e) => e.kind)).toEqual(['registered']);
  });

  it('gives nothing for a rejected report or one merged as a duplicate, and nothing to staff', async () => {
    expect((await points(third)).total).toBe(0);
    expect((await points(fourth)).total).toBe(0);
    expect((await h.request.get('/api/v1/me/points').set(auth(inspector))).status).toBe(403);
    expect((await h.request.get('/api/v1/me/points')).status).toBe(401);
  });
});

describe('GET /api/v1/public/top-reporters', () => {
  it('ranks this month\'s residents per district with masked nicknames only, without a login', async () => {
    const res = await top({ month: '2026-11' });
    expect(res.status).toBe(200);
    const body = res.body as TopReportersDto;
    const district = body.districts.find((d) => d.districtCode === grid.orgNodeCode!.slice(0, 6))!;
    expect(district.districtName).toMatch(/[\u4e00-\u9fa5]/);
    expect(district.rows).toEqual([
      { rank: 1, nickname: maskNickname(first.account.name), points: 5 },
      { rank: 2, nickname: maskNickname(second.account.name), points: 2 },
    ]);
    const text = JSON.stringify(body);
    for (const s of [first, second]) {
      expect(text).not.toContain(s.account.name);
      expect(text).not.toContain(s.account.openid);
    }
    // Another month has nobody on it.
    expect((await top({ month: '2026-10' })).body.districts.every((d: { rows: unknown[] }) => d.rows.length === 0)).toBe(true);
  });

  it('leaves out a resident who opted out, and takes them back when they opt in', async () => {
    const res = await h.request.post('/api/v1/me/points/listing').set(auth(second)).send({ listed: false });
    expect([res.status, res.body.optedOut, res.body.total]).toEqual([200, true, 2]);
    const without = (await top({ month: '2026-11', districtCode: grid.orgNodeCode!.slice(0, 6) })).body as TopReportersDto;
    expect(without.districts).toHaveLength(1);
    expect(without.districts[0]!.rows.map((r) => r.points)).toEqual([5]);
    await h.request.post('/api/v1/me/points/listing').set(auth(second)).send({ listed: true }).expect(200);
    expect((await top({ month: '2026-11' })).body.districts.flatMap((d: TopReportersDto['districts'][number]) => d.rows)).toHaveLength(2);
  });

  it('keeps only the list size per district, ranked in the database', async () => {
    const rows = await h.deps.points!.monthly(new Date('2026-10-31T16:00:00Z'), new Date('2026-11-30T16:00:00Z'), null, 1);
    expect(rows.map((r) => [r.points, r.name])).toEqual([[5, first.account.name]]);
  });

  it('answers 400 for a bad month, district or body', async () => {
    for (const q of [{ month: '2026-13' }, { month: 'november' }, { districtCode: '21<script>' }, { extra: '1' }] as Record<string, string>[]) expect((await top(q)).status).toBe(400);
    expect((await top({ districtCode: '999999' })).status).toBe(400);
    for (const body of [{}, { listed: 'yes' }, { listed: true, more: 1 }]) {
      expect((await h.request.post('/api/v1/me/points/listing').set(auth(first)).send(body)).status).toBe(400);
    }
  });
});

describe('points from events', () => {
  it('rebuilt from the case events, every total equals the one the decisions wrote', async () => {
    const incremental = await h.deps.points!.totals();
    expect(incremental.get(await idOf(first))).toBe(5);
    const entriesBefore = (await points(first)).entries;
    const written = await rebuildPoints(h.deps);
    expect(written).toBe(3);
    expect(await h.deps.points!.totals()).toEqual(incremental);
    expect((await points(first)).entries).toEqual(entriesBefore);
  });

  it('drops the points of a closed account with the account', async () => {
    const id = await idOf(second);
    expect((await h.deps.points!.totals()).has(id)).toBe(true);
    await h.request.post('/api/v1/me/delete').set(auth(second)).send({ confirm: true }).expect(200);
    expect((await h.deps.points!.totals()).has(id)).toBe(false);
    await rebuildPoints(h.deps);
    expect((await h.deps.points!.totals()).has(id)).toBe(false);
  });
});

describe('maskNickname', () => {
  it('keeps the first character and stars the rest, at most two', () => {
    expect([maskNickname('张先生'), maskNickname('李'), maskNickname('微信用户1234'), maskNickname('  ')]).toEqual(['张**', '李*', '微**', '市民*']);
  });
});
