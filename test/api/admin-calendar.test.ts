import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, desc, eq } from 'drizzle-orm';
import type { CalendarYearDto, CaseDto, SandboxAccount } from '@finecity/types';
import { pgDeadlines } from '../../server/src/adapters/postgres/notification-repo.js';
import { cases, outbox } from '../../server/src/adapters/postgres/schema.js';
import { onClockTimer, sweepOverdue } from '../../server/src/usecases/notifications/clock-alerts.js';
import type { NotifyDeps } from '../../server/src/usecases/notifications/ports.js';
import { actOk, as, auth, getCase, handleOk, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';

// The working calendar as admin data: a city admin enters a year's holidays; clocks started after the
// change skip them, clocks already running keep their due time. 2031 and its "holidays" are made up:
// no State Council notice for it exists.
let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let resident: Session;
let dispatcher: Session;
let grid: SandboxAccount;

// Monday 2031-03-03 09:00 in Beijing.
const MONDAY_9 = '2031-03-03T01:00:00Z';

beforeAll(async () => {
  h = await startHarness({ clock: new TestClock(new Date(MONDAY_9)) });
  const admins = h.accounts.filter((a) => a.role === 'admin');
  cityAdmin = await as(h, admins.find((a) => a.orgNodeCode === '210200')!);
  districtAdmin = await as(h, admins.find((a) => a.orgNodeCode !== '210200')!);
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

const get = (s: Session, year: number | string) => h.request.get(`/api/v1/admin/calendar/${year}`).set(auth(s));
const put = (s: Session, year: number | string, body: object) => h.request.put(`/api/v1/admin/calendar/${year}`).set(auth(s)).send(body);

async function dispatchedCase(): Promise<CaseDto> {
  const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng! });
  await actOk(h, dispatcher, c.id, 'register');
  return actOk(h, dispatcher, c.id, 'dispatch', { complexity: 'simple' });
}

describe('the working calendar', () => {
  it('is seeded from config/holidays.json with named holiday periods', async () => {
    const res = await get(cityAdmin, 2026);
    expect(res.status).toBe(200);
    const y = res.body as CalendarYearDto;
    expect(y.stored).toBe(true);
    expect(y.holidays).toContainEqual({ date: '2026-10-01', name: '国庆节' });
    expect(y.holidays).toContainEqual({ date: '2026-01-01', name: '元旦' });
    expect(y.workdays.length).toBeGreaterThan(0);
    expect(y.workdays.every((d) => d.name === '调休上班')).toBe(true);
    expect((await get(cityAdmin, 2031)).body).toMatchObject({ year: 2031, stored: false, holidays: [], workdays: [], updatedAt: null });
  });

  it('is for the city admin only', async () => {
    expect((await get(districtAdmin, 2031)).status).toBe(403);
    expect((await put(districtAdmin, 2031, { holidays: [], workdays: [] })).status).toBe(403);
    expect((await get(dispatcher, 2031)).status).toBe(403);
    expect((await h.request.get('/api/v1/admin/calendar/2031')).status).toBe(401);
  });

  it('refuses a bad year or body and lists every field that is wrong', async () => {
    expect((await get(cityAdmin, 'abc')).status).toBe(400);
    expect((await get(cityAdmin, 1999)).status).toBe(400);
    expect((await put(cityAdmin, 2031, { holidays: [{ date: '2031-03-04' }], workdays: [] })).status).toBe(400);
    const res = await put(cityAdmin, 2031, {
      holidays: [
        { date: '2031-02-30', name: '坏日期' },
        { date: '2030-12-31', name: '跨年' },
        { date: '2031-03-04', name: '测试假日' },
        { date: '2031-03-04', name: '测试假日' },
        { date: '2031-03-08', name: '单独的周六' },
        { date: '2031-03-15', name: '测试假日' },
      ],
      workdays: [
        { date: '2031-03-15', name: '调休上班' },
        { date: '2031-03-06', name: '周四调休' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('calendar.invalid');
    const fields = (res.body.error.details.fields as { field: string; message: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['holidays[0].date', 'holidays[1].date', 'holidays[3].date', 'holidays[4].date', 'holidays[5].date', 'workdays[0].date', 'workdays[1].date'].sort());
    expect(res.body.error.details.fields.every((f: { message: string }) => /[\u4e00-\u9fa5]/.test(f.message))).toBe(true);
    // Nothing was stored.
    expect((await get(cityAdmin, 2031)).body.stored).toBe(false);
  });

  it('applies a new year to clocks started after the change; running clocks keep their due time', async () => {
    const before = await dispatchedCase();
    // National clock: 24 working hours (08:30–12:00, 13:00–17:30) from Monday 09:00 → Thursday 09:00 Beijing.
    expect(before.deadline!.nationalDueAt).toBe('2031-03-06T01:00:00.000Z');

    const body = {
      holidays: [
        { date: '2031-03-04', name: '测试假日' },
        { date: '2031-03-05', name: '测试假日' },
        // A weekend day inside a named period that has weekdays is accepted.
        { date: '2031-05-03', name: '劳动节' },
        { date: '2031-05-02', name: '劳动节' },
      ],
      workdays: [{ date: '2031-04-27', name: '劳动节调休上班' }],
    };
    const res = await put(cityAdmin, 2031, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ year: 2031, stored: true, workdays: body.workdays });
    expect((res.body as CalendarYearDto).holidays.map((d) => d.date)).toEqual(['2031-03-04', '2031-03-05', '2031-05-02', '2031-05-03']);
    expect((await get(cityAdmin, 2031)).body).toEqual(res.body);

    const after = await dispatchedCase();
    // Tuesday and Wednesday are now rest days: Monday 7.5 h, Thursday 8, Friday 8, next Monday 0.5 → 09:00.
    expect(after.deadline!.nationalDueAt).toBe('2031-03-10T01:00:00.000Z');
    const again = (await getCase(h, dispatcher, before.id)).body.case as CaseDto;
    expect(again.deadline!.nationalDueAt).toBe('2031-03-06T01:00:00.000Z');
    expect(again.deadline!.dueAt).toBe(before.deadline!.dueAt);
  });

  it('writes calendar.update audit lines with before and after', async () => {
    const second = { holidays: [{ date: '2031-03-04', name: '测试假日' }], workdays: [] };
    expect((await put(cityAdmin, 2031, second)).status).toBe(200);
    const { items } = await h.deps.audit.list({ entityType: 'calendar', entityId: '2031', page: 1, pageSize: 10 });
    expect(items.map((i) => i.action)).toEqual(['calendar.update', 'calendar.update']);
    const [latest, first] = items;
    expect(first).toMatchObject({ actorId: expect.any(String), actorRole: 'admin', before: null, orgNodeCode: '210200' });
    expect((first!.after as { holidays: unknown[] }).holidays).toHaveLength(4);
    expect(latest!.before).toEqual(first!.after);
    expect(latest!.after).toEqual(second);
  });
});

describe('re-computing running clocks on request', () => {
  // Monday 2031-06-02 09:00 Beijing. 01001's Dalian clock is made 16 working hours (Wednesday 09:00), its
  // national clock stays 24 working hours (Thursday 09:00); 01002's clocks are both natural time.
  const JUNE_MONDAY_9 = '2031-06-02T01:00:00Z';
  const WORKING = '01001';
  const NATURAL = '01002';
  const YEAR_BEFORE = { holidays: [{ date: '2031-03-04', name: '测试假日' }], workdays: [] };
  // Tuesday 2031-06-03 becomes a rest day.
  const WITH_TUESDAY = { holidays: [...YEAR_BEFORE.holidays, { date: '2031-06-03', name: '临时休息日' }], workdays: [] };
  const putWith = (s: Session, body: object, query: string) => h.request.put(`/api/v1/admin/calendar/2031${query}`).set(auth(s)).send(body);
  const limits = (code: string, l: object) => h.request.put(`/api/v1/admin/categories/${code}`).set(auth(cityAdmin)).send({ limits: l, reason: '测试时限重算' });
  const inspector = () => as(h, grid);
  const read = async (id: string) => (await getCase(h, dispatcher, id)).body.case as CaseDto;
  const caseRow = async (id: string) => (await h.database.db.select().from(cases).where(eq(cases.id, id)))[0]!;
  let working: CaseDto;
  let national: CaseDto;
  let natural: CaseDto;
  let closed: CaseDto;

  async function dispatchedIn(categoryCode: string): Promise<CaseDto> {
    const c = await reportOk(h, resident, { lat: grid.lat!, lng: grid.lng!, categoryCode });
    await actOk(h, dispatcher, c.id, 'register');
    return actOk(h, dispatcher, c.id, 'dispatch', { complexity: 'simple' });
  }

  beforeAll(async () => {
    h.clock.set(JUNE_MONDAY_9);
    expect((await putWith(cityAdmin, YEAR_BEFORE, '')).status).toBe(200);
    expect((await limits(WORKING, { dalian: { calendar: 'working', hours: { simple: 16 } } })).status).toBe(200);
    expect((await limits(NATURAL, { national: { calendar: 'natural' } })).status).toBe(200);
    working = await dispatchedIn(WORKING);
    national = await dispatchedIn('06010');
    natural = await dispatchedIn(NATURAL);
    closed = await dispatchedIn(WORKING);
    const me = await inspector();
    await actOk(h, me, closed.id, 'sign');
    await handleOk(h, me, closed.id);
    expect((await actOk(h, dispatcher, closed.id, 'verify', { passed: true })).state).toBe('closed');
  });

  it('starts from clocks computed on the calendar without the new rest day', () => {
    expect(working.deadline).toMatchObject({ calendar: 'working', dueAt: '2031-06-04T01:00:00.000Z', nationalDueAt: '2031-06-05T01:00:00.000Z' });
    expect(national.deadline).toMatchObject({ calendar: 'natural', dueAt: '2031-06-03T01:00:00.000Z', nationalDueAt: '2031-06-05T01:00:00.000Z' });
    expect(natural.deadline).toMatchObject({ calendar: 'natural', dueAt: '2031-06-03T01:00:00.000Z', nationalDueAt: '2031-06-03T01:00:00.000Z' });
  });

  it('without recompute, running clocks keep their deadlines', async () => {
    const res = await putWith(cityAdmin, WITH_TUESDAY, '');
    expect(res.status).toBe(200);
    expect(res.body.recomputed).toBeUndefined();
    const again = await read(working.id);
    expect([again.deadline!.dueAt, again.deadline!.nationalDueAt, again.version]).toEqual([working.deadline!.dueAt, working.deadline!.nationalDueAt, working.version]);
    // Back to the lists the clocks were computed on, for the next test.
    expect((await putWith(cityAdmin, YEAR_BEFORE, '')).status).toBe(200);
  });

  it('is for the city admin only, and refuses a flag that is not true or false', async () => {
    expect((await putWith(districtAdmin, WITH_TUESDAY, '?recompute=true')).status).toBe(403);
    expect((await putWith(dispatcher, WITH_TUESDAY, '?recompute=true')).status).toBe(403);
    expect((await putWith(cityAdmin, WITH_TUESDAY, '?recompute=yes')).status).toBe(400);
    expect((await read(working.id)).deadline!.dueAt).toBe(working.deadline!.dueAt);
    expect((await get(cityAdmin, 2031)).body.holidays).toEqual(YEAR_BEFORE.holidays);
  });

  it('with recompute, moves working-time deadlines by the new rest day, records it and re-arms the timers', async () => {
    const res = await putWith(cityAdmin, WITH_TUESDAY, '?recompute=true');
    expect(res.status).toBe(200);
    const body = res.body as CalendarYearDto;
    expect(body.holidays.map((d) => d.date)).toEqual(['2031-03-04', '2031-06-03']);
    // Dalian: Mon 7.5 h, Tue rest, Wed 8 h, Thu 0.5 h → Thursday 09:00. National: 24 h → Friday 09:00.
    expect(body.recomputed!.changed).toBe(2);
    expect(body.recomputed!.examined).toBeGreaterThanOrEqual(2);
    expect(body.recomputed!.cases).toEqual([
      { caseId: national.id, caseNo: national.caseNo, dueAtBefore: '2031-06-03T01:00:00.000Z', dueAtAfter: '2031-06-03T01:00:00.000Z', nationalDueAtBefore: '2031-06-05T01:00:00.000Z', nationalDueAtAfter: '2031-06-06T01:00:00.000Z' },
      { caseId: working.id, caseNo: working.caseNo, dueAtBefore: '2031-06-04T01:00:00.000Z', dueAtAfter: '2031-06-05T01:00:00.000Z', nationalDueAtBefore: '2031-06-05T01:00:00.000Z', nationalDueAtAfter: '2031-06-06T01:00:00.000Z' },
    ]);

    const moved = await read(working.id);
    expect(moved.deadline).toMatchObject({ dueAt: '2031-06-05T01:00:00.000Z', nationalDueAt: '2031-06-06T01:00:00.000Z', startedAt: working.deadline!.startedAt });
    expect([moved.state, moved.version]).toEqual([working.state, working.version + 1]);
    expect(moved.events!.at(-1)).toMatchObject({
      action: 'clock.recomputed', fromState: 'dispatched', toState: 'dispatched', actor: { role: 'admin' },
      data: { year: 2031, dueAtBefore: '2031-06-04T01:00:00.000Z', dueAtAfter: '2031-06-05T01:00:00.000Z', nationalDueAtBefore: '2031-06-05T01:00:00.000Z', nationalDueAtAfter: '2031-06-06T01:00:00.000Z' },
    });
    expect(moved.events!.at(-1)!.note).toMatch(/工作日历/);
    // Only the national clock of the default category moved; its Dalian clock is natural time.
    expect((await read(national.id)).deadline).toMatchObject({ dueAt: national.deadline!.dueAt, nationalDueAt: '2031-06-06T01:00:00.000Z' });
    // Natural time and closed cases are untouched.
    const nat = await read(natural.id);
    expect([nat.deadline!.dueAt, nat.deadline!.nationalDueAt, nat.version]).toEqual([natural.deadline!.dueAt, natural.deadline!.nationalDueAt, natural.version]);
    const shut = await caseRow(closed.id);
    expect([shut.dueAt!.toISOString(), shut.nationalDueAt!.toISOString(), shut.state]).toEqual([closed.deadline!.dueAt, closed.deadline!.nationalDueAt, 'closed']);
    expect((await read(closed.id)).events!.map((e) => e.action)).not.toContain('clock.recomputed');

    // The audit line says a re-computation was asked and how many cases moved.
    const { items } = await h.deps.audit.list({ entityType: 'calendar', entityId: '2031', page: 1, pageSize: 1 });
    expect(items[0]!.after).toMatchObject({ ...WITH_TUESDAY, recompute: { requested: true, changed: 2, examined: body.recomputed!.examined } });
    expect(items[0]!.note).toMatch(/调整 2 件/);

    // The Dalian clock's timers are re-armed from the new deadline (a national-only move needs none: it has no timers).
    const timers = await h.database.db.select().from(outbox).where(and(eq(outbox.caseId, working.id), eq(outbox.topic, 'timer.start'))).orderBy(desc(outbox.id));
    expect(timers[0]!.payload).toMatchObject({ dueAt: '2031-06-05T01:00:00.000Z', startedAt: working.deadline!.startedAt, calendar: 'working', version: moved.version });
    const nationalTimers = await h.database.db.select().from(outbox).where(and(eq(outbox.caseId, national.id), eq(outbox.topic, 'timer.start')));
    expect(nationalTimers.map((t) => t.payload.version)).toEqual([national.version]);
  });

  it('the timers and the overdue sweep follow the new deadline', async () => {
    const d = { clock: h.clock, deadlines: pgDeadlines(h.database) } as unknown as NotifyDeps;
    const sweep = async (): Promise<string[]> => {
      const flagged: string[] = [];
      for (let batch = await sweepOverdue(d); batch.length; batch = await sweepOverdue(d)) flagged.push(...batch);
      return flagged;
    };
    // Wednesday 09:30: past the old deadline, not the new one.
    h.clock.set('2031-06-04T01:30:00Z');
    expect(await onClockTimer(d, { caseId: working.id, version: working.version, stage: 'overdue', dueAt: '2031-06-04T01:00:00.000Z' })).toBe('stale');
    expect(await sweep()).not.toContain(working.id);
    expect((await read(working.id)).deadline!.level).not.toBe('overdue');
    expect((await caseRow(working.id)).clockAlert).not.toBe('overdue');
    // Thursday 09:30: past the new one.
    h.clock.set('2031-06-05T01:30:00Z');
    expect(await sweep()).toContain(working.id);
    expect((await caseRow(working.id)).clockAlert).toBe('overdue');
    expect((await read(working.id)).deadline!.level).toBe('overdue');
  });
});
