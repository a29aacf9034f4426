import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import type { AuditListDto, SandboxAccount, StaffImportResultDto, StaffListDto } from '@finecity/types';
import { users } from '../../server/src/adapters/postgres/schema.js';
import { admins, as, auth, pick, type Session } from '../support/flows.js';
import { startHarness, type Harness } from '../support/harness.js';

// The staff roster (issue 9): import from XLSX/CSV, the template, the admin's list and export, and the
// audit log — against the real server and database, as the seeded city and district admins.
let h: Harness;
let cityAdmin: Session;
let districtAdmin: Session;
let inspector: Session;
let grid: SandboxAccount;
let otherGrid: SandboxAccount;
let districtCode: string;

const HEADER = ['姓名', '手机号', '角色', '单位编码', '岗位', '企业微信账号'];
type CellIn = ExcelJS.CellValue;

beforeAll(async () => {
  h = await startHarness();
  ({ cityAdmin, districtAdmin, districtCode } = await admins(h));
  grid = pick(h, 'inspector', (a) => a.orgNodeCode!.startsWith(districtCode));
  otherGrid = pick(h, 'inspector', (a) => !a.orgNodeCode!.startsWith(districtCode));
  inspector = await as(h, grid);
});
afterAll(async () => {
  await h?.close();
});

/** Fresh, distinct mobiles per test (all tests share one database). */
let serial = 0;
const mobile = () => `1370000${String(++serial).padStart(4, '0')}`;
const community = () => grid.orgNodeCode!.slice(0, 11);

async function xlsx(rows: CellIn[][], header: string[] = HEADER): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人员名单');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const upload = (s: Session, file: Buffer, name = 'roster.xlsx', query = '') =>
  h.request.post(`/api/v1/admin/staff/import${query}`).set(auth(s)).attach('file', file, name);

async function importOk(s: Session, file: Buffer, query = '', name = 'roster.xlsx'): Promise<StaffImportResultDto> {
  const res = await upload(s, file, name, query);
  expect(res.status).toBe(200);
  return res.body as StaffImportResultDto;
}

async function list(s: Session, query: string): Promise<StaffListDto> {
  const res = await h.request.get(`/api/v1/admin/staff${query}`).set(auth(s));
  expect(res.status).toBe(200);
  return res.body as StaffListDto;
}

const found = async (m: string) => (await list(cityAdmin, `?q=${m}`)).total;

async function readXlsx(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

const binary = (res: { body: unknown }) => res.body as Buffer;
const asBuffer = (req: ReturnType<typeof h.request.get>) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('POST /api/v1/admin/staff/import', () => {
  it('creates invited people from a good XLSX, and a second import of the same file changes nothing', async () => {
    const [m1, m2, m3, m4] = [mobile(), mobile(), mobile(), mobile()];
    const file = await xlsx([
      ['王小明', m1, '网格员', grid.orgNodeCode, 'A', 'wangxm01'],
      ['李四', m2, '社区', community(), null, null],
      ['赵六', m3, 'leader', districtCode, '', ''],
      ['钱七', Number(m4), '街道', Number(grid.orgNodeCode!.slice(0, 9)), null, null], // numbers, as Excel stores typed-in digits
    ]);
    const first = await importOk(cityAdmin, file);
    expect(first).toMatchObject({ created: 4, updated: 0, unchanged: 0, errors: [], committed: true });
    const got = await list(cityAdmin, `?q=${m1}`);
    expect(got.total).toBe(1);
    expect(got.items[0]).toMatchObject({
      name: '王小明', mobile: `${m1.slice(0, 3)}****${m1.slice(-4)}`, roles: ['inspector'], orgNodeCode: grid.orgNodeCode, post: 'A', status: 'invited', wecomUserid: 'wangxm01',
    });
    expect(got.items[0]!.orgNodeName).toMatch(/网格/);
    expect((await list(cityAdmin, `?q=${m3}`)).items[0]).toMatchObject({ roles: ['leader'], orgNodeCode: districtCode, post: null, status: 'invited' });
    expect(await found(m4)).toBe(1);

    const again = await importOk(cityAdmin, file);
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 4, errors: [], committed: false });

    // A changed row updates that person only.
    const changed = await xlsx([['王小明', m1, '网格员', grid.orgNodeCode, 'B', 'wangxm01']]);
    expect(await importOk(cityAdmin, changed)).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    expect((await list(cityAdmin, `?q=${m1}`)).items[0]!.post).toBe('B');
  });

  it('reads a UTF-8 CSV (with the BOM Excel writes, quoted fields)', async () => {
    const [m1, m2] = [mobile(), mobile()];
    const csv = `\uFEFF${HEADER.join(',')}\r\n"孙八",${m1},网格员,${grid.orgNodeCode},B,\r\n周九,${m2},"社区",${community()},,zhoujiu\r\n`;
    const r = await importOk(cityAdmin, Buffer.from(csv, 'utf8'), '', 'roster.csv');
    expect(r).toMatchObject({ created: 2, errors: [], committed: true });
    expect((await list(cityAdmin, `?q=${m2}`)).items[0]).toMatchObject({ name: '周九', roles: ['community'], wecomUserid: 'zhoujiu', status: 'invited' });
  });

  it('reports every bad row by row and column, in Chinese, and writes nothing', async () => {
    const good = mobile();
    const dup = mobile();
    const rows: CellIn[][] = [
      ['好人', good, '网格员', grid.orgNodeCode, 'A', null], // row 2
      ['坏手机', '1234567', '社区', community(), null, null], // 3
      ['坏角色', mobile(), '队长', community(), null, null], // 4
      ['坏单位', mobile(), '社区', '999999999', null, null], // 5
      ['无岗位', mobile(), '网格员', grid.orgNodeCode, null, null], // 6
      ['多岗位', mobile(), '社区', community(), 'A', null], // 7
      ["=cmd|' /C calc'!A0", mobile(), '社区', community(), null, null], // 8
      ['公式格', { formula: '1+1', result: 2 } as CellIn, '社区', community(), null, null], // 9
      ['日期格', new Date('2026-01-05T00:00:00Z'), '社区', community(), null, null], // 10
      ['重复甲', dup, '社区', community(), null, null], // 11
      ['重复乙', dup, '社区', community(), null, null], // 12
      ['居民角色', mobile(), 'resident', community(), null, null], // 13
    ];
    const r = await importOk(cityAdmin, await xlsx(rows));
    expect(r.committed).toBe(false);
    const byRow = (row: number) => r.errors.filter((e) => e.row === row);
    expect(byRow(2)).toEqual([]);
    expect(byRow(3)).toEqual([expect.objectContaining({ column: '手机号', code: 'mobile.invalid' })]);
    expect(byRow(4)).toEqual([expect.objectContaining({ column: '角色', code: 'role.unknown' })]);
    expect(byRow(5)).toEqual([expect.objectContaining({ column: '单位编码', code: 'org.unknown' })]);
    expect(byRow(6)).toEqual([expect.objectContaining({ column: '岗位', code: 'post.missing' })]);
    expect(byRow(7)).toEqual([expect.objectContaining({ column: '岗位', code: 'post.not_allowed' })]);
    expect(byRow(8)).toEqual([expect.objectContaining({ column: '姓名', code: 'cell.formula' })]);
    expect(byRow(9)).toEqual([expect.objectContaining({ column: '手机号', code: 'cell.formula' })]);
    expect(byRow(10)).toEqual([expect.objectContaining({ column: '手机号', code: 'cell.type' })]);
    expect(byRow(11)).toEqual([]);
    expect(byRow(12)).toEqual([expect.objectContaining({ column: '手机号', code: 'mobile.duplicate', message: '手机号与第 11 行重复' })]);
    expect(byRow(13)).toEqual([expect.objectContaining({ column: '角色', code: 'role.unknown' })]);
    for (const e of r.errors) expect(e.message).toMatch(/[\u4e00-\u9fa5]/);
    // The good rows were judged (what they would do) but nothing was written.
    expect(r.created).toBe(2);
    expect(await found(good)).toBe(0);
    expect(await found(dup)).toBe(0);
  });

  it('with ?partial=true writes the good rows and reports the bad ones', async () => {
    const [g1, g2] = [mobile(), mobile()];
    const r = await importOk(cityAdmin, await xlsx([
      ['部分甲', g1, '社区', community(), null, null],
      ['部分乙', '138', '社区', community(), null, null],
      ['部分丙', g2, '管理员', districtCode, null, null],
    ]), '?partial=true');
    expect(r).toMatchObject({ created: 2, committed: true, errors: [expect.objectContaining({ row: 3, code: 'mobile.invalid' })] });
    expect(await found(g1)).toBe(1);
    expect((await list(cityAdmin, `?q=${g2}`)).items[0]).toMatchObject({ roles: ['admin'], status: 'invited' });
  });

  it('with ?dryRun=true validates and counts but writes nothing', async () => {
    const m = mobile();
    const r = await importOk(cityAdmin, await xlsx([['试运行', m, '社区', community(), null, null]]), '?dryRun=true');
    expect(r).toMatchObject({ created: 1, errors: [], committed: false });
    expect(await found(m)).toBe(0);
  });

  it('creates a person once when two imports of the same new mobile run at once', async () => {
    const m = mobile();
    const file = await xlsx([['并发', m, '社区', community(), null, null]]);
    const results = await Promise.all([importOk(cityAdmin, file), importOk(districtAdmin, file)]);
    expect(results.map((r) => r.created + r.unchanged)).toEqual([1, 1]);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(1);
    expect(await found(m)).toBe(1);
  });

  it('refuses a WeCom account someone else already uses', async () => {
    const [a, b] = [mobile(), mobile()];
    await importOk(cityAdmin, await xlsx([['企微甲', a, '社区', community(), null, 'shared.wx']]));
    const r = await importOk(cityAdmin, await xlsx([['企微乙', b, '社区', community(), null, 'shared.wx']]));
    expect(r.errors).toEqual([expect.objectContaining({ row: 2, column: '企业微信账号', code: 'wecom.taken' })]);
    expect(await found(b)).toBe(0);
  });

  it('refuses more than 5,000 rows, a non-spreadsheet, a file without the header, and non-admins', async () => {
    const many = Array.from({ length: 5001 }, (_, i) => ['批量', `1360${String(i).padStart(7, '0')}`, '社区', community(), null, null] as CellIn[]);
    const big = await upload(cityAdmin, await xlsx(many));
    expect(big.status).toBe(422);
    expect(big.body.error).toMatchObject({ code: 'import.too_many_rows' });
    expect(big.body.error.message).toMatch(/5000/);
    expect(await found('13600000001')).toBe(0);

    // Exactly 5,000 rows are fine (judged here without writing).
    const full = await importOk(cityAdmin, await xlsx(many.slice(0, 5000)), '?dryRun=true');
    expect(full).toMatchObject({ created: 5000, errors: [], committed: false });

    const huge = await upload(cityAdmin, Buffer.alloc(5 * 1024 * 1024 + 1, 0x41), 'huge.csv');
    expect(huge.status).toBe(413);
    expect(huge.body.error.message).toMatch(/5MB/);

    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const notSheet = await upload(cityAdmin, png, 'photo.png');
    expect(notSheet.status).toBe(415);
    expect(notSheet.body.error.message).toMatch(/xlsx|CSV/);

    const noHeader = await upload(cityAdmin, await xlsx([['张三', mobile()]], ['名字', '电话']));
    expect(noHeader.status).toBe(422);
    expect(noHeader.body.error).toMatchObject({ code: 'import.invalid_file' });

    const gbk = await upload(cityAdmin, Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0x0d, 0x0a]), 'gbk.csv');
    expect(gbk.status).toBe(422);
    expect(gbk.body.error.message).toMatch(/UTF-8/);

    const noFile = await h.request.post('/api/v1/admin/staff/import').set(auth(cityAdmin)).field('x', '1');
    expect(noFile.status).toBe(400);

    const good = await xlsx([['无权', mobile(), '社区', community(), null, null]]);
    expect((await upload(inspector, good)).status).toBe(403);
    expect((await h.request.get('/api/v1/admin/staff').set(auth(inspector))).status).toBe(403);
    expect((await h.request.get('/api/v1/admin/audit').set(auth(inspector))).status).toBe(403);
  });
});

describe('district admins', () => {
  it('import only into their own district: other rows are per-row errors', async () => {
    const [mine, theirs] = [mobile(), mobile()];
    const r = await importOk(districtAdmin, await xlsx([
      ['本区', mine, '网格员', grid.orgNodeCode, 'A', null],
      ['外区', theirs, '网格员', otherGrid.orgNodeCode, 'B', null],
    ]), '?partial=true');
    expect(r.errors).toEqual([expect.objectContaining({ row: 3, column: '单位编码', code: 'org.out_of_scope' })]);
    expect(r.created).toBe(1);
    expect(await found(mine)).toBe(1);
    expect(await found(theirs)).toBe(0);
  });

  it('list only their district, and may not ask for another', async () => {
    const all = await list(districtAdmin, '?pageSize=100');
    expect(all.total).toBeGreaterThan(10);
    for (const s of all.items) expect(s.orgNodeCode!.startsWith(districtCode) || s.orgNodeCode === `QS-${districtCode}` || s.orgNodeCode!.startsWith(`BM-${districtCode}`)).toBe(true);
    const city = await list(cityAdmin, '?pageSize=1');
    expect(city.total).toBeGreaterThan(all.total);
    const other = await h.request.get(`/api/v1/admin/staff?orgNodeCode=${otherGrid.orgNodeCode!.slice(0, 6)}`).set(auth(districtAdmin));
    expect(other.status).toBe(403);
    // A person of another district, searched by mobile, is not found.
    const m = mobile();
    await importOk(cityAdmin, await xlsx([['他区人员', m, '网格员', otherGrid.orgNodeCode, 'A', null]]));
    expect((await list(districtAdmin, `?q=${m}`)).total).toBe(0);
    expect((await list(cityAdmin, `?q=${m}`)).total).toBe(1);
  });
});

describe('GET /api/v1/admin/staff', () => {
  it('finds by name substring and by full mobile, with mobiles masked, filtered by unit and status', async () => {
    const m = mobile();
    await importOk(cityAdmin, await xlsx([['欧阳查找测试', m, '社区', community(), null, null]]));
    const byName = await list(cityAdmin, `?q=${encodeURIComponent('查找测')}`);
    expect(byName.total).toBe(1);
    expect(byName.items[0]!.mobile).toBe(`${m.slice(0, 3)}****${m.slice(-4)}`);
    expect(JSON.stringify(byName)).not.toContain(m);
    expect((await list(cityAdmin, `?q=${m}`)).items[0]!.name).toBe('欧阳查找测试');
    expect((await list(cityAdmin, `?q=${m.slice(0, 7)}`)).total).toBe(0); // part of a mobile is not a search
    expect((await list(cityAdmin, `?q=${m}&status=active`)).total).toBe(0);
    expect((await list(cityAdmin, `?q=${m}&status=invited&orgNodeCode=${community()}`)).total).toBe(1);
    const page = await list(cityAdmin, `?orgNodeCode=${grid.orgNodeCode}&pageSize=1&page=1`);
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(2);
    const bad = await h.request.get('/api/v1/admin/staff?status=gone').set(auth(cityAdmin));
    expect(bad.status).toBe(400);
  });
});

describe('template and export', () => {
  it('serves the template: header with notes, instructions and an example row in Chinese', async () => {
    const res = await asBuffer(h.request.get('/api/v1/admin/staff/template.xlsx').set(auth(cityAdmin)));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = await readXlsx(binary(res));
    const roster = wb.getWorksheet('人员名单')!;
    expect((roster.getRow(1).values as unknown[]).slice(1)).toEqual(HEADER);
    expect(String(roster.getCell('B1').note ? JSON.stringify(roster.getCell('B1').note) : '')).toMatch(/11 位/);
    const help = wb.getWorksheet('填写说明')!;
    const text = JSON.stringify(help.getSheetValues());
    expect(text).toContain('网格员必填 A 或 B');
    expect(text).toContain('13800138000');
    // The template, filled in, imports.
    roster.addRow(['模板填写', mobile(), '社区', community(), null, null]);
    const r = await importOk(cityAdmin, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(r).toMatchObject({ created: 1, errors: [] });
  });

  it('exports full mobiles for admins and escapes formula-leading cells', async () => {
    const m = mobile();
    await importOk(cityAdmin, await xlsx([['导出测试', m, '社区', community(), null, null]]));
    await h.database.db.update(users).set({ name: '=HYPERLINK("http://x","导出")' }).where(eq(users.mobile, m));
    const res = await asBuffer(h.request.get(`/api/v1/admin/staff/export.xlsx?q=${m}`).set(auth(cityAdmin)));
    expect(res.status).toBe(200);
    const ws = (await readXlsx(binary(res))).worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 7)).toEqual(HEADER);
    const row = ws.getRow(2);
    expect(row.getCell(1).value).toBe('\'=HYPERLINK("http://x","导出")');
    expect(row.getCell(2).value).toBe(m);
    expect(row.getCell(3).value).toBe('社区');
    expect(row.getCell(8).value).toBe('待激活');
    expect(ws.rowCount).toBe(2);
    const denied = await h.request.get('/api/v1/admin/staff/export.xlsx').set(auth(inspector));
    expect(denied.status).toBe(403);
  });
});

describe('GET /api/v1/admin/audit', () => {
  it('records each imported person and pages the log within the admin\'s scope', async () => {
    const [a, b, other] = [mobile(), mobile(), mobile()];
    await importOk(districtAdmin, await xlsx([
      ['审计甲', a, '社区', community(), null, null],
      ['审计乙', b, '网格员', grid.orgNodeCode, 'B', null],
    ]));
    await importOk(cityAdmin, await xlsx([['审计外区', other, '网格员', otherGrid.orgNodeCode, 'A', null]]));
    const idA = (await list(cityAdmin, `?q=${a}`)).items[0]!.id;
    const idOther = (await list(cityAdmin, `?q=${other}`)).items[0]!.id;

    const one = await h.request.get(`/api/v1/admin/audit?entity=user&entityId=${idA}`).set(auth(districtAdmin));
    expect(one.status).toBe(200);
    // Other lines may follow an import (the invitation sent to a new person); the import's own is there once.
    const imports = (one.body as AuditListDto).items.filter((e) => e.action === 'staff.import');
    expect(imports).toHaveLength(1);
    const entry = imports[0]!;
    expect(entry).toMatchObject({
      action: 'staff.import', entityType: 'user', entityId: idA, orgNodeCode: community(), actorId: expect.any(String),
      actorName: '区管理员（演示）', before: null, after: expect.objectContaining({ name: '审计甲', mobile: `${a.slice(0, 3)}****${a.slice(-4)}`, status: 'invited' }),
    });
    expect(new Date(entry.at).toISOString()).toBe(entry.at);
    expect(JSON.stringify(one.body)).not.toContain(a);

    // The district admin does not see the other district's entry; the city admin does.
    const hidden = await h.request.get(`/api/v1/admin/audit?entityId=${idOther}`).set(auth(districtAdmin));
    expect(hidden.body.total).toBe(0);
    const seen = await h.request.get(`/api/v1/admin/audit?entityId=${idOther}`).set(auth(cityAdmin));
    expect((seen.body as AuditListDto).items.filter((e) => e.action === 'staff.import')).toHaveLength(1);

    // Paging by actor: the district admin's own imports, one a page, newest first, no repeats.
    const actor = entry.actorId!;
    const p1 = (await h.request.get(`/api/v1/admin/audit?actor=${actor}&pageSize=1&page=1`).set(auth(districtAdmin))).body as AuditListDto;
    const p2 = (await h.request.get(`/api/v1/admin/audit?actor=${actor}&pageSize=1&page=2`).set(auth(districtAdmin))).body as AuditListDto;
    expect(p1.total).toBeGreaterThanOrEqual(2);
    expect(p1.items).toHaveLength(1);
    expect(p2.items[0]!.id).not.toBe(p1.items[0]!.id);
    expect(p1.items[0]!.at >= p2.items[0]!.at).toBe(true);

    const today = new Date(h.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const byDay = await h.request.get(`/api/v1/admin/audit?entityId=${idA}&from=${today}&to=${today}`).set(auth(cityAdmin));
    expect((byDay.body as AuditListDto).items.filter((e) => e.action === 'staff.import')).toHaveLength(1);
    const before = await h.request.get(`/api/v1/admin/audit?entityId=${idA}&to=2020-01-01`).set(auth(cityAdmin));
    expect(before.body.total).toBe(0);
    expect((await h.request.get('/api/v1/admin/audit?from=yesterday').set(auth(cityAdmin))).status).toBe(400);
  });
});
