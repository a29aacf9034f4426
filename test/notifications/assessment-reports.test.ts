import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { SandboxAccount } from '@finecity/types';
import { runScheduledReport, type ReportKind } from '../../server/src/usecases/assessment/reports.js';
import type { SandboxMessage } from '../../server/src/sandbox/record.js';
import { startHarness, type Harness } from '../support/harness.js';
import { actOk, as, auth, handleOk, pick, reportOk, type Session } from '../support/flows.js';
import { delivered, eventually, queuesIdle } from './support.js';

// The scheduled group reports (issue 10, item 3) on a hand-moved clock, read back from the WeCom sandbox:
// each posts a markdown text, the chart as an image message and the XLSX as a file message, once per period.

let h: Harness;
let resident: Session;
let inspector: Session;
let dispatcher: Session;
let city: Session;
let grid: SandboxAccount;
const CITY = '210200';
let district: string;

/** Beijing wall time → the test clock. */
const at = (beijing: string) => h.clock.set(`${beijing}+08:00`);
const run = (kind: ReportKind) => runScheduledReport(h.deps, h.notifier!.notify, kind);
const place = () => ({ lat: grid.lat!, lng: grid.lng! });

beforeAll(async () => {
  // A short robot window (WeCom: 20 messages a minute per robot) so a burst of case cards and reports never waits a minute.
  h = await startHarness({ notifications: { robotWindowMs: 2000 } });
  grid = pick(h, 'inspector', (a) => a.duty === 'A');
  district = grid.orgNodeCode!.slice(0, 6);
  resident = await as(h, pick(h, 'resident'));
  inspector = await as(h, grid);
  dispatcher = await as(h, pick(h, 'district', (a) => a.orgNodeCode === district));
  city = await as(h, pick(h, 'city'));
});
afterAll(async () => {
  await h?.close();
});

/** What a group got from one report run: its text, image and file messages, oldest first. */
async function reportIn(group: string, title: string, after = 0): Promise<{ text: SandboxMessage; image: SandboxMessage; file: SandboxMessage }> {
  return eventually(async () => {
    const ms = delivered(h, { group, afterId: after });
    const text = ms.find((m) => m.msgtype === 'markdown' && m.content.includes(title));
    const image = text && ms.find((m) => m.id > text.id && m.msgtype === 'image');
    const file = image && ms.find((m) => m.id > image.id && m.msgtype === 'file');
    return text && image && file ? { text, image, file } : undefined;
  }, 30_000, `${title} in group ${group}`);
}

const lastId = () => h.sandbox.messages({ limit: 1 }).at(-1)?.id ?? 0;
const media = async (id: string) => Buffer.from(await (await fetch(`${h.sandboxUrl}/sandbox/media/${id}`)).arrayBuffer());

/** After the queues are idle, how many report messages (of any part) a group has for a title. */
async function countAfterIdle(group: string, since: number): Promise<number> {
  await queuesIdle(h);
  return delivered(h, { group, afterId: since }).length;
}

describe('季奖励 and 年排名 on the first working day', () => {
  it('posts 年排名 on the first working day of the year (a 调休 Sunday), not on the holiday before or the day after', async () => {
    at('2026-01-02T09:00:00'); // 元旦 holiday
    expect(await run('yearly')).toEqual({ kind: 'yearly', skipped: 'not_first_working_day' });
    at('2026-01-04T09:00:00'); // Sunday, a 调休 workday: the first working day of 2026
    const before = lastId();
    const sent = await run('yearly');
    expect(sent).toMatchObject({ kind: 'yearly', at: '2025', label: '2025年' });
    const r = await reportIn(CITY, '年排名（2025年）', before);
    expect(r.text.content).toContain('**获奖单位**');
    expect(r.file.file!.name).toBe('2025年年排名.xlsx');
    expect((await h.deps.snapshots.find('year', '2025'))?.version).toBe(1);
    at('2026-01-05T09:00:00');
    expect(await run('yearly')).toEqual({ kind: 'yearly', skipped: 'not_first_working_day' });
  });

  it('posts 季奖励 for the third quarter on 10-08, after the National Day holiday, and publishes it once', async () => {
    at('2026-10-07T09:00:00');
    expect(await run('quarterly')).toMatchObject({ skipped: 'not_first_working_day' });
    at('2026-10-08T09:00:00');
    const before = lastId();
    await run('quarterly');
    const r = await reportIn(district, '季奖励（2026年第三季度）', before);
    expect(r.text.content).toMatch(/综合指标值前 3 名且按期结案率不低于 95\.0%/);
    await run('quarterly'); // the same day again: nothing new, no second version
    expect(await countAfterIdle(district, r.file.id)).toBe(0);
    expect((await h.deps.snapshots.versions('quarter', '2026-Q3')).map((v) => v.version)).toEqual([1]);
  });
});

describe('日报告, 周巡查 and 月评比', () => {
  let overdueCaseNo: string;

  beforeAll(async () => {
    // 11-24: one case closed on time; one dispatched and left past its deadline; an inspector's patrol report.
    at('2026-11-24T09:00:00');
    const c1 = await reportOk(h, resident, place());
    await actOk(h, dispatcher, c1.id, 'register');
    await actOk(h, dispatcher, c1.id, 'dispatch', {});
    await actOk(h, inspector, c1.id, 'sign', place());
    at('2026-11-24T10:00:00');
    await handleOk(h, inspector, c1.id);
    await actOk(h, dispatcher, c1.id, 'verify', { passed: true });
    const c2 = await reportOk(h, resident, { ...place(), description: '井盖缺失' });
    await actOk(h, dispatcher, c2.id, 'register');
    await actOk(h, dispatcher, c2.id, 'dispatch', {});
    overdueCaseNo = c2.caseNo;
    await reportOk(h, inspector, { ...place(), description: '巡查发现占道经营' });
  });

  it('posts yesterday\'s 日报告 at 08:00 to the city and district groups: text, chart image, XLSX file; once', async () => {
    at('2026-11-25T08:00:00');
    const before = lastId();
    expect(await run('daily')).toMatchObject({ kind: 'daily', at: '2026-11-24', label: '2026年11月24日' });
    const c = await reportIn(CITY, '日报告（2026年11月24日）', before);
    const d = await reportIn(district, '日报告（2026年11月24日）', before);
    expect(c.text.content).toMatch(/^### 大连市城市精细化管理日报告（2026年11月24日）/);
    expect(c.text.content).toContain('**排名靠后的五个街道**');
    expect(d.text.content).toMatch(/> 上报 \*\*3\*\* 件，结案 \*\*1\*\* 件，按期结案率 \*\*100\.0%\*\*/);
    // Each group gets its own chart: a PNG under the robot's 2 MB limit.
    const png = await media(c.image.image!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeLessThan(2 * 1024 * 1024);
    expect(c.image.image).not.toBe(d.image.image);
    expect(c.file.file!.name).toBe('2026年11月24日日报告.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await media(c.file.file!.mediaId)) as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(2);
    // The same period again (a schedule firing twice): nothing more for any group.
    const after = lastId();
    await run('daily');
    expect(await countAfterIdle(CITY, after)).toBe(0);
    expect(await countAfterIdle(district, after)).toBe(0);
  });

  it('lists the overdue case in the district\'s 日报告 by number, with its deadline in Beijing time', async () => {
    at('2026-11-27T08:00:00');
    const before = lastId();
    await run('daily');
    const d = await reportIn(district, '日报告（2026年11月26日）', before);
    expect(d.text.content).toContain('**超期案件**');
    expect(d.text.content).toContain(overdueCaseNo);
    expect(d.text.content).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('posts last week\'s 周巡查 on Monday 08:30: coverage, problems per grid, grids with no inspector check-in', async () => {
    at('2026-11-30T08:30:00');
    const before = lastId();
    expect(await run('weekly')).toMatchObject({ at: '2026-W48' });
    const d = await reportIn(district, '周巡查', before);
    expect(d.text.content).toMatch(/巡查覆盖 \*\*\d+\*\* 个，覆盖率/);
    expect(d.text.content).toContain('**无网格员签到的网格**');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await media(d.file.file!.mediaId)) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('网格巡查')!;
    const gridName = h.deps.org.get(grid.orgNodeCode!)!.name;
    const row = sheet.getSheetValues().find((r) => Array.isArray(r) && r[3] === gridName) as unknown[];
    expect(row.slice(4, 7)).toEqual([3, 1, '有']); // three found, one patrol report, an inspector checked in
    await run('weekly');
    expect(await countAfterIdle(district, d.file.id)).toBe(0);
  });

  it('publishes the month on the 1st at 09:00 and posts the rankings with 红榜 and 黑榜', async () => {
    at('2026-12-01T09:00:00');
    const before = lastId();
    await run('monthly');
    const c = await reportIn(CITY, '月评比（2026年11月）', before);
    expect(c.text.content).toContain('> 已公示（第 1 版）');
    expect(c.text.content).toContain('**红榜**');
    expect(c.text.content).toContain('**黑榜**');
    expect(c.file.file!.name).toBe('2026年11月月评比.xlsx');
    await run('monthly');
    expect(await countAfterIdle(CITY, c.file.id)).toBe(0);
    expect((await h.deps.snapshots.versions('month', '2026-11')).map((v) => v.version)).toEqual([1]);
    const pub = await h.request.get('/api/v1/public/rankings?period=month&at=2026-11');
    expect(pub.status).toBe(200);
  });
});

describe('re-sending a report from the console', () => {
  const send = (s: Session, kind: string, body: unknown) => h.request.post(`/api/v1/assessment/reports/${kind}/send`).set(auth(s)).send(body as object);

  it('posts the report again on purpose when city staff ask, with text, image and file', async () => {
    const before = lastId();
    const res = await send(city, 'daily', { at: '2026-11-24' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ kind: 'daily', at: '2026-11-24', label: '2026年11月24日' });
    expect(res.body.groups).toEqual(expect.arrayContaining([CITY, district]));
    await reportIn(CITY, '日报告（2026年11月24日）', before);
    const second = lastId();
    expect((await send(city, 'daily', { at: '2026-11-24' })).status).toBe(202);
    await reportIn(CITY, '日报告（2026年11月24日）', second);
    expect((await h.deps.snapshots.versions('month', '2026-11')).length).toBe(1);
  });

  it('refuses other roles, unknown reports and periods that do not fit', async () => {
    expect((await send(dispatcher, 'daily', { at: '2026-11-24' })).status).toBe(403);
    expect((await send(city, 'hourly', { at: '2026-11-24' })).status).toBe(400);
    expect((await send(city, 'monthly', { at: '2026-11-24' })).body.error.code).toBe('assessment.period_invalid');
    expect((await send(city, 'yearly', { at: '2030' })).body.error.code).toBe('assessment.future_period');
    expect((await send(city, 'daily', {})).status).toBe(400);
  });
});

describe('the WeCom sandbox checks robot images and files as WeCom does', () => {
  const hook = (path: string) => `${h.apiBases.wecom}/cgi-bin/webhook/${path}?key=sbx-robot-${CITY}`;
  const post = async (body: unknown) => (await fetch(hook('send'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const upload = async (bytes: Buffer, type = 'file') => {
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(bytes)]), '明细.xlsx');
    return (await fetch(`${hook('upload_media')}&type=${type}`, { method: 'POST', body: form })).json();
  };
  const png = async () => fetch(`${h.sandboxUrl}/sandbox/media/${delivered(h, { group: CITY }).filter((m) => m.image).at(-1)!.image}`).then(async (r) => Buffer.from(await r.arrayBuffer()));

  it('refuses an image whose md5 does not match, one over 2 MB and one that is not a JPG or PNG', async () => {
    const bytes = await png();
    const md5 = crypto.createHash('md5').update(bytes).digest('hex');
    expect(await post({ msgtype: 'image', image: { base64: bytes.toString('base64'), md5: '0'.repeat(32) } })).toMatchObject({ errcode: 301019 });
    const big = Buffer.concat([bytes, Buffer.alloc(2 * 1024 * 1024)]);
    expect(await post({ msgtype: 'image', image: { base64: big.toString('base64'), md5: crypto.createHash('md5').update(big).digest('hex') } })).toMatchObject({ errcode: 40009 });
    const gif = Buffer.from('GIF89a-not-allowed');
    expect(await post({ msgtype: 'image', image: { base64: gif.toString('base64'), md5: crypto.createHash('md5').update(gif).digest('hex') } })).toMatchObject({ errcode: 40005 });
    expect(await post({ msgtype: 'image', image: { base64: bytes.toString('base64'), md5 } })).toMatchObject({ errcode: 0 });
  });

  it('takes a file of more than 5 bytes for a media_id, and refuses tiny files, other types and unknown media ids', async () => {
    expect(await upload(Buffer.from('12345'))).toMatchObject({ errcode: 40006 });
    expect(await upload(Buffer.from('123456'), 'image')).toMatchObject({ errcode: 40004 });
    const ok = (await upload(Buffer.from('a small workbook'))) as { errcode: number; media_id: string };
    expect(ok.errcode).toBe(0);
    expect(await post({ msgtype: 'file', file: { media_id: 'nope' } })).toMatchObject({ errcode: 40007 });
    expect(await post({ msgtype: 'file', file: { media_id: ok.media_id } })).toMatchObject({ errcode: 0 });
    expect(delivered(h, { group: CITY }).at(-1)!.file).toEqual({ mediaId: ok.media_id, name: '明细.xlsx' });
  });

  it('shows the group\'s chart image and the file name on the inbox page', async () => {
    const page = await (await fetch(`${h.sandboxUrl}/sandbox/inbox?group=${CITY}`)).text();
    expect(page).toMatch(/<img class="pic" src="\/sandbox\/media\/sbxmedia_[^"]+"/);
    expect(page).toContain('2026年11月24日日报告.xlsx');
  });
});
