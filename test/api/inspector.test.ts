import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CaseDto, PatrolSessionDto, PatrolTodayDto, SandboxAccount, TaskHistoryDto } from '@finecity/types';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { actOk, as, auth, handleOk, pick, reportOk, type Session } from '../support/flows.js';

// The inspector's app (issue 12, item 4) on a hand-moved clock: 已办 from the case event log (own actions only,
// newest first, searched and paged) and patrol sessions (one open per person, idempotent stop, the day's
// check-ins, finds and coverage, offline times within 24 hours).

let h: Harness;
const clock = new TestClock(new Date('2026-12-03T01:00:00Z')); // 09:00 in Beijing
let grid: SandboxAccount;
let inspector: Session;
let postB: Session; // the same grid's other post
let elsewhere: Session; // another grid's inspector
let resident: Session;
let dispatcher: Session;

beforeAll(async () => {
  h = await startHarness({ clock });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  const districtCode = grid.orgNodeCode!.slice(0, 6);
  inspector = await as(h, grid);
  postB = await as(h, pick(h, 'inspector', (a) => a.orgNodeCode === grid.orgNodeCode && a.code !== grid.code));
  elsewhere = await as(h, pick(h, 'inspector', (a) => a.orgNodeCode !== grid.orgNodeCode));
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const here = () => ({ lat: grid.lat!, lng: grid.lng! });
const minutes = (n: number) => clock.set(new Date(clock.now().getTime() + n * 60_000));

async function dispatched(description: string): Promise<CaseDto> {
  const c = await reportOk(h, resident, { ...here(), description });
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', {});
}

const history = async (s: Session, query = '') => {
  const res = await h.request.get(`/api/v1/tasks/history${query}`).set(auth(s));
  expect({ status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ status: 200, body: null });
  return res.body as TaskHistoryDto;
};

describe('已办: the cases an inspector acted on', () => {
  let handled: CaseDto;
  let returned: CaseDto;
  let extended: CaseDto;
  let untouched: CaseDto;

  beforeAll(async () => {
    handled = await dispatched('人行道上有一处井盖破损');
    returned = await dispatched('小区门口堆放建筑垃圾');
    extended = await dispatched('路灯不亮需要更换灯泡');
    untouched = await dispatched('广告牌松动');
    minutes(5);
    await actOk(h, inspector, handled.id, 'sign');
    minutes(5);
    await handleOk(h, inspector, handled.id, '井盖已更换');
    minutes(5);
    await actOk(h, inspector, returned.id, 'return', { note: '不属于本网格' });
    minutes(5);
    await actOk(h, inspector, extended.id, 'sign');
    minutes(5);
    await actOk(h, inspector, extended.id, 'request-extension', { hours: 24, note: '需要等待灯泡到货' });
  }, 60_000);

  it('lists them newest first with the inspector\'s latest action, and not what they never touched', async () => {
    const all = await history(inspector);
    expect(all).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(all.items.map((c) => [c.caseNo, c.myLastAction.action])).toEqual([
      [extended.caseNo, 'request-extension'],
      [returned.caseNo, 'return'],
      [handled.caseNo, 'handle'],
    ]);
    expect(all.items[2]).toMatchObject({ state: 'handled', location: { lat: here().lat } });
    expect(all.items.map((c) => c.id)).not.toContain(untouched.id);
  });

  it('searches by case number, description or address, and pages', async () => {
    expect((await history(inspector, `?q=${handled.caseNo}`)).items.map((c) => c.id)).toEqual([handled.id]);
    expect((await history(inspector, `?q=${encodeURIComponent('建筑垃圾')}`)).items.map((c) => c.id)).toEqual([returned.id]);
    // LIKE wildcards are text, not patterns.
    expect((await history(inspector, '?q=%25')).total).toBe(0);
    const second = await history(inspector, '?page=2&pageSize=1');
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(second.items.map((c) => c.id)).toEqual([returned.id]);
    expect((await history(inspector, '?page=9&pageSize=1')).items).toEqual([]);
  });

  it('shows only the caller\'s own actions: another inspector, the other post and the resident see none of them', async () => {
    for (const s of [elsewhere, postB, resident]) {
      const ids = (await history(s)).items.map((c) => c.id);
      for (const c of [handled, returned, extended]) expect(ids).not.toContain(c.id);
    }
    // The dispatcher registered and dispatched them: that is not 已办 of an inspector's kind.
    expect((await history(dispatcher)).total).toBe(0);
  });

  it('refuses a bad query with 400 and a stranger with 401', async () => {
    for (const q of ['?page=0', '?pageSize=1000', '?page=abc', `?q=${'长'.repeat(51)}`]) {
      const res = await h.request.get(`/api/v1/tasks/history${encodeURI(q)}`).set(auth(inspector));
      expect({ q, status: res.status, code: res.body.error?.code }).toEqual({ q, status: 400, code: 'request.invalid' });
    }
    expect((await h.request.get('/api/v1/tasks/history')).status).toBe(401);
  });
});

describe('patrol sessions', () => {
  const start = (s: Session, body: Record<string, unknown> = {}) => h.request.post('/api/v1/patrols').set(auth(s)).send(body);
  const stop = (s: Session, id: string, body: Record<string, unknown> = {}) => h.request.post(`/api/v1/patrols/${id}/stop`).set(auth(s)).send(body);
  const today = async (s: Session) => {
    const res = await h.request.get('/api/v1/patrols/today').set(auth(s));
    expect(res.status).toBe(200);
    return res.body as PatrolTodayDto;
  };
  let first: PatrolSessionDto;

  it('starts one open session per person: a second start answers the open one, also when both race', async () => {
    clock.set('2026-12-03T10:00:00+08:00');
    const [a, b] = await Promise.all([start(inspector), start(inspector)]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    first = a.body as PatrolSessionDto;
    expect(first).toMatchObject({ startedAt: '2026-12-03T02:00:00.000Z', stoppedAt: null, seconds: 0 });
    const t = await today(inspector);
    expect(t.open?.id).toBe(first.id);
    expect(t.day).toBe('2026-12-03');
  });

  it('stops idempotently; only the owner may stop it', async () => {
    clock.set('2026-12-03T10:45:00+08:00');
    expect((await stop(elsewhere, first.id)).status).toBe(404);
    const stopped = await stop(inspector, first.id);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ id: first.id, stoppedAt: '2026-12-03T02:45:00.000Z', seconds: 2700 });
    clock.set('2026-12-03T11:00:00+08:00');
    expect((await stop(inspector, first.id)).body).toEqual(stopped.body);
    const t = await today(inspector);
    expect(t).toMatchObject({ open: null, seconds: 2700 });
    expect(t.sessions.map((s) => s.id)).toEqual([first.id]);
  });

  it('takes the time the inspector pressed from an offline phone, with its own id, within 24 hours', async () => {
    clock.set('2026-12-03T12:00:00+08:00');
    const id = '6f1c1f5e-6a1e-4d55-9a4e-2f0d6f8a9b10';
    const started = await start(inspector, { id, at: '2026-12-03T11:20:00+08:00' });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ id, startedAt: '2026-12-03T03:20:00.000Z', seconds: 2400 });
    // The same start sent again (the answer was lost) is the same session.
    expect((await start(inspector, { id, at: '2026-12-03T11:20:00+08:00' })).body.id).toBe(id);
    // A stop pressed before the start (clocks) is clamped to the start.
    expect((await stop(inspector, id, { at: '2026-12-03T11:50:00+08:00' })).body).toMatchObject({ stoppedAt: '2026-12-03T03:50:00.000Z', seconds: 1800 });
    expect((await start(inspector, { id, at: '2026-12-03T11:20:00+08:00' })).body).toMatchObject({ id, stoppedAt: '2026-12-03T03:50:00.000Z' });
    for (const at of ['2026-12-03T12:30:00+08:00', '2026-12-02T11:00:00+08:00', '2026-12-03 11:00', 'yesterday']) {
      const res = await start(inspector, { at });
      expect({ at, status: res.status, code: res.body.error?.code }).toEqual({ at, status: 400, code: 'request.invalid' });
    }
    expect((await today(inspector)).seconds).toBe(2700 + 1800);
  });

  it('refuses what is not a patrol: other roles, bad ids and bodies', async () => {
    expect((await start(resident)).status).toBe(403);
    expect((await start(dispatcher)).status).toBe(403);
    expect((await h.request.get('/api/v1/patrols/today').set(auth(resident))).status).toBe(403);
    expect((await stop(inspector, 'nope')).status).toBe(400);
    expect((await start(inspector, { id: 'x' })).status).toBe(400);
    expect((await start(inspector, { colour: 'red' })).status).toBe(400);
    expect((await stop(inspector, '6f1c1f5e-6a1e-4d55-9a4e-2f0d6f8a9b11')).status).toBe(404);
  });

  it('shows the day\'s check-ins (with the pressed time), finds and the coverage of the inspector\'s grid', async () => {
    clock.set('2026-12-03T14:00:00+08:00');
    const before = await today(postB);
    expect(before.coverage).toMatchObject({ grids: 1, visited: 0 });
    const late = await h.request.post('/api/v1/patrol/checkins').set(auth(inspector)).send({ ...here(), at: '2026-12-03T13:40:00+08:00' });
    expect(late.status).toBe(201);
    expect(late.body).toMatchObject({ gridCode: grid.orgNodeCode, day: '2026-12-03', at: '2026-12-03T05:40:00.000Z' });
    const future = await h.request.post('/api/v1/patrol/checkins').set(auth(inspector)).send({ ...here(), at: '2026-12-03T15:00:00+08:00' });
    expect(future.status).toBe(400);
    const find = await reportOk(h, inspector, { ...here(), description: '巡查发现绿化带内有垃圾' });
    const t = await today(inspector);
    expect(t.checkins).toEqual([expect.objectContaining({ gridCode: grid.orgNodeCode, at: '2026-12-03T05:40:00.000Z' })]);
    expect(t.checkins[0]!.gridName).not.toBe(grid.orgNodeCode);
    expect(t.finds.map((c) => c.id)).toEqual([find.id]);
    expect(t.finds[0]!.source).toBe('patrol');
    expect(t.coverage).toMatchObject({ grids: 1, visited: 1, items: [{ gridCode: grid.orgNodeCode, checkins: 1 }] });
    // The other post sees the grid covered, with none of the first post's check-ins or finds as their own.
    expect(await today(postB)).toMatchObject({ checkins: [], finds: [], coverage: { grids: 1, visited: 1 } });
    // Tomorrow is a new day.
    clock.set('2026-12-04T08:00:00+08:00');
    expect(await today(inspector)).toMatchObject({ day: '2026-12-04', sessions: [], checkins: [], finds: [], seconds: 0, coverage: { visited: 0 } });
  });
});

