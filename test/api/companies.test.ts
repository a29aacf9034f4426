import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { CaseDto, CompanyDto, CompanyMissedDto, CompanyMonthDto, CoverageDto, PublicRankingsDto, ScorecardDto } from '@finecity/types';
import { signPayload } from '../../server/src/usecases/channels/signing.js';
import { runCompanyWeekly } from '../../server/src/usecases/companies/weekly.js';
import { actOk, auth, handleOk, reportOk, type Session } from '../support/flows.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';
import { delivered, eventually, queuesIdle } from '../notifications/support.js';

// Third-party inspection companies (issue 11, item 4) on a hand-moved clock: the seeded demo company and its
// contract, the company's scope (contracted grids only, no reporter identity, no city stats, the verify switch),
// 日巡查 check-ins and coverage, 周反馈 in the district group, 月评估 with 漏查 in the scorecard engine and the
// public rankings, and the 执法部门 cross-check list.

let h: Harness;
const clock = new TestClock(new Date('2026-10-12T01:00:00Z'));
/** Beijing wall time → the test clock. */
const at = (beijing: string) => clock.set(`${beijing}+08:00`);

interface Grid { code: string; name: string; lat: number; lng: number }
let G1: Grid; // contracted (the demo community's first grid)
let G2: Grid; // contracted (same community)
let OUT: Grid; // another district: not contracted
let district: string;
let company: CompanyDto;

const sessions = new Map<string, Session>();
async function login(openid: string): Promise<Session> {
  if (!sessions.has(openid)) {
    const { token, user } = await h.login(`sandbox:${openid}`);
    sessions.set(openid, { token, account: { code: `sandbox:${openid}`, openid, role: user.roles[0]!, orgNodeCode: user.orgNodeCode, name: user.name } });
  }
  return sessions.get(openid)!;
}
const city = () => h.deps.org.all().find((n) => n.level === 'city')!.code;
const tp = () => login(`staff-${city()}-TP01`);
const cityAdmin = () => login(`staff-${city()}-ADM`);
const cityStaff = () => login(`staff-${city()}-01`);
const dispatcher = () => login(`staff-${district}-01`);
const enforcement = () => login(`staff-${district}-ZF01`);
const inspector = (g: Grid) => login(`staff-${g.code}A`);
const community = (g: Grid) => login(`staff-${g.code.slice(0, 11)}-01`);
const resident = () => login('resident-01');
const place = (g: Grid) => ({ lat: g.lat, lng: g.lng });

async function centroid(code: string): Promise<Grid> {
  const res = await h.database.db.execute(sql`select code, name, centroid_lat as lat, centroid_lng as lng from org_nodes where code = ${code}`);
  const r = (res as unknown as { rows: { code: string; name: string; lat: number; lng: number }[] }).rows[0]!;
  return { code: r.code, name: r.name, lat: Number(r.lat), lng: Number(r.lng) };
}

/** A grid whose centroid the locator puts back inside it. */
async function locatable(codes: string[]): Promise<Grid[]> {
  const out: Grid[] = [];
  for (const code of codes) {
    const g = await centroid(code);
    if (h.deps.locator.locate(g.lat, g.lng)?.gridCode === code) out.push(g);
  }
  return out;
}

const get = async <T>(s: Session, url: string, status = 200): Promise<T> => {
  const res = await h.request.get(url).set(auth(s));
  expect({ url, status: res.status, body: res.status === status ? null : res.body }).toEqual({ url, status, body: null });
  return res.body as T;
};
const saveCompany = (s: Session, body: Record<string, unknown>) => h.request.post('/api/v1/admin/companies').set(auth(s)).send(body);
const companyBody = (c: CompanyDto, patch: Partial<CompanyDto> = {}) => {
  const { id, name, contractStart, contractEnd, mayVerify, patrolFrom, patrolTo, gridCodes } = { ...c, ...patch };
  return { id, name, contractStart, contractEnd, mayVerify, patrolFrom, patrolTo, gridCodes };
};

beforeAll(async () => {
  h = await startHarness({ clock, notifications: { robotWindowMs: 2000 } });
  const admin = await cityAdmin();
  company = (await get<{ companies: CompanyDto[] }>(admin, '/api/v1/admin/companies')).companies.find((c) => c.id === 'demo')!;
  const grids = await locatable(company.gridCodes);
  [G1, G2] = [grids[0]!, grids[1]!];
  district = h.deps.org.get(G1.code)!.path.split('/').filter(Boolean)[1]!;
  const others = h.deps.org.all().filter((n) => n.level === 'grid' && !n.path.includes(`/${district}/`)).slice(0, 20).map((n) => n.code);
  OUT = (await locatable(others))[0]!;
}, 120_000);
afterAll(async () => {
  await h?.close();
});

describe('the company and its contract', () => {
  it('seeds a demo company with the first demo community\'s grids and the seeded third-party inspector attached', () => {
    expect(company).toMatchObject({ id: 'demo', mayVerify: true, patrolFrom: '08:00', patrolTo: '18:00', active: true });
    expect(company.gridCodes.length).toBeGreaterThanOrEqual(2);
    expect(company.inspectors).toBe(1);
  });

  it('lets a city admin create and update a company, and refuses bad contracts and other roles', async () => {
    const admin = await cityAdmin();
    const body = { id: 'acme01', name: '示例巡查公司', contractStart: '2026-01-01', contractEnd: '2026-12-31', gridCodes: [OUT.code] };
    const created = await saveCompany(admin, body);
    expect(created.status).toBe(201);
    expect(created.body.company).toMatchObject({ id: 'acme01', mayVerify: false, patrolFrom: '08:00', gridCodes: [OUT.code], inspectors: 0 });
    const updated = await saveCompany(admin, { ...body, mayVerify: true, patrolFrom: '07:30' });
    expect(updated.status).toBe(200);
    expect((await get<{ company: CompanyDto }>(admin, '/api/v1/admin/companies/acme01')).company).toMatchObject({ mayVerify: true, patrolFrom: '07:30' });
    const bad = await saveCompany(admin, { ...body, contractEnd: '2025-12-31', gridCodes: ['210299999999999'] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('company.invalid');
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['contractEnd', 'gridCodes.0']);
    expect((await saveCompany(admin, { ...body, id: 'Bad Id' })).status).toBe(400);
    expect((await saveCompany(await dispatcher(), body)).status).toBe(403);
    await get(admin, '/api/v1/admin/companies/nosuch', 404);
    await get(await tp(), '/api/v1/admin/companies', 403);
  });

  it('attaches a third-party staff member to a company, for city admins only', async () => {
    const admin = await cityAdmin();
    const { user } = await h.login(`sandbox:staff-${city()}-TP01`);
    const attach = (s: Session, companyId: string, userId = user.id) => h.request.post(`/api/v1/admin/companies/${companyId}/staff`).set(auth(s)).send({ userId });
    expect((await attach(admin, 'acme01')).status).toBe(204);
    expect((await get<{ company: CompanyDto }>(admin, '/api/v1/admin/companies/acme01')).company.inspectors).toBe(1);
    expect((await attach(admin, 'demo')).status).toBe(204);
    expect((await get<{ company: CompanyDto }>(admin, '/api/v1/admin/companies/demo')).company.inspectors).toBe(1);
    const dUser = (await h.login(`sandbox:staff-${district}-01`)).user;
    expect((await attach(admin, 'demo', dUser.id)).status).toBe(404);
    expect((await attach(admin, 'nosuch')).status).toBe(404);
    expect((await attach(await dispatcher(), 'demo')).status).toBe(403);
  });
});

describe('月评估 with 漏查, 周反馈 and the cross-check list (October 2026)', () => {
  let findA: CaseDto;
  let findB: CaseDto;
  const missedNos: string[] = [];

  it('builds a week of finds, check-ins and other channels\' reports', async () => {
    at('2026-10-12T09:00:00');
    const checkin = await h.request.post('/api/v1/patrol/checkins').set(auth(await tp())).send(place(G1));
    expect(checkin.status).toBe(201);
    expect(checkin.body).toMatchObject({ gridCode: G1.code, day: '2026-10-12', companyId: 'demo' });
    at('2026-10-12T09:10:00');
    findA = await reportOk(h, await tp(), { ...place(G1), categoryCode: '06010' });
    expect(findA.source).toBe('third_party');
    at('2026-10-12T10:00:00'); // the public reports what the company found 50 minutes before: not missed
    await reportOk(h, await resident(), { ...place(G1), categoryCode: '06010' });
    at('2026-10-13T10:00:00'); // enforcement, 24 h 50 min after the company's find: outside the 24 h window → 漏查
    const enf = await reportOk(h, await enforcement(), { ...place(G1), categoryCode: '06010' });
    expect(enf.source).toBe('enforcement');
    missedNos.push(enf.caseNo);
    at('2026-10-13T20:00:00'); // after the patrol hours (08:00–18:00): not missed
    await reportOk(h, await resident(), { ...place(G1), categoryCode: '06010' });
    at('2026-10-14T09:00:00');
    findB = await reportOk(h, await tp(), { ...place(G1), categoryCode: '06020', description: '人行道有杂物' });
    at('2026-10-14T11:00:00'); // a resident in the other contracted grid, nothing found there → 漏查
    missedNos.push((await reportOk(h, await resident(), { ...place(G2), categoryCode: '06010' })).caseNo);
    at('2026-10-14T12:00:00'); // outside the contract's grids: not the company's concern
    await reportOk(h, await resident(), { ...place(OUT), categoryCode: '06010' });
    // The district registers find A and takes it to closure; it rejects find B on review.
    at('2026-10-14T14:00:00');
    const d = await dispatcher();
    await actOk(h, d, findA.id, 'register');
    await actOk(h, d, findA.id, 'dispatch');
    await actOk(h, await inspector(G1), findA.id, 'sign');
    await handleOk(h, await inspector(G1), findA.id);
    await actOk(h, await community(G1), findA.id, 'verify', { passed: true });
    await actOk(h, d, findB.id, 'reject', { note: '不属于城市管理问题' });
  }, 120_000);

  it('posts the company\'s week to the district group: finds per grid, coverage, finds rejected on review; once per schedule', async () => {
    at('2026-10-19T08:30:00'); // Monday
    const before = h.sandbox.messages({ limit: 1 }).at(-1)?.id ?? 0;
    const sent = await runCompanyWeekly(h.deps, h.notifier!.notify);
    expect(sent).toMatchObject({ at: '2026-W42', label: '2026年第42周（10月12日—10月18日）' });
    expect(sent.messages).toContainEqual({ companyId: 'demo', group: district });
    await runCompanyWeekly(h.deps, h.notifier!.notify); // the schedule firing twice posts once
    const text = await eventually(async () => delivered(h, { group: district, afterId: before }).find((m) => m.msgtype === 'markdown' && m.content.includes('第三方巡查周反馈')), 30_000, '周反馈');
    expect(text.content).toContain('2026年第42周（10月12日—10月18日）');
    expect(text.content).toContain('公司：大连城市巡查服务有限公司（演示）');
    expect(text.content).toContain('发现量：2 件，复核退回：1 件');
    expect(text.content).toContain(`覆盖：1/${company.gridCodes.filter((g) => h.deps.org.get(g)!.path.includes(`/${district}/`)).length * 7} 网格·天`);
    expect(text.content).toContain(`1. ${G1.name}：2 件`);
    expect(text.content).toContain(`- ${findB.caseNo} `);
    expect(text.content).toContain('不属于城市管理问题');
    expect(text.content).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await queuesIdle(h);
    expect(delivered(h, { group: district, afterId: before }).filter((m) => m.msgtype === 'markdown' && m.content.includes('第三方巡查周反馈'))).toHaveLength(1);
  }, 60_000);

  it('re-sends the 周反馈 by hand for city staff only', async () => {
    const res = await h.request.post('/api/v1/companies/weekly/send').set(auth(await cityStaff())).send({ at: '2026-W42' });
    expect(res.status).toBe(202);
    expect(res.body.messages).toContainEqual({ companyId: 'demo', group: district });
    expect((await h.request.post('/api/v1/companies/weekly/send').set(auth(await dispatcher())).send({ at: '2026-W42' })).status).toBe(403);
    expect((await h.request.post('/api/v1/companies/weekly/send').set(auth(await cityStaff())).send({ at: 'W42' })).status).toBe(400);
  });

  it('computes the month: 发现量, 复核量, 有效率, 办结量, 覆盖率 and 漏查 by the configured window and patrol hours', async () => {
    at('2026-11-01T09:30:00');
    const m = await get<CompanyMonthDto>(await tp(), '/api/v1/companies/demo/month?month=2026-10');
    const gridDays = company.gridCodes.length * 31;
    const coverageRate = Math.round((1 / gridDays) * 1000) / 10;
    expect(m).toMatchObject({ finds: 2, confirmed: 1, validRate: 50, closed: 1, missed: 2, missRate: 50, coverageRate, label: '2026年10月' });
    expect(m.score).toBe(Math.round(((40 * coverageRate + 30 * 50 + 30 * 50) / 100) * 10) / 10);
    expect(m.missedCases.map((c) => c.caseNo)).toEqual(missedNos);
    expect(m.missedCases.map((c) => c.sourceLabel)).toEqual(['执法巡查', '市民（小程序）']);
    expect(m.grids.find((g) => g.gridCode === G1.code)).toMatchObject({ daysVisited: 1, daysDue: 31, finds: 2 });
    // Another company's page is not this inspector's to read; enforcement reads it.
    await get(await tp(), '/api/v1/companies/acme01/month?month=2026-10', 403);
    await get(await enforcement(), '/api/v1/companies/demo/month?month=2026-10');
  });

  it('lists each company\'s 漏查 of the month for the 执法部门 cross-check', async () => {
    const list = await get<CompanyMissedDto>(await enforcement(), '/api/v1/companies/missed?month=2026-10');
    const demo = list.companies.find((c) => c.companyId === 'demo')!;
    expect(demo.missed).toBe(2);
    expect(demo.cases.map((c) => [c.caseNo, c.gridCode, c.source])).toEqual([[missedNos[0], G1.code, 'enforcement'], [missedNos[1], G2.code, 'miniprogram']]);
    expect(demo.cases[0]!.categoryName).not.toBe('06010');
    // acme01's one grid had a resident's report at 12:00 inside its hours (07:30–18:00) and no find of its own.
    expect(list.companies.find((c) => c.companyId === 'acme01')).toMatchObject({ missed: 1 });
    await get(await tp(), '/api/v1/companies/missed?month=2026-10', 403);
    await get(await enforcement(), '/api/v1/companies/missed?month=2026-13', 400);
  });

  it('publishes the company level with the month and shows 发现量、复核量、办结量 in the public rankings', async () => {
    const pub = await h.request.post('/api/v1/assessment/publications').set(auth(await cityStaff())).send({ period: 'month', at: '2026-10' });
    expect(pub.status).toBe(201);
    const card = await get<ScorecardDto>(await cityStaff(), '/api/v1/assessment/scorecards?period=month&at=2026-10&level=company');
    const row = card.rows.find((r) => r.orgNodeCode === 'demo')!;
    expect(card.published).toBe(true);
    expect(row.indicators).toMatchObject({ companyFinds: 2, companyConfirmed: 1, companyClosed: 1, missed: 2 });
    const street = await get<ScorecardDto>(await cityStaff(), '/api/v1/assessment/scorecards?period=month&at=2026-10&level=street');
    expect(street.rows[0]!.indicators.companyFinds).toBeNull();
    const res = await h.request.get('/api/v1/public/rankings?period=month&at=2026-10');
    expect(res.status).toBe(200);
    const pr = res.body as PublicRankingsDto;
    expect(pr.companies?.find((c) => c.name === '大连城市巡查服务有限公司（演示）')).toMatchObject({ finds: 2, confirmed: 1, closed: 1, rank: 1 });
    expect(JSON.stringify(pr.companies)).not.toContain('TP01');
  }, 60_000);

  it('exports the company level as XLSX with the company indicators, and keeps them off the street sheet', async () => {
    const res = await h.request
      .get('/api/v1/assessment/scorecards.xlsx?period=month&at=2026-10&level=company,street')
      .set(auth(await cityStaff()))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('第三方公司')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['发现量', '复核量', '有效率(%)', '办结量', '覆盖率(%)', '漏查数', '漏查率(%)']));
    let demo: unknown[] = [];
    sheet.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      if (v[1] === 'demo') demo = v;
    });
    expect([demo[header.indexOf('发现量')], demo[header.indexOf('漏查数')], demo[header.indexOf('有效率(%)')]]).toEqual([2, 2, 50]);
    expect((wb.getWorksheet('街道')!.getRow(1).values as unknown[]).slice(1)).not.toContain('发现量');
  });
});

describe('finds that come in through the company\'s own system (channel tp-demo, September 2026)', () => {
  it('opens them as the company\'s cases and counts them in its month', async () => {
    at('2026-09-10T09:00:00');
    const raw = JSON.stringify({ ticketNo: 'DEMO-20260910-001', receivedAt: '2026-09-10T08:55:00+08:00', content: '人行道上有垃圾堆放', categoryCode: '06010', ...place(G1) });
    const timestamp = String(Math.floor(clock.now().getTime() / 1000));
    const nonce = 'demo-nonce-20260910-001';
    const secret = h.deps.channelSecret('tp-demo');
    expect(secret).toBeTruthy();
    const res = await h.request
      .post('/api/v1/channels/tp-demo/tickets')
      .set({ 'Content-Type': 'application/json', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signPayload(secret!, timestamp, nonce, raw) })
      .send(raw);
    expect(res.status).toBe(201);
    const opened = await get<{ case: CaseDto }>(await dispatcher(), `/api/v1/cases/${res.body.caseId}`);
    expect(opened.case).toMatchObject({ source: 'third_party', caseNo: res.body.caseNo });
    at('2026-10-01T09:00:00');
    const m = await get<CompanyMonthDto>(await tp(), '/api/v1/companies/demo/month?month=2026-09');
    expect(m).toMatchObject({ finds: 1, confirmed: 0, closed: 0, missed: 0 });
  });
});

describe('the company\'s scope and 日巡查 (25 November 2026)', () => {
  let inside: CaseDto;
  let outside: CaseDto;

  beforeAll(async () => {
    at('2026-11-25T10:00:00');
    inside = await reportOk(h, await resident(), { ...place(G1), categoryCode: '06010' });
    outside = await reportOk(h, await resident(), { ...place(OUT), categoryCode: '06010' });
  });

  it('lists and opens only cases in the contracted grids', async () => {
    const s = await tp();
    const list = await get<{ items: CaseDto[] }>(s, '/api/v1/cases?pageSize=100');
    const ids = list.items.map((c) => c.id);
    expect(ids).toContain(inside.id);
    expect(ids).not.toContain(outside.id);
    expect(list.items.every((c) => c.grid && company.gridCodes.includes(c.grid.code))).toBe(true);
    await get(s, `/api/v1/cases/${outside.id}`, 404);
  });

  it('never shows the company who reported, while the district dispatcher sees the name', async () => {
    const seen = (await get<{ case: CaseDto }>(await tp(), `/api/v1/cases/${inside.id}`)).case;
    const submit = seen.events!.find((e) => e.action === 'submit')!;
    expect(submit.actor.id).toBeNull();
    expect(submit.actor.name).not.toContain('市民演示账号');
    expect(JSON.stringify(seen)).not.toContain('市民演示账号');
    const staff = (await get<{ case: CaseDto }>(await dispatcher(), `/api/v1/cases/${inside.id}`)).case;
    expect(staff.events!.find((e) => e.action === 'submit')!.actor.name).toBe('市民演示账号01');
    // Nor in the comments: the reporter's public reply shows no name to the company.
    const said = await h.request.post(`/api/v1/cases/${inside.id}/comments`).set(auth(await resident())).send({ body: '垃圾还在，请尽快处理' });
    expect(said.status).toBe(201);
    const comments = await get<{ items: { authorName: string; body: string }[] }>(await tp(), `/api/v1/cases/${inside.id}/comments`);
    expect(comments.items.map((c) => [c.body, c.authorName])).toEqual([['垃圾还在，请尽快处理', '匿名']]);
  });

  it('reads no city-level stats or scorecards', async () => {
    await get(await tp(), '/api/v1/stats/overview?period=day', 403);
    await get(await tp(), '/api/v1/assessment/scorecards?period=month&at=2026-10&level=district', 403);
  });

  it('verifies a handled case in its grids only while the contract allows it', async () => {
    const d = await dispatcher();
    await actOk(h, d, inside.id, 'register');
    await actOk(h, d, inside.id, 'dispatch');
    await actOk(h, await inspector(G1), inside.id, 'sign');
    await handleOk(h, await inspector(G1), inside.id);
    const s = await tp();
    expect((await get<{ case: CaseDto }>(s, `/api/v1/cases/${inside.id}`)).case.allowedActions).toContain('verify');
    const admin = await cityAdmin();
    expect((await saveCompany(admin, companyBody(company, { mayVerify: false }))).status).toBe(200);
    expect((await get<{ case: CaseDto }>(s, `/api/v1/cases/${inside.id}`)).case.allowedActions).not.toContain('verify');
    const refused = await h.request.post(`/api/v1/cases/${inside.id}/actions/verify`).set(auth(s)).send({ passed: true });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'auth.forbidden']);
    expect((await saveCompany(admin, companyBody(company, { mayVerify: true }))).status).toBe(200);
    const closed = await actOk(h, s, inside.id, 'verify', { passed: true });
    expect(closed.state).toBe('closed');
  });

  it('checks in on site in a contracted grid, refuses a grid outside the contract or outside every grid', async () => {
    const s = await tp();
    const ok = await h.request.post('/api/v1/patrol/checkins').set(auth(s)).send(place(G2));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ gridCode: G2.code, gridName: G2.name, day: '2026-11-25', companyId: 'demo' });
    const out = await h.request.post('/api/v1/patrol/checkins').set(auth(s)).send(place(OUT));
    expect([out.status, out.body.error.code]).toEqual([422, 'patrol.outside_contract']);
    const nowhere = await h.request.post('/api/v1/patrol/checkins').set(auth(s)).send({ lat: 31.2, lng: 121.5 });
    expect([nowhere.status, nowhere.body.error.code]).toEqual([422, 'location.outside_service_area']);
    expect((await h.request.post('/api/v1/patrol/checkins').set(auth(s)).send({ lat: 'x' })).status).toBe(400);
    // A grid inspector and an enforcement member check in anywhere; a resident may not.
    expect((await h.request.post('/api/v1/patrol/checkins').set(auth(await enforcement())).send(place(OUT))).body).toMatchObject({ gridCode: OUT.code, companyId: null });
    expect((await h.request.post('/api/v1/patrol/checkins').set(auth(await resident())).send(place(G1))).status).toBe(403);
  });

  it('computes the day\'s coverage per contracted grid: visited or not, and the finds', async () => {
    await reportOk(h, await tp(), { ...place(G2), categoryCode: '06010' });
    const cov = await get<CoverageDto>(await tp(), '/api/v1/companies/demo/coverage?day=2026-11-25');
    expect(cov).toMatchObject({ companyId: 'demo', day: '2026-11-25', inContract: true, visited: 1, contracted: company.gridCodes.length });
    expect(cov.grids.find((g) => g.gridCode === G2.code)).toMatchObject({ visited: true, checkins: 1, finds: 1 });
    expect(cov.grids.find((g) => g.gridCode === G1.code)).toMatchObject({ visited: false, checkins: 0 });
    await get(await tp(), '/api/v1/companies/acme01/coverage', 403);
    expect((await get<{ company: CompanyDto }>(await tp(), '/api/v1/patrol/company')).company.id).toBe('demo');
    await get(await dispatcher(), '/api/v1/patrol/company', 404);
    await get(await cityAdmin(), '/api/v1/companies/demo/coverage?day=2026-13-01', 400);
  });
});
