import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import type { AdminCategoriesDto, AdminCategoryDto, CaseDto, PolicyVersionsDto, SandboxAccount } from '@finecity/types';
import { act, actOk, as, auth, getCase, handleOk, pick, report, reportOk, type Session } from '../support/flows.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { buildSla, useStoredCategories } from '../../server/src/composition.js';
import { createLogger } from '../../server/src/logger.js';

// Categories and time limits as versioned admin data: a city admin renames, re-limits and disables
// categories; each change is a policy version; a case keeps the limits of the version it was reported under.
let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let resident: Session;
let dispatcher: Session;
let inspector: Session;
let grid: SandboxAccount;
let otherGrid: SandboxAccount;
let otherDispatcher: Session;

// Wednesday 2026-11-25 10:00 in Beijing.
const START = '2026-11-25T02:00:00Z';
const HOUR = 3_600_000;
const CAT = '06010';

beforeAll(async () => {
  h = await startHarness({ clock: new TestClock(new Date(START)) });
  const admins = h.accounts.filter((a) => a.role === 'admin');
  cityAdmin = await as(h, admins.find((a) => a.orgNodeCode === '210200')!);
  districtAdmin = await as(h, admins.find((a) => a.orgNodeCode !== '210200')!);
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  otherGrid = pick(h, 'inspector', (a) => a.duty === 'A' && a.orgNodeCode !== grid.orgNodeCode);
  inspector = await as(h, grid);
  resident = await as(h, pick(h, 'resident'));
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 6)));
  otherDispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === otherGrid.orgNodeCode!.slice(0, 6)));
});
afterAll(async () => {
  await h?.close();
});

const list = (s: Session, query = '') => h.request.get(`/api/v1/admin/categories${query}`).set(auth(s));
const put = (s: Session, code: string, body: object) => h.request.put(`/api/v1/admin/categories/${code}`).set(auth(s)).send(body);
const versions = (s: Session, query = '') => h.request.get(`/api/v1/admin/time-limits/versions${query}`).set(auth(s));
const at = (g: SandboxAccount) => ({ lat: g.lat!, lng: g.lng! });

async function category(code: string): Promise<AdminCategoryDto> {
  const res = await list(cityAdmin);
  expect(res.status).toBe(200);
  return (res.body as AdminCategoriesDto).categories.find((c) => c.code === code)!;
}

async function currentVersion(): Promise<number> {
  return ((await list(cityAdmin)).body as AdminCategoriesDto).version.version;
}

/** Reported now, registered and dispatched `hoursLater` (the clock moves), as simple. */
async function dispatchAfter(c: CaseDto, hoursLater: number, who = dispatcher): Promise<CaseDto> {
  await actOk(h, who, c.id, 'register');
  h.clock.advanceHours(hoursLater);
  return actOk(h, who, c.id, 'dispatch', { complexity: 'simple' });
}

const hoursOf = (c: CaseDto, field: 'dueAt' | 'nationalDueAt' = 'dueAt') => (Date.parse(c.deadline![field]!) - Date.parse(c.deadline!.startedAt)) / HOUR;

async function policyVersionOf(caseId: string): Promise<number | null> {
  const res = (await h.database.db.execute(sql`select policy_version from cases where id = ${caseId}`)) as unknown as { rows: { policy_version: number | null }[] };
  return res.rows[0]!.policy_version;
}

describe('categories and time limits (admin)', () => {
  it('are for the city admin only', async () => {
    expect((await list(districtAdmin)).status).toBe(403);
    expect((await put(districtAdmin, CAT, { name: '改名', reason: '测试' })).status).toBe(403);
    expect((await versions(districtAdmin)).status).toBe(403);
    expect((await list(dispatcher)).status).toBe(403);
    expect((await h.request.get('/api/v1/admin/categories')).status).toBe(401);
    expect((await category(CAT)).name).toBe('暴露垃圾');
  });

  it('lists every category with its limits for both clocks and the first version, from the config files', async () => {
    const res = await list(cityAdmin);
    const body = res.body as AdminCategoriesDto;
    expect(body.categories).toHaveLength(250);
    expect(body.version).toMatchObject({ version: 1, createdBy: null, change: null });
    expect(body.gridTypes).toEqual(expect.arrayContaining(['居民区', '海边', '工地']));
    expect(body.defaults.dalian).toEqual({ calendar: 'natural', hours: { simple: 24, complex: 72, urgent: 4 } });
    const c = body.categories.find((x) => x.code === CAT)!;
    expect(c).toMatchObject({ enabled: true, ownLimits: null, gridTypeLimits: {}, department: { code: expect.stringMatching(/^DEPT-/) } });
    expect(c.limits.national).toEqual({ calendar: 'working', hours: { simple: 24, complex: 80, urgent: 8 } });
    // 06001 has its own national limits in config/time-limits.json.
    expect(body.categories.find((x) => x.code === '06001')!.limits.national.hours).toEqual({ simple: 56, complex: 160, urgent: 8 });
    expect(((await list(cityAdmin, '?q=暴露垃圾')).body as AdminCategoriesDto).categories.map((x) => x.code)).toContain(CAT);
  });

  it('renames a category: the picker shows the new name and a version records who, why and what', async () => {
    const before = await currentVersion();
    const res = await put(cityAdmin, CAT, { name: '暴露垃圾（含散落垃圾）', hint: '成堆垃圾请选“积存垃圾渣土”', reason: '名称与市民说法一致' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ changed: true, movedCases: 0, version: { version: before + 1, reason: '名称与市民说法一致', change: { categoryCode: CAT, before: { name: '暴露垃圾' }, after: { name: '暴露垃圾（含散落垃圾）' } } } });
    const picker = await h.request.get('/api/v1/categories');
    expect(picker.status).toBe(200);
    const item = picker.body.categories.find((c: { code: string }) => c.code === CAT);
    expect(item).toMatchObject({ name: '暴露垃圾（含散落垃圾）', hint: '成堆垃圾请选“积存垃圾渣土”' });
    expect(picker.headers.etag).toBe(`"categories-v${before + 1}"`);
    expect((await h.request.get('/api/v1/categories').set('If-None-Match', picker.headers.etag!)).status).toBe(304);

    const v = (await versions(cityAdmin)).body as PolicyVersionsDto;
    expect(v.current).toBe(before + 1);
    expect(v.items[0]).toMatchObject({ version: before + 1, createdBy: { id: expect.any(String), name: expect.any(String) } });
    expect(v.items[v.items.length - 1]!.version).toBe(1);
    expect(((await versions(cityAdmin, `?categoryCode=${CAT}`)).body as PolicyVersionsDto).items.every((x) => x.change?.categoryCode === CAT)).toBe(true);

    const { items } = await h.deps.audit.list({ entityType: 'category', entityId: CAT, page: 1, pageSize: 10 });
    expect(items.find((i) => i.action === 'category.update')).toMatchObject({ before: { name: '暴露垃圾' }, after: { name: '暴露垃圾（含散落垃圾）', version: before + 1 }, note: '名称与市民说法一致' });

    // The case page names it as renamed, for cases reported before the rename too.
    const c = await reportOk(h, resident, at(grid));
    expect(((await getCase(h, dispatcher, c.id)).body.case as CaseDto).category).toMatchObject({ code: CAT, name: '暴露垃圾（含散落垃圾）' });

    // The same body again changes nothing and writes no version.
    const again = await put(cityAdmin, CAT, { name: '暴露垃圾（含散落垃圾）', reason: '重复提交' });
    expect(again.body).toMatchObject({ changed: false, version: { version: before + 1 } });
  });

  it('applies a time-limit change to cases reported after it only, on dispatch and on rework', async () => {
    const old = await reportOk(h, resident, at(grid));
    const res = await put(cityAdmin, CAT, { limits: { dalian: { hours: { simple: 12 } }, national: { calendar: 'natural', hours: { simple: 20 } } }, reason: '创城期间压缩时限' });
    expect(res.status).toBe(200);
    const v = res.body.version.version as number;
    expect(res.body.category.limits.dalian.hours).toEqual({ simple: 12, complex: 72, urgent: 4 });
    expect(res.body.category.ownLimits).toEqual({ dalian: { hours: { simple: 12 } }, national: { calendar: 'natural', hours: { simple: 20 } } });
    const fresh = await reportOk(h, resident, at(grid));
    expect(await policyVersionOf(old.id)).toBe(v - 1);
    expect(await policyVersionOf(fresh.id)).toBe(v);

    // Both are dispatched after the change.
    const oldOne = await dispatchAfter(old, 1);
    const newOne = await dispatchAfter(fresh, 0);
    expect(hoursOf(oldOne)).toBe(24);
    expect(oldOne.deadline!.calendar).toBe('natural');
    expect(hoursOf(newOne)).toBe(12);
    expect(hoursOf(newOne, 'nationalDueAt')).toBe(20);

    // Rework (verification failed) starts a new clock, again on the case's own version.
    await actOk(h, inspector, old.id, 'sign');
    await handleOk(h, inspector, old.id);
    const reworked = await actOk(h, dispatcher, old.id, 'verify', { passed: false, note: '仍有垃圾' });
    expect(reworked.reworkCount).toBe(1);
    expect(hoursOf(reworked)).toBe(24);

    const { items } = await h.deps.audit.list({ entityType: 'category', entityId: CAT, page: 1, pageSize: 10 });
    expect(items.find((i) => i.action === 'time_limits.update')).toMatchObject({
      before: { own: null }, after: { own: { dalian: { hours: { simple: 12 } } }, version: v }, note: '创城期间压缩时限',
    });
  });

  it("applies a grid type's own limits to cases in grids of that type", async () => {
    await h.database.db.execute(sql`update org_nodes set grid_type = '海边' where code = ${otherGrid.orgNodeCode!}`);
    await h.deps.org.refresh();
    expect(h.deps.org.get(otherGrid.orgNodeCode!)?.gridType).toBe('海边');
    const res = await put(cityAdmin, CAT, { gridTypeLimits: { 海边: { dalian: { hours: { simple: 6, urgent: 2 } } } }, reason: '海边垃圾随潮扩散' });
    expect(res.status).toBe(200);
    expect(res.body.category.gridTypeLimits['海边'].dalian.hours).toEqual({ simple: 6, complex: 72, urgent: 2 });
    // The category's own 12 h still applies elsewhere.
    expect(res.body.category.limits.dalian.hours.simple).toBe(12);

    const seaside = await dispatchAfter(await reportOk(h, resident, at(otherGrid)), 0, otherDispatcher);
    const inland = await dispatchAfter(await reportOk(h, resident, at(grid)), 0);
    expect(hoursOf(seaside)).toBe(6);
    expect(hoursOf(seaside, 'nationalDueAt')).toBe(20);
    expect(hoursOf(inland)).toBe(12);

    // A type may be named by its alias (half-width brackets); it is stored under its own name.
    const alias = await put(cityAdmin, CAT, { gridTypeLimits: { '商业区(公共区)': { national: { hours: { simple: 16 } } } }, reason: '商业区提速' });
    expect(alias.status).toBe(200);
    expect(Object.keys(alias.body.category.gridTypeLimits).sort()).toEqual(['商业区（公共区）', '海边']);
    expect((await put(cityAdmin, CAT, { gridTypeLimits: { '商业区（公共区）': null }, reason: '撤销' })).status).toBe(200);

    // Removing the type's limits: back to the category's.
    const removed = await put(cityAdmin, CAT, { gridTypeLimits: { 海边: null }, reason: '恢复' });
    expect(removed.body.category.gridTypeLimits).toEqual({});
    expect(hoursOf(await dispatchAfter(await reportOk(h, resident, at(otherGrid)), 0, otherDispatcher))).toBe(12);
  });

  it('refuses impossible limits and bad fields with a 422 naming each field, and stores nothing', async () => {
    const before = await currentVersion();
    const bad = await put(cityAdmin, CAT, {
      limits: { dalian: { hours: { simple: 0, complex: -3 } }, national: { hours: { urgent: 24 * 91 } } },
      gridTypeLimits: { 沙漠: { dalian: { hours: { simple: 1 } } } },
      department: 'DEPT-NOPE',
      reason: '测试',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('category.invalid');
    const fields = (bad.body.error.details.fields as { field: string; message: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['department', 'gridTypeLimits.沙漠', 'limits.dalian.hours.complex', 'limits.dalian.hours.simple', 'limits.national.hours.urgent'].sort());
    expect(bad.body.error.details.fields.every((f: { message: string }) => /[\u4e00-\u9fa5]/.test(f.message))).toBe(true);

    // simple longer than complex, urgent longer than simple.
    const order = await put(cityAdmin, CAT, { limits: { dalian: { hours: { simple: 100 } }, national: { hours: { urgent: 30 } } }, reason: '测试' });
    expect(order.status).toBe(422);
    expect(order.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limits.dalian.hours.simple', 'limits.national.hours.urgent']);
    const typeOrder = await put(cityAdmin, CAT, { gridTypeLimits: { 工地: { dalian: { hours: { urgent: 48 } } } }, reason: '测试' });
    expect(typeOrder.status).toBe(422);
    expect(typeOrder.body.error.details.fields[0].field).toBe('gridTypeLimits.工地.dalian.hours.urgent');

    expect((await put(cityAdmin, CAT, { limits: { dalian: { hours: { simple: '12' } } }, reason: '测试' })).status).toBe(400);
    expect((await put(cityAdmin, CAT, { name: '无原因' })).status).toBe(400);
    const dup = await put(cityAdmin, CAT, { name: '积存垃圾渣土', reason: '测试' });
    expect(dup.status).toBe(422);
    expect(dup.body.error.details.fields).toEqual([{ field: 'name', message: expect.stringContaining('重复') }]);
    expect((await put(cityAdmin, '99999', { name: '不存在', reason: '测试' })).status).toBe(404);
    expect(await currentVersion()).toBe(before);
    expect((await category(CAT)).limits.dalian.hours.simple).toBe(12);
  });

  it('refuses to disable a category with open cases unless they are mapped to another one, then moves them', async () => {
    const all = ((await list(cityAdmin)).body as AdminCategoriesDto).categories;
    const victim = all.find((c) => c.code !== CAT && c.enabled && !c.urgent && c.code.startsWith('06'))!;
    const open = await reportOk(h, resident, { ...at(grid), categoryCode: victim.code });
    const rejected = await reportOk(h, resident, { ...at(grid), categoryCode: victim.code });
    await actOk(h, dispatcher, rejected.id, 'reject', { note: '重复上报' });
    const before = await currentVersion();

    const refused = await put(cityAdmin, victim.code, { enabled: false, reason: '并入暴露垃圾' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'category.has_open_cases', details: { openCases: 1 } });
    expect((await put(cityAdmin, victim.code, { enabled: false, mapOpenCasesTo: victim.code, reason: '测试' })).status).toBe(422);
    expect((await put(cityAdmin, victim.code, { mapOpenCasesTo: CAT, reason: '测试' })).status).toBe(422);
    expect((await put(cityAdmin, victim.code, { enabled: false, mapOpenCasesTo: '99999', reason: '测试' })).status).toBe(422);
    expect(await currentVersion()).toBe(before);
    expect((await getCase(h, dispatcher, open.id)).body.case.category.code).toBe(victim.code);

    const res = await put(cityAdmin, victim.code, { enabled: false, mapOpenCasesTo: CAT, reason: '并入暴露垃圾' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ movedCases: 1, category: { enabled: false }, version: { version: before + 1, change: { movedCases: 1 } } });
    expect((await getCase(h, dispatcher, open.id)).body.case.category.code).toBe(CAT);
    // The rejected case keeps its category and its name.
    const kept = (await getCase(h, dispatcher, rejected.id)).body.case as CaseDto;
    expect(kept.category).toMatchObject({ code: victim.code, name: victim.name });

    // Gone from the picker; a report with it is refused clearly.
    const picker = await h.request.get('/api/v1/categories');
    expect(picker.body.categories.some((c: { code: string }) => c.code === victim.code)).toBe(false);
    expect(picker.body.categories).toHaveLength(249);
    const refusedReport = await report(h, resident, { ...at(grid), categoryCode: victim.code });
    expect(refusedReport.status).toBe(422);
    expect(refusedReport.body.error.code).toBe('category.disabled');
    expect(refusedReport.body.error.message).toContain('已停用');
    // No category may take cases from a disabled one.
    const third = all.find((c) => c.code !== CAT && c.code !== victim.code && c.enabled && !c.urgent)!;
    await reportOk(h, resident, { ...at(grid), categoryCode: third.code });
    expect((await put(cityAdmin, third.code, { enabled: false, mapOpenCasesTo: victim.code, reason: '测试' })).status).toBe(422);
    expect(((await list(cityAdmin, '?enabled=false')).body as AdminCategoriesDto).categories.map((c) => c.code)).toEqual([victim.code]);

    const moved = await h.deps.audit.list({ entityType: 'case', entityId: open.id, page: 1, pageSize: 10 });
    expect(moved.items.find((i) => i.action === 'category.map_open_cases')).toMatchObject({
      before: { categoryCode: victim.code, caseNo: open.caseNo }, after: { categoryCode: CAT, version: before + 1 }, orgNodeCode: grid.orgNodeCode!.slice(0, 6),
    });
    const upd = await h.deps.audit.list({ entityType: 'category', entityId: victim.code, page: 1, pageSize: 10 });
    expect(upd.items.find((i) => i.action === 'category.update')).toMatchObject({ before: { enabled: true }, after: { enabled: false } });

    // Enabled again: back in the picker; the moved case stays where it was moved.
    expect((await put(cityAdmin, victim.code, { enabled: true, reason: '恢复' })).status).toBe(200);
    expect((await h.request.get('/api/v1/categories')).body.categories).toHaveLength(250);
    expect((await act(h, dispatcher, open.id, 'register')).status).toBe(200);
  });

  it('reaches other processes on their next refresh, and at once when one of their cases needs the version', async () => {
    // A second catalogue on the same database stands for another API process.
    const other = await useStoredCategories(h.database, h.deps.policy, buildSla(h.deps.policy), createLogger('silent'), 100);
    const other2 = await useStoredCategories(h.database, h.deps.policy, buildSla(h.deps.policy), createLogger('silent'), 3_600_000);
    try {
      const v = other.current().version;
      expect(v).toBe(await currentVersion());
      expect((await put(cityAdmin, CAT, { limits: { dalian: { hours: { simple: 10 } } }, reason: '再压缩' })).status).toBe(200);
      // Its timer (every 100 ms here, a minute by default) reads the new version; wait up to 5 s on a busy machine.
      for (let i = 0; i < 50 && other.current().version === v; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(other.current().version).toBe(v + 1);
      expect(other.limits(v + 1).byCategory[CAT]?.dalian?.hours?.simple).toBe(10);
      // The old version stays: cases reported under it keep 12 h.
      expect(other.limits(v).byCategory[CAT]?.dalian?.hours?.simple).toBe(12);
      // Not refreshed for an hour: a dispatch of a case of the new version reads it first.
      expect(other2.current().version).toBe(v);
      await other2.ensureVersion(v + 1);
      expect(other2.current().version).toBe(v + 1);
      expect(other2.get(CAT)?.name).toBe('暴露垃圾（含散落垃圾）');
    } finally {
      other.stop();
      other2.stop();
    }
  });
});
