import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CalendarYearDto, CaseDto, SandboxAccount } from '@finecity/types';
import { actOk, as, auth, getCase, pick, reportOk, type Session } from '../support/flows.js';
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
