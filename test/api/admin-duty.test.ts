import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { DutyMonthDto, SandboxAccount } from '@finecity/types';
import { auditLog, dutyRules, dutySubstitutes, users } from '../../server/src/adapters/postgres/schema.js';
import { admins, actOk, as, auth, getCase, pick, reportOk, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// The duty rota as data (issue 9): the admin's month view, rule / override / substitute changes with their
// audit line and scope, the login's duty flag and the dispatch event's record of who was on duty.
let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let districtCode: string;
let inspectorA: SandboxAccount;
let inspectorB: SandboxAccount;
let otherGrid: SandboxAccount;
let gridCode: string;

const idOf = async (openid: string) => (await h.database.db.select({ id: users.id }).from(users).where(eq(users.openid, openid)))[0]!.id;
const get = (s: Session, q: string) => h.request.get(`/api/v1/admin/duty?${q}`).set(auth(s));
const put = (s: Session, q: string, body: Record<string, unknown>) => h.request.put(`/api/v1/admin/duty?${q}`).set(auth(s)).send(body);
const fields = (body: { error: { details: { field: string }[] } }) => body.error.details.map((d) => d.field);

beforeAll(async () => {
  h = await startHarness();
  ({ cityAdmin, districtAdmin, districtCode } = await admins(h));
  inspectorA = pick(h, 'inspector', (a) => a.orgNodeCode!.startsWith(districtCode) && a.duty === 'A');
  gridCode = inspectorA.orgNodeCode!;
  inspectorB = pick(h, 'inspector', (a) => a.orgNodeCode === gridCode && a.duty === 'B');
  otherGrid = pick(h, 'inspector', (a) => !a.orgNodeCode!.startsWith(districtCode));
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/admin/duty', () => {
  it('shows a grid month day by day under the default rule (A on even days)', async () => {
    const res = await get(cityAdmin, `orgNodeCode=${gridCode}&month=2026-11`);
    expect(res.status).toBe(200);
    const m = res.body as DutyMonthDto;
    expect(m.level).toBe('grid');
    expect(m.rules).toEqual([expect.objectContaining({ districtCode, rule: 'alternate_days', stored: false })]);
    expect(m.days).toHaveLength(30);
    expect(m.days[1]).toEqual({ date: '2026-11-02', slot: 'A', source: 'rule', people: [{ id: await idOf(inspectorA.openid), name: inspectorA.name, post: 'A', substitute: false }] });
    expect(m.days[2]).toMatchObject({ date: '2026-11-03', slot: 'B', people: [{ id: await idOf(inspectorB.openid), post: 'B', substitute: false }] });
  });

  it('refuses other districts to a district admin, non-admins, and bad months', async () => {
    expect((await get(districtAdmin, `orgNodeCode=${otherGrid.orgNodeCode}&month=2026-11`)).status).toBe(403);
    expect((await get(await as(h, inspectorA), `orgNodeCode=${gridCode}&month=2026-11`)).status).toBe(403);
    const bad = await get(cityAdmin, `orgNodeCode=${gridCode}&month=2026-13`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('duty.invalid');
    expect(fields(bad.body)).toEqual(['month']);
    expect((await get(cityAdmin, `orgNodeCode=999999&month=2026-11`)).status).toBe(422);
  });
});

describe('PUT /api/v1/admin/duty', () => {
  it('sets a district rule, audited, superseding the old row', async () => {
    const res = await put(districtAdmin, `orgNodeCode=${districtCode}&month=2026-12`, { rule: 'alternate_weeks', note: '按周轮班' });
    expect(res.status).toBe(200);
    expect((res.body as DutyMonthDto).rules[0]).toMatchObject({ rule: 'alternate_weeks', stored: true, setByName: '区管理员（演示）' });
    const grid = (await get(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`)).body as DutyMonthDto;
    expect(grid.days.find((d) => d.date === '2026-12-06')!.slot).toBe('B'); // ISO week 49
    expect(grid.days.find((d) => d.date === '2026-12-07')!.slot).toBe('A'); // ISO week 50
    expect((await put(districtAdmin, `orgNodeCode=${districtCode}&month=2026-12`, { rule: 'alternate_days' })).status).toBe(200);
    const rows = await h.database.db.select().from(dutyRules).where(eq(dutyRules.districtCode, districtCode));
    expect(rows.map((r) => [r.rule, r.supersededAt === null])).toEqual(expect.arrayContaining([['alternate_weeks', false], ['alternate_days', true]]));
    const audit = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'duty.update'), eq(auditLog.orgNodeCode, districtCode)));
    expect(audit.map((a) => [a.before, a.after])).toEqual([
      [{ rule: 'alternate_days' }, { rule: 'alternate_weeks' }],
      [{ rule: 'alternate_weeks' }, { rule: 'alternate_days' }],
    ]);
    expect(audit[0]!.note).toBe('按周轮班');
  });

  it('sets a grid override and a substitute, shown in the month and in the unit view', async () => {
    const subId = await idOf(inspectorB.openid); // B covers post A (A on leave)
    const res = await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, {
      overrides: [{ date: '2026-12-03', slot: 'A' }],
      substitutes: [{ post: 'A', userId: subId, from: '2026-12-10', to: '2026-12-11' }],
    });
    expect(res.status).toBe(200);
    const m = res.body as DutyMonthDto;
    expect(m.days.find((d) => d.date === '2026-12-03')).toMatchObject({ slot: 'A', source: 'override' });
    expect(m.days.find((d) => d.date === '2026-12-10')!.people).toEqual([{ id: subId, name: inspectorB.name, post: 'A', substitute: true }]);
    expect(m.days.find((d) => d.date === '2026-12-12')!.people[0]!.substitute).toBe(false);
    const unit = (await get(cityAdmin, `orgNodeCode=${districtCode}&month=2026-12`)).body as DutyMonthDto;
    expect(unit.days).toEqual([]);
    expect(unit.overrides).toEqual([expect.objectContaining({ gridCode, date: '2026-12-03', slot: 'A' })]);
    expect(unit.substitutes).toEqual([expect.objectContaining({ gridCode, post: 'A', userId: subId, from: '2026-12-10', to: '2026-12-11' })]);
    // Back to the rule and the substitute cancelled: the rows stay, superseded.
    const back = await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, { overrides: [{ date: '2026-12-03', slot: null }], cancelSubstitutes: [unit.substitutes[0]!.id] });
    expect(back.status).toBe(200);
    expect((back.body as DutyMonthDto).days.find((d) => d.date === '2026-12-03')).toMatchObject({ slot: 'B', source: 'rule' });
    expect((back.body as DutyMonthDto).substitutes).toEqual([]);
    const kept = await h.database.db.select().from(dutySubstitutes).where(eq(dutySubstitutes.gridCode, gridCode));
    expect(kept.map((s) => s.supersededAt !== null)).toEqual([true]);
    const audit = await h.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'duty.update'), eq(auditLog.orgNodeCode, gridCode)));
    expect(audit.at(-1)!.before).toEqual({ overrides: [{ date: '2026-12-03', slot: 'A' }], substitutes: [{ id: unit.substitutes[0]!.id, post: 'A', userId: subId, from: '2026-12-10', to: '2026-12-11' }] });
  });

  it('keeps a district admin out of another district', async () => {
    const res = await put(districtAdmin, `orgNodeCode=${otherGrid.orgNodeCode}&month=2026-12`, { overrides: [{ date: '2026-12-03', slot: 'A' }] });
    expect(res.status).toBe(403);
    expect((await put(districtAdmin, `orgNodeCode=${otherGrid.orgNodeCode!.slice(0, 6)}&month=2026-12`, { rule: 'a_only' })).status).toBe(403);
    expect((await put(cityAdmin, `orgNodeCode=${otherGrid.orgNodeCode}&month=2026-12`, { overrides: [{ date: '2026-12-04', slot: 'B' }] })).status).toBe(200);
  });

  it('answers 422 with every field at fault, and writes nothing', async () => {
    const invited = await idOf(inspectorB.openid);
    await h.database.db.update(users).set({ status: 'invited' }).where(eq(users.id, invited));
    try {
      const res = await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, {
        overrides: [{ date: '2026-11-30', slot: 'A' }, { date: '2026-12-05', slot: 'B' }, { date: '2026-12-05', slot: 'A' }],
        substitutes: [
          { post: 'A', userId: invited, from: '2026-12-01', to: '2026-12-02' },
          { post: 'B', userId: await idOf(inspectorA.openid), from: '2026-12-09', to: '2026-12-08' },
          { post: 'B', userId: await idOf(inspectorA.openid), from: '2026-12-01', to: '2027-03-31' },
          { post: 'B', userId: await idOf(otherGrid.openid), from: '2026-12-01', to: '2026-12-01' },
        ],
      });
      expect(res.status).toBe(422);
      expect(fields(res.body)).toEqual(['overrides.0.date', 'overrides.2.date', 'substitutes.0.userId', 'substitutes.1.to', 'substitutes.2.to', 'substitutes.3.userId']);
      const rule = await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, { rule: 'a_only' });
      expect([rule.status, fields(rule.body)]).toEqual([422, ['rule']]);
      expect(fields((await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, {})).body)).toEqual(['body']);
      expect((await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, { rule: 'weekly' })).status).toBe(400);
      const month = (await get(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`)).body as DutyMonthDto;
      expect(month.overrides.filter((o) => o.gridCode === gridCode)).toEqual([]);
    } finally {
      await h.database.db.update(users).set({ status: 'active' }).where(eq(users.id, invited));
    }
  });
});

describe('the rota drives the login flag and the dispatch record', () => {
  it('records who was on duty in the dispatch event, the substitute when one covers the post', async () => {
    h.clock.set('2026-12-16T02:00:00Z'); // Beijing 2026-12-16: an A day by the rule
    const dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtCode));
    const resident = await as(h, pick(h, 'resident'));
    const at = { lat: inspectorA.lat!, lng: inspectorA.lng! };
    const c1 = await reportOk(h, resident, at);
    await actOk(h, dispatcher, c1.id, 'register');
    await actOk(h, dispatcher, c1.id, 'dispatch', {});
    const ev1 = (await getCase(h, dispatcher, c1.id)).body.case.events.find((e: { action: string }) => e.action === 'dispatch');
    expect(ev1.data.onDuty).toEqual({ slot: 'A', userIds: [await idOf(inspectorA.openid)] });
    const me = await as(h, inspectorA);
    expect((await h.request.get('/api/v1/me').set(auth(me))).body.user.duty).toEqual({ slot: 'A', onDuty: true });

    const subId = await idOf(inspectorB.openid);
    expect((await put(districtAdmin, `orgNodeCode=${gridCode}&month=2026-12`, { substitutes: [{ post: 'A', userId: subId, from: '2026-12-16', to: '2026-12-16' }] })).status).toBe(200);
    const c2 = await reportOk(h, resident, at);
    await actOk(h, dispatcher, c2.id, 'register');
    await actOk(h, dispatcher, c2.id, 'dispatch', { orgNodeCode: gridCode });
    const ev2 = (await getCase(h, dispatcher, c2.id)).body.case.events.find((e: { action: string }) => e.action === 'dispatch');
    expect(ev2.data.onDuty).toEqual({ slot: 'A', userIds: [subId] });
    expect((await h.request.get('/api/v1/me').set(auth(me))).body.user.duty).toEqual({ slot: 'A', onDuty: false });
  });
});
