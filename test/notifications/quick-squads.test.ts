import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, eq, inArray } from 'drizzle-orm';
import type { CaseDto, OrgUnitDto, SandboxAccount } from '@finecity/types';
import { caseEvents, cases, orgNodes, users } from '../../server/src/adapters/postgres/schema.js';
import { jobId } from '../../server/src/adapters/queue/queues.js';
import { formatBeijing } from '../../server/src/domain/shanghai-time.js';
import { sweepOverdue } from '../../server/src/usecases/notifications/clock-alerts.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, as, auth, handleOk, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, notificationsFor, settled } from './support.js';

/**
 * Quick squads on minute clocks (大政办发〔2018〕125号 三(三)): a district's 城管综合服务抢修小分队 "5分钟到场、
 * 59分钟微更新", a street's 便民服务小分队 "30分钟微治理". The clock is fixed (TestClock); timers are promoted
 * by hand at the instants the test moves the clock to.
 */
const MIN = 60_000;

let h: Harness;
let resident: Session;
let dispatcher: Session;
let repair: Session;
let streetSquad: Session;
let grid: SandboxAccount;
let districtCode: string;
let streetCode: string;

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector');
  districtCode = grid.orgNodeCode!.slice(0, 6);
  streetCode = grid.orgNodeCode!.slice(0, 9);
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
  repair = await as(h, pick(h, 'department', (a) => a.orgNodeCode === `QS-${districtCode}`));
  streetSquad = await as(h, pick(h, 'department', (a) => a.orgNodeCode === `BM-${streetCode}`));
});
afterAll(async () => {
  await h?.close();
});

const site = () => ({ lat: grid.lat!, lng: grid.lng! });
const row = async (id: string) => (await h.database.db.select().from(cases).where(eq(cases.id, id)))[0]!;
/** The working staff of units (the squad's members, the district's dispatchers): not its leaders or admins. */
const userIds = async (codes: string[]) =>
  (await h.database.db.select().from(users).where(inArray(users.orgNodeCode, codes))).filter((u) => u.roles.some((r) => r === 'department' || r === 'district')).map((u) => u.id).sort();

async function dispatchedTo(unit: string): Promise<CaseDto> {
  const c = await reportOk(h, resident, site());
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', { orgNodeCode: unit });
}

/** The deadline job of a stage, once the relay has published it. */
const timer = (c: CaseDto, stage: string) =>
  eventually(() => h.notifier!.queues.deadlines.getJob(jobId('deadline', c.id, `v${c.version}`, stage)), 10_000, `the ${stage} timer`);

/** Once the stage's timer is set (at the dispatch's clock), moves the fixed clock to `minutes` after `start` and fires it. */
async function fire(c: CaseDto, stage: string, start: number, minutes: number): Promise<void> {
  const job = await timer(c, stage);
  h.clock.set(new Date(start + minutes * MIN));
  await job.promote();
}

describe('the seed', () => {
  it('has a repair squad per district, a street squad per street and typed city departments, each with a member', async () => {
    const nodes = await h.database.db.select().from(orgNodes);
    const of = (level: string) => nodes.filter((n) => n.level === level);
    const handling = of('department');
    const byType = (t: string) => handling.filter((n) => n.unitType === t);
    expect(byType('repair_squad').map((n) => [n.code, n.parentCode]).sort()).toEqual(of('district').map((d) => [`QS-${d.code}`, d.code]).sort());
    expect(byType('street_squad').map((n) => [n.code, n.parentCode]).sort()).toEqual(of('street').map((s) => [`BM-${s.code}`, s.code]).sort());
    expect(byType('department').map((n) => n.code).sort()).toEqual(h.deps.policy.categories.departments.map((d) => d.code).sort());
    expect(handling.filter((n) => !n.unitType)).toEqual([]);
    const district = nodes.find((n) => n.code === districtCode)!;
    const street = nodes.find((n) => n.code === streetCode)!;
    expect(nodes.find((n) => n.code === `QS-${districtCode}`)!.name).toBe(`${district.name}城管综合服务抢修小分队`);
    expect(nodes.find((n) => n.code === `BM-${streetCode}`)!).toMatchObject({ name: `${street.name}便民服务小分队`, path: `${street.path}BM-${streetCode}/` });
    const members = await h.database.db.select().from(users).where(inArray(users.orgNodeCode, handling.map((n) => n.code)));
    expect(new Set(members.map((u) => u.orgNodeCode)).size).toBe(handling.length);
    expect(members.every((u) => u.roles.includes('department'))).toBe(true);
  });

  it('lists the street squad among a street\'s units for the dispatcher, with its type in Chinese', async () => {
    const res = await h.request.get(`/api/v1/org/units?parent=${streetCode}`).set(auth(dispatcher));
    const items = res.body.items as OrgUnitDto[];
    expect(items[items.length - 1]).toMatchObject({
      code: `BM-${streetCode}`, level: 'department', parentCode: streetCode, hasChildren: false, unitType: 'street_squad', unitTypeLabel: '便民服务小分队',
    });
    expect(items.filter((u) => u.level === 'community').every((u) => u.unitType === null && u.unitTypeLabel === null)).toBe(true);
  });
});

describe('a repair squad on its minute clock', () => {
  it('runs 59 minutes to fix and 5 to arrive from the dispatch, and keeps the category\'s national clock', async () => {
    const toGrid = await dispatchedTo(grid.orgNodeCode!);
    const start = h.clock.now().getTime();
    const c = await actOk(h, dispatcher, toGrid.id, 'dispatch', { orgNodeCode: `QS-${districtCode}` });
    expect(c.deadline).toMatchObject({ startedAt: new Date(start).toISOString(), dueAt: new Date(start + 59 * MIN).toISOString(), calendar: 'natural', level: 'green' });
    expect(c.deadline!.nationalDueAt).toBe(toGrid.deadline!.nationalDueAt);
    expect(c.deadline).toMatchObject({ arriveDueAt: new Date(start + 5 * MIN).toISOString(), arrivedAt: null });
    expect((await row(c.id)).arriveDueAt?.toISOString()).toBe(new Date(start + 5 * MIN).toISOString());
    expect(toGrid.deadline).not.toHaveProperty('arriveDueAt');
  });

  it('goes yellow at 29.5 minutes, red at 47.2 and overdue at 59, and tells the squad in Chinese with Beijing times', async () => {
    const c = await dispatchedTo(`QS-${districtCode}`);
    const start = Date.parse(c.deadline!.startedAt);
    const at = async (stage: string) => ((await timer(c, stage)).data as { at: string }).at;
    expect([await at('yellow'), await at('red'), await at('overdue')]).toEqual([29.5, 47.2, 59].map((m) => new Date(start + m * MIN).toISOString()));
    for (const [stage, minutes] of [['yellow', 29.5], ['red', 47.2], ['overdue', 59]] as const) {
      await fire(c, stage, start, minutes);
      await eventually(async () => (await row(c.id)).clockAlert === stage || undefined, 10_000, stage);
      const ns = await settled(h, c.id, `clock.${stage}`);
      expect(ns.map((n) => n.recipientUserId)).toEqual(expect.arrayContaining(await userIds([`QS-${districtCode}`])));
      const facts = (ns[0]!.payload as { facts: { level: string; dueAt: string; holder: string } }).facts;
      expect(facts).toMatchObject({ level: stage, dueAt: new Date(start + 59 * MIN).toISOString(), holder: expect.stringMatching(/城管综合服务抢修小分队$/) });
    }
    const seen = delivered(h).filter((m) => m.content.includes(c.caseNo)).map((m) => m.content);
    for (const word of ['黄灯预警', '红灯预警', '已超期']) expect(seen.some((t) => t.includes(word) && t.includes(formatBeijing(new Date(start + 59 * MIN))))).toBe(true);
    expect((await row(c.id)).overdueAt?.toISOString()).toBe(new Date(start + 59 * MIN).toISOString());
    const view = (await h.request.get(`/api/v1/cases/${c.id}`).set(auth(repair))).body.case as CaseDto;
    expect(view.deadline!.level).toBe('overdue');
  });

  it('alerts the squad and its district at 5 minutes without an arrival, then refuses a sign without a location', async () => {
    const c = await dispatchedTo(`QS-${districtCode}`);
    const start = Date.parse(c.deadline!.startedAt);
    await fire(c, 'arrival', start, 5);
    const ns = await settled(h, c.id, 'clock.arrival_overdue');
    expect(ns.map((n) => n.recipientUserId).sort()).toEqual(await userIds([`QS-${districtCode}`, districtCode]));
    const facts = (ns[0]!.payload as { facts: Record<string, string> }).facts;
    expect(facts).toMatchObject({ level: 'arrival_overdue', dueAt: new Date(start + 5 * MIN).toISOString() });
    expect(facts.note).toBe(`应在派遣后5分钟内到场签到（${formatBeijing(new Date(start + 5 * MIN))}前），至今未到场`);
    const seen = delivered(h).filter((m) => m.content.includes(c.caseNo)).map((m) => m.content);
    expect(seen.some((t) => t.includes('到场超时') && t.includes(formatBeijing(new Date(start + 5 * MIN))) && t.includes('城管综合服务抢修小分队'))).toBe(true);

    const refused = await act(h, repair, c.id, 'sign', {});
    expect([refused.status, refused.body.error.code]).toEqual([409, 'squad.not_arrived']);
    expect(refused.body.error.message).toMatch(/现场.*定位|定位.*现场/);
    const away = await act(h, repair, c.id, 'sign', { lat: grid.lat! + 0.02, lng: grid.lng! });
    expect([away.status, away.body.error.code]).toEqual([409, 'squad.not_arrived']);
    expect(away.body.error.message).toMatch(/米/);
    expect((await row(c.id)).state).toBe('dispatched');
  });

  it('records the arrival when the squad signs on site, and a late arrival timer then says nothing', async () => {
    const c = await dispatchedTo(`QS-${districtCode}`);
    const start = Date.parse(c.deadline!.startedAt);
    const late = await timer(c, 'arrival'); // set before the clock moves on, so it waits for its instant
    h.clock.set(new Date(start + 4 * MIN));
    const signed = await actOk(h, repair, c.id, 'sign', site());
    expect(signed.state).toBe('in_progress');
    expect(signed.deadline!.arrivedAt).toBe(new Date(start + 4 * MIN).toISOString());
    const r = await row(c.id);
    expect([r.arrivedAt?.toISOString(), r.arriveDueAt?.toISOString()]).toEqual([new Date(start + 4 * MIN).toISOString(), new Date(start + 5 * MIN).toISOString()]);
    await late.promote();
    await eventually(async () => (await late.getState()) === 'completed' || undefined, 10_000, 'the stale arrival timer to run');
    expect((await notificationsFor(h, c.id)).filter((n) => n.event === 'clock.arrival_overdue')).toEqual([]);

    // 处置及时率 reads the handle event's time against due_at; 到场及时率 arrived_at against arrive_due_at.
    h.clock.set(new Date(start + 40 * MIN));
    await handleOk(h, repair, c.id);
    const handled = (await h.database.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.action, 'handle'))))[0]!;
    expect(handled.at.getTime()).toBeLessThanOrEqual((await row(c.id)).dueAt!.getTime());
    expect(handled.at.toISOString()).toBe(new Date(start + 40 * MIN).toISOString());

    // 返工: the squad's own 59 minutes again from the verification; it is on site already, so no new arrival clock.
    h.clock.set(new Date(start + 45 * MIN));
    const rework = await actOk(h, dispatcher, c.id, 'verify', { passed: false, note: '仍有残留' });
    expect(rework.deadline).toMatchObject({ dueAt: new Date(start + 104 * MIN).toISOString(), calendar: 'natural', arriveDueAt: new Date(start + 5 * MIN).toISOString() });
    await timer(rework, 'overdue');
    expect(await h.notifier!.queues.deadlines.getJob(jobId('deadline', c.id, `v${rework.version}`, 'arrival'))).toBeUndefined();
  });

  it('is flagged overdue by the sweep (the safety net for lost timers) at 59 minutes, not before', async () => {
    const c = await dispatchedTo(`QS-${districtCode}`);
    const start = Date.parse(c.deadline!.startedAt);
    await timer(c, 'overdue'); // the timers wait for their real-time delays: only the sweep can act below
    h.clock.set(new Date(start + 58 * MIN));
    await sweepOverdue(h.notifier!.notify);
    expect((await row(c.id)).clockAlert).toBeNull();
    h.clock.set(new Date(start + 59 * MIN));
    await sweepOverdue(h.notifier!.notify);
    expect((await row(c.id)).clockAlert).toBe('overdue');
  });
});

describe('a street squad on its minute clock', () => {
  it('gets 30 minutes to arrive and 30 to fix, yellow at 15 and red at 24, and its member signs on site', async () => {
    const c = await dispatchedTo(`BM-${streetCode}`);
    const start = Date.parse(c.deadline!.startedAt);
    expect(c.responsible).toMatchObject({ code: `BM-${streetCode}`, level: 'department' });
    expect(c.deadline).toMatchObject({ dueAt: new Date(start + 30 * MIN).toISOString(), calendar: 'natural' });
    expect((await row(c.id)).arriveDueAt?.toISOString()).toBe(new Date(start + 30 * MIN).toISOString());
    const at = async (stage: string) => ((await timer(c, stage)).data as { at?: string; arriveDueAt?: string });
    expect([(await at('yellow')).at, (await at('red')).at, (await at('overdue')).at, (await at('arrival')).arriveDueAt])
      .toEqual([15, 24, 30, 30].map((m) => new Date(start + m * MIN).toISOString()));
    h.clock.set(new Date(start + 12 * MIN));
    await actOk(h, streetSquad, c.id, 'sign', site());
    expect((await row(c.id)).arrivedAt?.toISOString()).toBe(new Date(start + 12 * MIN).toISOString());
  });
});
