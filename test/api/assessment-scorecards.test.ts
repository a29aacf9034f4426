import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import type { CaseDto, PublicRankingsDto, ScorecardDto, ScorecardRowDto } from '@finecity/types';
import { actOk, auth, handleOk, reportOk, type Session } from '../support/flows.js';
import { startHarness, TestClock, type Harness } from '../support/harness.js';

// Scorecards end to end (issue 10): a small month of cases built through the API with a moving clock, the
// indicators, scores and ranks hand-computed below, publication (frozen snapshots, corrections as version 2),
// the XLSX and the public rankings.
let h: Harness;
const clock = new TestClock(new Date('2026-11-25T02:00:00Z')); // Wednesday 25 November, 10:00 Beijing

interface Grid { code: string; street: string; district: string; lat: number; lng: number }
/** Two districts × two streets, one grid each: D1 = [G11, G12], D2 = [G21, G22]. */
let G11: Grid, G12: Grid, G21: Grid, G22: Grid;
let resident: Session;
const sessions = new Map<string, Session>();
const login = async (openid: string): Promise<Session> => {
  if (!sessions.has(openid)) {
    const { token, user } = await h.login(`sandbox:${openid}`);
    sessions.set(openid, { token, account: { code: `sandbox:${openid}`, openid, role: user.roles[0]!, orgNodeCode: user.orgNodeCode, name: user.name } });
  }
  return sessions.get(openid)!;
};
const dispatcherOf = (g: Grid) => login(`staff-${g.district}-01`);
const inspectorA = (g: Grid) => login(`staff-${g.code}A`);

/** Grids whose centroid the locator puts back in the grid: two streets in each of two districts. */
async function pickGrids(): Promise<void> {
  const res = await h.database.db.execute(sql`select code, centroid_lat as lat, centroid_lng as lng from org_nodes where level = 'grid' and centroid_lat is not null order by code`);
  const rows = (res as unknown as { rows: { code: string; lat: number; lng: number }[] }).rows;
  const byDistrict = new Map<string, Map<string, Grid>>();
  for (const r of rows) {
    const loc = h.deps.locator.locate(Number(r.lat), Number(r.lng));
    if (!loc || loc.gridCode !== r.code || !loc.streetCode) continue;
    const streets = byDistrict.get(loc.districtCode) ?? new Map<string, Grid>();
    if (!streets.has(loc.streetCode)) streets.set(loc.streetCode, { code: r.code, street: loc.streetCode, district: loc.districtCode, lat: Number(r.lat), lng: Number(r.lng) });
    byDistrict.set(loc.districtCode, streets);
  }
  const [d1, d2] = [...byDistrict.values()].filter((s) => s.size >= 2).map((s) => [...s.values()]);
  if (!d1 || !d2) throw new Error('the seeded tree needs two districts with two locatable streets each');
  [G11, G12, G21, G22] = [d1[0]!, d1[1]!, d2[0]!, d2[1]!];
}

const minutes = (m: number) => clock.advanceHours(m / 60);

/** A resident's report in grid `g`, registered and dispatched to it by the district dispatcher. */
async function dispatched(g: Grid): Promise<CaseDto> {
  const d = await dispatcherOf(g);
  const c = await reportOk(h, resident, { lat: g.lat, lng: g.lng });
  await actOk(h, d, c.id, 'register');
  return actOk(h, d, c.id, 'dispatch', { orgNodeCode: g.code, complexity: 'simple' });
}

/** Signed `signAfter` minutes after dispatch by post A, handled an hour later, verified (with `rework` failed verifications first). */
async function closedCase(g: Grid, o: { signAfter?: number; rework?: number; rating?: number } = {}): Promise<CaseDto> {
  const c = await dispatched(g);
  minutes(o.signAfter ?? 5);
  await actOk(h, await inspectorA(g), c.id, 'sign');
  for (let i = 0; i <= (o.rework ?? 0); i++) {
    minutes(60);
    await handleOk(h, await inspectorA(g), c.id);
    minutes(10);
    await actOk(h, await dispatcherOf(g), c.id, 'verify', { passed: i === (o.rework ?? 0) });
  }
  if (o.rating) await actOk(h, resident, c.id, 'rate', { score: o.rating });
  minutes(30);
  return c;
}

let waiting: CaseDto; // reported in November, still submitted when November is published

beforeAll(async () => {
  h = await startHarness({ clock });
  await pickGrids();
  resident = await login('resident-01');
  // G11: three cases closed on time; one signed after 20 min (A岗 has 15: not responded), one reworked once; one rated 5.
  await closedCase(G11, { rating: 5 });
  await closedCase(G11, { signAfter: 20 });
  await closedCase(G11, { rework: 1 });
  // G12: two cases closed on time, one rated 2 (not satisfied: below 4).
  await closedCase(G12, { rating: 2 });
  await closedCase(G12);
  // G21: one closed on time and rated 4; one returned after 10 min, re-dispatched, signed 10 min later, closed on time.
  await closedCase(G21, { rating: 4 });
  const c7 = await dispatched(G21);
  minutes(10);
  await actOk(h, await inspectorA(G21), c7.id, 'return', { note: '不属于本网格' });
  await actOk(h, await dispatcherOf(G21), c7.id, 'dispatch', { orgNodeCode: G21.code, complexity: 'simple' });
  minutes(10);
  await actOk(h, await inspectorA(G21), c7.id, 'sign');
  minutes(60);
  await handleOk(h, await inspectorA(G21), c7.id);
  await actOk(h, await dispatcherOf(G21), c7.id, 'verify', { passed: true });
  // G22, on 30 November 10:00: one signed after 20 min and still open (due 1 December: not due in November),
  // one rejected, one still waiting for registration.
  clock.set('2026-11-30T02:00:00Z');
  const c8 = await dispatched(G22);
  minutes(20);
  await actOk(h, await inspectorA(G22), c8.id, 'sign');
  const c9 = await reportOk(h, resident, { lat: G22.lat, lng: G22.lng });
  await actOk(h, await dispatcherOf(G22), c9.id, 'reject', { note: '非城市管理问题' });
  waiting = await reportOk(h, resident, { lat: G22.lat, lng: G22.lng });
}, 180_000);
afterAll(async () => {
  await h?.close();
});

const card = async (s: Session | null, query: string) => {
  const req = h.request.get(`/api/v1/assessment/scorecards?${query}`);
  return s ? req.set(auth(s)) : req;
};
const rowOf = (c: ScorecardDto, code: string): ScorecardRowDto => {
  const r = c.rows.find((x) => x.orgNodeCode === code);
  if (!r) throw new Error(`no row ${code}`);
  return r;
};
const cityLeader = () => login('staff-210200-LD');

describe('live scorecards of November', () => {
  it('counts each street exactly as computed by hand, scores it and ranks it city-wide', async () => {
    const res = await card(await cityLeader(), 'period=month&at=2026-11&level=street');
    expect(res.status).toBe(200);
    const c = res.body as ScorecardDto;
    expect(c).toMatchObject({ period: 'month', at: '2026-11', level: 'street', version: 0, published: false, label: '2026年11月', formulaVersion: '2026.1' });
    // Weights: onTime 30, close 15, response 10, satisfaction 15, rework 10 (lower), return 5 (lower), extension 5 (lower),
    // supervision 10 (no 督办 this month: left out). Σ of the weights that apply = 90 unless said otherwise.
    // S11 (G11): 3 closed of 3 due, all on time; handled 4 (one rework) → 返工率 25.0; response 2 of 3 → 66.7;
    // satisfaction 1 of 1 → 100; returns 0 of 3 dispatches.
    // (30·100 + 15·100 + 10·66.7 + 15·100 + 10·(100−25) + 5·100 + 5·100) / 90 = 8417 / 90 = 93.52 → 93.5
    expect(rowOf(c, G11.street)).toMatchObject({
      score: 93.5, rank: 2,
      indicators: expect.objectContaining({ reported: 3, validReported: 3, registered: 3, due: 3, closed: 3, closeRate: 100, onTimeRate: 100, rework: 1, reworkRate: 25, responseRate: 66.7, satisfactionRate: 100, returnRate: 0, publicReports: 3 }),
    });
    // S12 (G12): 2 of 2 closed on time, response 2 of 2, satisfaction 0 of 1.
    // (3000 + 1500 + 1000 + 0 + 1000 + 500 + 500) / 90 = 83.33 → 83.3
    expect(rowOf(c, G12.street)).toMatchObject({ score: 83.3, rank: 3, indicators: expect.objectContaining({ closed: 2, responseRate: 100, satisfactionRate: 0, reworkRate: 0 }) });
    // S21 (G21): 2 of 2 closed on time; 3 dispatches (one returned: 退回率 33.3), response 2 of 3 (the returned dispatch
    // was signed only 20 min later) → 66.7; satisfaction 1 of 1.
    // (3000 + 1500 + 667 + 1500 + 1000 + 5·66.7 + 500) / 90 = 8500.5 / 90 = 94.45 (rounded to one decimal)
    const s21 = rowOf(c, G21.street);
    expect(s21.rank).toBe(1);
    expect(s21.indicators).toMatchObject({ returned: 1, returnRate: 33.3, responseRate: 66.7, closed: 2, onTimeRate: 100 });
    expect(s21.score).toBe(Math.round(((30 * 100 + 15 * 100 + 10 * 66.7 + 15 * 100 + 10 * 100 + 5 * (100 - 33.3) + 5 * 100) / 90) * 10) / 10);
    // S22 (G22): 3 reported (1 rejected, 1 waiting) → 1 valid; nothing due or closed; response 0 of 1; returns and
    // extensions 0 of 1. Only those three apply: (10·0 + 5·100 + 5·100) / 20 = 50.0
    expect(rowOf(c, G22.street)).toMatchObject({
      score: 50, rank: 4,
      indicators: expect.objectContaining({ reported: 3, validReported: 1, registered: 1, due: 0, closed: 0, closeRate: null, onTimeRate: null, responseRate: 0 }),
    });
    // Streets without a case have no score and no rank, and come last.
    const others = c.rows.filter((r) => ![G11, G12, G21, G22].some((g) => g.street === r.orgNodeCode));
    expect(others.length).toBeGreaterThan(10);
    expect(others.every((r) => r.score === null && r.rank === null && r.indicators.reported === 0)).toBe(true);
    expect(c.rows.slice(0, 4).map((r) => r.orgNodeCode)).toEqual([G21.street, G11.street, G12.street, G22.street]);
  });

  it('adds a district up from its cases: D2 outranks D1', async () => {
    const c = (await card(await cityLeader(), 'period=month&at=2026-11&level=district')).body as ScorecardDto;
    // D1 = S11 + S12: 5 closed on time of 5 due; handled 6 with 1 rework → 16.7; response 4 of 5 → 80; satisfaction 1 of 2 → 50.
    // (3000 + 1500 + 800 + 750 + 10·(100−16.7) + 500 + 500) / 90 = 7883 / 90 = 87.59 → 87.6
    expect(rowOf(c, G11.district)).toMatchObject({ score: 87.6, rank: 2, indicators: expect.objectContaining({ reported: 5, closed: 5, reworkRate: 16.7, responseRate: 80, satisfactionRate: 50 }) });
    // D2 = S21 + S22: 2 closed on time of 2 due; 4 dispatches, 1 returned → 25; response 2 of 4 → 50; satisfaction 1 of 1.
    // (3000 + 1500 + 500 + 1500 + 1000 + 5·75 + 500) / 90 = 8375 / 90 = 93.06 → 93.1
    expect(rowOf(c, G21.district)).toMatchObject({ score: 93.1, rank: 1, indicators: expect.objectContaining({ reported: 5, validReported: 3, due: 2, closed: 2, returnRate: 25, responseRate: 50 }) });
  });

  it('charges grid dispatches to the inspector posts of the grid', async () => {
    const c = (await card(await cityLeader(), 'period=month&at=2026-11&level=inspector&orgNodeCode=' + G11.street)).body as ScorecardDto;
    expect(c.rows.map((r) => r.orgNodeCode)).toEqual(expect.arrayContaining([`${G11.code}:A`, `${G11.code}:B`]));
    expect(rowOf(c, `${G11.code}:A`).name).toMatch(/ A岗$/);
    const a = rowOf(c, `${G11.code}:A`).indicators;
    const b = rowOf(c, `${G11.code}:B`).indicators;
    expect(a.reported).toBe(0); // the resident reported, not the post
    expect(a.reworkRate).toBe(0); // A handled (4 times); a failed verification is the grid's, not the post's
    // The 3 dispatches go to the post on duty that day (A or B by the rota): 2 of them signed within 15 min.
    expect([a.responseRate, b.responseRate]).toContain(66.7);
  });

  it('shows a district leader only the district\'s streets, with their city-wide ranks', async () => {
    const leader = await login(`staff-${G11.district}-LD`);
    const c = (await card(leader, 'period=month&at=2026-11&level=street')).body as ScorecardDto;
    expect(c.rows.every((r) => h.deps.org.get(r.orgNodeCode)!.parentCode === G11.district)).toBe(true);
    expect(rowOf(c, G11.street).rank).toBe(2);
    expect(c.rows.find((r) => r.orgNodeCode === G21.street)).toBeUndefined();
  });
});

describe('bad scorecard requests', () => {
  it('answers each with a clear Chinese 4xx', async () => {
    const leader = await login(`staff-${G11.district}-LD`);
    const cases: [Session, string, number, string][] = [
      [leader, 'period=fortnight&at=2026-11&level=street', 400, 'request.invalid'],
      [leader, 'period=month&at=2026-11&level=planet', 400, 'request.invalid'],
      [leader, 'period=month&at=2026-11-01&level=street', 422, 'assessment.period_invalid'],
      [leader, 'period=week&at=2025-W53&level=street', 422, 'assessment.period_invalid'],
      [leader, 'period=month&at=2027-01&level=street', 422, 'assessment.future_period'],
      [leader, 'period=month&at=2026-11&level=street&orgNodeCode=' + G21.district, 403, 'assessment.level_out_of_scope'],
      [await login(`staff-${G11.street}-01`), 'period=month&at=2026-11&level=district', 403, 'assessment.level_out_of_scope'],
      [await inspectorA(G11), 'period=month&at=2026-11&level=grid', 403, 'auth.forbidden'],
      [leader, 'period=month&at=2026-11&level=street&version=7', 404, 'assessment.not_published'],
    ];
    for (const [s, q, status, code] of cases) {
      const res = await card(s, q);
      expect([q, res.status, res.body.error?.code]).toEqual([q, status, code]);
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
    expect((await card(null, 'period=month&at=2026-11&level=street')).status).toBe(401);
  });
});

describe('publishing November', () => {
  const publish = async (s: Session, body: Record<string, unknown>) => h.request.post('/api/v1/assessment/publications').set(auth(s)).send(body);
  const rankings = () => h.request.get('/api/v1/public/rankings?period=month&at=2026-11');

  it('is refused before the month is over and for anyone but the city platform', async () => {
    const city = await login('staff-210200-01');
    expect((await publish(city, { period: 'month', at: '2026-11' })).body.error.code).toBe('assessment.period_not_over');
    expect((await rankings()).status).toBe(404);
    clock.set('2026-12-01T02:00:00Z');
    const res = await publish(await dispatcherOf(G11), { period: 'month', at: '2026-11' });
    expect([res.status, res.body.error.code]).toEqual([403, 'auth.forbidden']);
  });

  it('freezes the figures: later events change live counts, never the published version', async () => {
    const city = await login('staff-210200-01');
    const first = await publish(city, { period: 'month', at: '2026-11' });
    expect([first.status, first.body]).toEqual([201, { version: 1 }]);
    // Registered in December: the live count of November's valid reports moves, the published one does not.
    await actOk(h, await dispatcherOf(G22), waiting.id, 'register');
    const published = (await card(await cityLeader(), 'period=month&at=2026-11&level=street')).body as ScorecardDto;
    expect(published).toMatchObject({ version: 1, published: true, reason: null });
    expect(rowOf(published, G22.street).indicators.validReported).toBe(1);
    expect(rowOf(published, G11.street)).toMatchObject({ score: 93.5, rank: 2 });

    const again = await publish(city, { period: 'month', at: '2026-11' });
    expect([again.status, again.body.error.code]).toEqual([422, 'assessment.reason_required']);
    const fixed = await publish(city, { period: 'month', at: '2026-11', reason: '补录一条11月上报的立案' });
    expect([fixed.status, fixed.body]).toEqual([201, { version: 2 }]);
    const v2 = (await card(await cityLeader(), 'period=month&at=2026-11&level=street')).body as ScorecardDto;
    expect(v2).toMatchObject({ version: 2, published: true, reason: '补录一条11月上报的立案' });
    expect(rowOf(v2, G22.street).indicators.validReported).toBe(2);
    const v1 = (await card(await cityLeader(), 'period=month&at=2026-11&level=street&version=1')).body as ScorecardDto;
    expect(rowOf(v1, G22.street).indicators.validReported).toBe(1);
  });

  it('exports the published scorecards to XLSX with the same figures', async () => {
    const res = await h.request
      .get('/api/v1/assessment/scorecards.xlsx?period=month&at=2026-11&level=district,street')
      .set(auth(await cityLeader()))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('考核月评比-2026年11月.xlsx')}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['区', '街道', '说明']);
    const streets = wb.getWorksheet('街道')!;
    const header = (streets.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['排名', '单位编码', '单位名称', '综合指标值']);
    expect(header).toContain('按期结案率(%)');
    const line = (code: string) => {
      let found: unknown[] = [];
      streets.eachRow((row) => {
        const v = (row.values as unknown[]).slice(1);
        if (v[1] === code) found = v;
      });
      return found;
    };
    expect(line(G11.street).slice(0, 4)).toEqual([2, G11.street, h.deps.org.get(G11.street)!.name, 93.5]);
    expect(line(G22.street)[header.indexOf('有效上报数')]).toBe(2);
    const notes = wb.getWorksheet('说明')!;
    const text = JSON.stringify(notes.getSheetValues());
    expect(text).toContain('2026.1');
    expect(text).toContain('并列');
    expect(text).toContain('按期结案率(%)');
  });

  it('shows the public district and street rankings without a login and without anything personal', async () => {
    const res = await rankings();
    expect(res.status).toBe(200);
    const r = res.body as PublicRankingsDto;
    expect(r).toMatchObject({ period: 'month', at: '2026-11', version: 2, label: '2026年11月' });
    expect(r.districts.slice(0, 2)).toEqual([
      { name: h.deps.org.get(G21.district)!.name, score: 93.1, rank: 1 },
      { name: h.deps.org.get(G11.district)!.name, score: 87.6, rank: 2 },
    ]);
    expect(r.streets.find((s) => s.name === h.deps.org.get(G11.street)!.name)).toEqual({ name: h.deps.org.get(G11.street)!.name, score: 93.5, rank: 2, district: h.deps.org.get(G11.district)!.name });
    const text = JSON.stringify(r);
    for (const leak of [/网格员/, /市民/, /1\d{10}/, /openid/i, /staff-/, /resident-/, /mobile/i, /orgNodeCode/]) expect(text).not.toMatch(leak);
    const bad = await h.request.get('/api/v1/public/rankings?period=day&at=2026-11-30');
    expect(bad.status).toBe(400);
    expect((await h.request.get('/api/v1/public/rankings?period=month&at=2026-1')).body.error.code).toBe('assessment.period_invalid');
  });
});
