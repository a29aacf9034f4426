import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { and, eq, sql } from 'drizzle-orm';
import type { AccountabilityDto, CaseDto, SandboxAccount } from '@finecity/types';
import { caseEvents, users } from '../../server/src/adapters/postgres/schema.js';
import { onDutySlot } from '../../server/src/domain/duty-roster.js';
import { startHarness, type Harness } from '../support/harness.js';
import { act, actOk, admins, as, auth, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, settled } from '../notifications/support.js';

// 督办 and 问责 (issue 10, item 4; Dalian 2018-125: leaders 调度、督办、问责).

let h: Harness;
let grid: SandboxAccount;
let resident: Session;
let district: Session;
let city: Session;
let leader: Session;
let inspector: Session;
let otherDistrict: Session;
let street: Session;
const HOUR = 3600_000;

const districtOf = (a: SandboxAccount) => a.orgNodeCode!.slice(0, 6);
const at = () => ({ lat: grid.lat!, lng: grid.lng! });

beforeAll(async () => {
  h = await startHarness({ notifications: {} });
  grid = pick(h, 'inspector', (a) => a.duty === onDutySlot(h.clock.now()));
  resident = await as(h, pick(h, 'resident'));
  inspector = await as(h, grid);
  district = await as(h, pick(h, 'district', (a) => a.orgNodeCode === districtOf(grid)));
  city = await as(h, pick(h, 'city'));
  leader = await as(h, pick(h, 'leader', (a) => a.orgNodeCode === districtOf(grid)));
  otherDistrict = await as(h, pick(h, 'district', (a) => a.orgNodeCode !== districtOf(grid)));
  street = await as(h, pick(h, 'street', (a) => a.orgNodeCode === grid.orgNodeCode!.slice(0, 9)));
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** A case reported in the grid, registered and dispatched to it by the district. */
async function dispatched(): Promise<CaseDto> {
  const c = await reportOk(h, resident, at());
  await actOk(h, district, c.id, 'register');
  return actOk(h, district, c.id, 'dispatch', {});
}
const inHours = (n: number) => new Date(h.clock.now().getTime() + n * HOUR).toISOString();
const listed = async (s: Session, query: string) => (await h.request.get(`/api/v1/cases?${query}`).set(auth(s))).body.items as CaseDto[];
const idsOf = async (where: ReturnType<typeof and>) => (await h.database.db.select({ id: users.id }).from(users).where(where)).map((u) => u.id);

describe('督办 (supervise)', () => {
  // First: the street group's robot folds a burst of cards into a digest (WeCom's rate limit), and this test reads the card itself.
  it('tells the on-duty inspector of the holding grid and the community above it, and the street group card says 督办', async () => {
    const c = await dispatched();
    await settled(h, c.id, 'case.dispatch');
    await actOk(h, leader, c.id, 'supervise', { note: '群众反映强烈，请今日办结', dueAt: inHours(4) });
    const ns = await settled(h, c.id, 'case.supervise');
    const community = grid.orgNodeCode!.slice(0, 11);
    const onDuty = await idsOf(and(eq(users.orgNodeCode, grid.orgNodeCode!), eq(users.dutySlot, grid.duty!)));
    const above = await idsOf(and(eq(users.orgNodeCode, community), sql`'community' = any(${users.roles})`));
    expect(ns.filter((n) => n.recipientUserId).map((n) => n.recipientUserId).sort()).toEqual([...onDuty, ...above].sort());
    expect(ns.filter((n) => n.recipientGroup).map((n) => n.recipientGroup)).toEqual([grid.orgNodeCode!.slice(0, 9)]);
    const card = await eventually(async () => delivered(h, { group: grid.orgNodeCode!.slice(0, 9), channel: 'wecom_robot' }).find((m) => m.content.includes(c.caseNo) && m.content.includes('督办')), 20_000, 'the 督办 card');
    expect(card.content).toContain('【督办】');
    expect(card.content).toContain('群众反映强烈，请今日办结');
    expect(card.content).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('keeps the case in its state, flags it in lists and records {note, dueAt} in the case events', async () => {
    const c = await dispatched();
    const other = await dispatched();
    const dueAt = inHours(6);
    const after = await actOk(h, leader, c.id, 'supervise', { note: '请今日内办结并反馈', dueAt });
    expect([after.state, after.supervised, after.supervisionDueAt, after.version]).toEqual(['dispatched', true, dueAt, c.version + 1]);
    expect(after.events!.at(-1)).toMatchObject({ action: 'supervise', fromState: 'dispatched', toState: 'dispatched', note: '请今日内办结并反馈' });
    const flagged = await listed(district, `supervised=true&pageSize=100`);
    expect(flagged.map((x) => x.id)).toContain(c.id);
    expect(flagged.map((x) => x.id)).not.toContain(other.id);
    expect((await listed(district, `q=${other.caseNo}`))[0]!.supervised).toBe(false);
    // The assessment counts 督办数 and 督办按期办结率 from these rows.
    const rows = await h.database.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.action, 'supervise')));
    expect(rows.map((e) => [e.fromState, e.toState, e.data])).toEqual([['dispatched', 'dispatched', { note: '请今日内办结并反馈', dueAt }]]);
  });

  it('without a due time records dueAt null, and a later 督办 replaces the due time', async () => {
    const c = await dispatched();
    await actOk(h, district, c.id, 'supervise', { note: '请加快处置', dueAt: inHours(2) });
    const again = await actOk(h, city, c.id, 'supervise', { note: '再次督办' });
    expect([again.supervised, again.supervisionDueAt]).toEqual([true, null]);
    const rows = await h.database.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), eq(caseEvents.action, 'supervise')));
    expect(rows.map((e) => (e.data as { dueAt: unknown }).dueAt)).toEqual([inHours(2), null]);
  });

  it('is refused to a resident and the holding inspector (403), and to another district (404: the case is not theirs to see)', async () => {
    const c = await dispatched();
    const body = { note: '请加快' };
    const answers = [];
    for (const s of [resident, inspector, street, otherDistrict]) {
      const res = await act(h, s, c.id, 'supervise', body);
      answers.push(`${res.status} ${res.body.error?.code}`);
    }
    expect(answers).toEqual(['403 auth.forbidden', '403 auth.forbidden', '403 auth.forbidden', '404 case.not_found']);
    expect((await act(h, resident, c.id, 'supervise', body)).body.error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('refuses a due time in the past (422), a missing note (400) and a report not yet registered (409)', async () => {
    const c = await dispatched();
    const past = await act(h, leader, c.id, 'supervise', { note: '请加快', dueAt: inHours(-1) });
    expect([past.status, past.body.error.code, past.body.error.details]).toEqual([422, 'supervision.invalid', { field: 'dueAt' }]);
    expect((await act(h, leader, c.id, 'supervise', { note: ' ' })).status).toBe(400);
    expect((await act(h, leader, c.id, 'supervise', { note: '请加快', dueAt: '明天' })).status).toBe(400);
    const fresh = await reportOk(h, resident, at());
    const early = await act(h, leader, fresh.id, 'supervise', { note: '请加快' });
    expect([early.status, early.body.error.code]).toEqual([409, 'case.transition_not_allowed']);
  });
});

describe('问责 records', () => {
  const post = (s: Session, body: Record<string, unknown>) => h.request.post('/api/v1/accountability').set(auth(s)).send(body);
  const list = (s: Session, query = '') => h.request.get(`/api/v1/accountability${query}`).set(auth(s));

  it('a district records 约谈 against a street with case references; the street and the district list it, and the audit log has it', async () => {
    const c = await dispatched();
    const streetCode = grid.orgNodeCode!.slice(0, 9);
    const res = await post(district, { orgNodeCode: streetCode, kind: '约谈', note: '超期案件较多，约谈街道负责人', caseNos: [c.caseNo] });
    expect(res.status).toBe(201);
    const rec = res.body as AccountabilityDto;
    expect(rec).toMatchObject({ orgNodeCode: streetCode, kind: '约谈', caseNos: [c.caseNo], byName: district.account.name });
    expect(rec.orgNodeName).toMatch(/[\u4e00-\u9fa5]/);
    const ofStreet = (await list(street)).body.items as AccountabilityDto[];
    expect(ofStreet.map((x) => x.id)).toContain(rec.id);
    const ofDistrict = await list(district, `?orgNodeCode=${districtOf(grid)}`);
    expect((ofDistrict.body.items as AccountabilityDto[]).map((x) => x.id)).toContain(rec.id);
    const { cityAdmin } = await admins(h);
    const audit = await h.request.get(`/api/v1/admin/audit?entityType=accountability&entityId=${rec.id}`).set(auth(cityAdmin));
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['accountability.create']);
  });

  it('stays inside the caller\'s scope: another district neither records against nor reads this district\'s units', async () => {
    const streetCode = grid.orgNodeCode!.slice(0, 9);
    const foreign = await post(otherDistrict, { orgNodeCode: streetCode, kind: '通报', note: '通报' });
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'auth.forbidden']);
    expect((await list(otherDistrict, `?orgNodeCode=${streetCode}`)).status).toBe(403);
    const ownRecords = (await list(otherDistrict)).body.items as AccountabilityDto[];
    expect(ownRecords.filter((x) => x.orgNodeCode.startsWith(districtOf(grid)))).toEqual([]);
    for (const s of [street, inspector, resident, leader]) {
      const res = await post(s, { orgNodeCode: streetCode, kind: '通报', note: '通报' });
      expect(`${s.account.role} ${res.status} ${res.body.error?.code}`).toBe(`${s.account.role} 403 auth.forbidden`);
    }
    expect((await list(resident)).status).toBe(403);
    expect((await list(inspector)).status).toBe(403);
  });

  it('answers bad input with a 4xx naming the field, and writes nothing', async () => {
    const streetCode = grid.orgNodeCode!.slice(0, 9);
    const before = (await list(district, `?orgNodeCode=${districtOf(grid)}`)).body.total as number;
    const kind = await post(district, { orgNodeCode: streetCode, kind: '罚款', note: '事由' });
    expect([kind.status, kind.body.error.details[0].path]).toEqual([400, 'kind']);
    expect((await post(district, { orgNodeCode: streetCode, kind: '通报', note: '' })).status).toBe(400);
    const unknown = await post(district, { orgNodeCode: streetCode, kind: '通报', note: '事由', caseNos: ['DL20991231-999999'] });
    expect([unknown.status, unknown.body.error.code, unknown.body.error.details]).toEqual([422, 'accountability.invalid', { field: 'caseNos', unknown: ['DL20991231-999999'] }]);
    expect(unknown.body.error.message).toContain('DL20991231-999999');
    // A case of another district is not the caller's to name: it reads like one that does not exist.
    const elsewhere = await reportOk(h, resident, at());
    const foreign = await post(otherDistrict, { orgNodeCode: otherDistrict.account.orgNodeCode, kind: '通报', note: '事由', caseNos: [elsewhere.caseNo] });
    expect([foreign.status, foreign.body.error.details?.field]).toEqual([422, 'caseNos']);
    const unit = await post(district, { orgNodeCode: '999999999', kind: '通报', note: '事由' });
    expect([unit.status, unit.body.error.details]).toEqual([422, { field: 'orgNodeCode' }]);
    expect((await list(district, `?orgNodeCode=${districtOf(grid)}`)).body.total).toBe(before);
    const none = await h.database.db.execute(sql`select count(*)::int as n from accountability_records where kind = '罚款'`);
    expect((none as unknown as { rows: { n: number }[] }).rows).toEqual([{ n: 0 }]);
  });
});
