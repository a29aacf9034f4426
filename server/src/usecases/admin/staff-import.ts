import { type Role, type StaffImportErrorDto, type StaffImportOptions, type StaffImportResultDto } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { AuditEntry } from './audit.js';
import { requireAdmin } from './admin-scope.js';
import type { StaffFields, StaffRecord } from './staff-ports.js';
import { STAFF_IMPORT_LIMITS, type SheetCell, type SheetRow } from './spreadsheets.js';

/** The roster's columns, as the header row names them. */
export const STAFF_COLUMNS = {
  name: '姓名',
  mobile: '手机号',
  role: '角色',
  unit: '单位编码',
  post: '岗位',
  wecom: '企业微信账号',
} as const;
const REQUIRED = [STAFF_COLUMNS.name, STAFF_COLUMNS.mobile, STAFF_COLUMNS.role, STAFF_COLUMNS.unit, STAFF_COLUMNS.post];
export const ROSTER_SHEET = '人员名单';

/** The names the console shows for each staff role (and a few common variants), → role code. */
export const ROLE_NAMES: Record<Exclude<Role, 'resident'>, string[]> = {
  inspector: ['网格员'],
  community: ['社区'],
  street: ['街道'],
  district: ['区级', '区平台'],
  city: ['市级', '市平台'],
  department: ['部门', '处置单位'],
  third_party: ['第三方', '第三方采集员'],
  leader: ['领导'],
  admin: ['管理员'],
  hotline: ['话务员', '热线'],
  enforcement: ['执法队员', '执法'],
};
const ROLE_BY_NAME = new Map<string, Role>();
for (const [code, names] of Object.entries(ROLE_NAMES) as [Role, string[]][]) {
  ROLE_BY_NAME.set(code, code);
  for (const n of names) ROLE_BY_NAME.set(n, code);
}

/** Mainland China mobile numbers: 11 digits, 1 then 3–9 (MIIT numbering plan). */
const MOBILE = /^1[3-9]\d{9}$/;
/** WeCom userid: 1–64 letters, digits and _-@. (https://developer.work.weixin.qq.com/document/path/90195). */
const WECOM_USERID = /^[A-Za-z0-9_\-@.]{1,64}$/;

export function maskMobile(m: string | null): string | null {
  return m && m.length >= 7 ? `${m.slice(0, 3)}****${m.slice(-4)}` : m;
}

interface GoodRow {
  row: number;
  fields: StaffFields;
}

type Cell = { ok: true; text: string } | { ok: false; error: StaffImportErrorDto };

/**
 * Imports the staff roster (issue 9): validates every row, matches people by mobile, creates the new
 * ones (status `invited`) and updates the changed ones, each with an audit line, in one transaction. A
 * file with errors writes nothing unless `partial`; `dryRun` writes nothing at all.
 */
export async function importStaff(deps: Deps, actor: CurrentUser, file: Buffer, opts: StaffImportOptions): Promise<StaffImportResultDto> {
  const scope = requireAdmin(actor);
  const sheet = await deps.sheets.read(file, ROSTER_SHEET, STAFF_IMPORT_LIMITS);
  const missing = REQUIRED.filter((h) => !sheet.headers.includes(h));
  if (missing.length) {
    throw new AppError('import.invalid_file', `第 1 行须为表头，缺少列：${missing.join('、')}（请使用导入模板）`, { missing });
  }
  if (!sheet.rows.length) throw new AppError('import.invalid_file', '文件中没有人员数据（表头下方至少填写一行）');

  const errors: StaffImportErrorDto[] = [];
  const fail = (row: number, column: string | null, code: string, message: string) => errors.push({ row, column, code, message });
  const candidates: GoodRow[] = [];
  const firstRowOfMobile = new Map<string, number>();
  const firstRowOfWecom = new Map<string, number>();
  for (const r of sheet.rows) {
    const before = errors.length;
    const fields = validateRow(deps, scope.path, r, fail);
    if (fields) {
      const dup = firstRowOfMobile.get(fields.mobile);
      if (dup !== undefined) fail(r.row, STAFF_COLUMNS.mobile, 'mobile.duplicate', `手机号与第 ${dup} 行重复`);
      else firstRowOfMobile.set(fields.mobile, r.row);
      if (fields.wecomUserid) {
        const w = firstRowOfWecom.get(fields.wecomUserid);
        if (w !== undefined) fail(r.row, STAFF_COLUMNS.wecom, 'wecom.duplicate', `企业微信账号与第 ${w} 行重复`);
        else firstRowOfWecom.set(fields.wecomUserid, r.row);
      }
    }
    if (fields && errors.length === before) candidates.push({ row: r.row, fields });
  }

  const now = deps.clock.now();
  const outcome = await deps.uow.run(async (tx) => {
    // One import at a time: two imports of the same new mobile must not both create a person.
    if (!opts.dryRun) await tx.staff.lockRoster();
    const existing = await tx.staff.byMobiles(candidates.map((c) => c.fields.mobile));
    const byMobile = new Map<string, StaffRecord[]>();
    for (const e of existing) byMobile.set(e.mobile!, [...(byMobile.get(e.mobile!) ?? []), e]);
    const wecomHolders = new Map((await tx.staff.byWecomUserids(candidates.flatMap((c) => (c.fields.wecomUserid ? [c.fields.wecomUserid] : [])))).map((w) => [w.wecomUserid, w.id]));

    const creates: GoodRow[] = [];
    const updates: { good: GoodRow; current: StaffRecord }[] = [];
    let unchanged = 0;
    for (const c of candidates) {
      const matches = byMobile.get(c.fields.mobile) ?? [];
      const current = matches[0];
      if (matches.length > 1) {
        fail(c.row, STAFF_COLUMNS.mobile, 'mobile.ambiguous', '该手机号对应多个账号，请联系市级管理员处理');
        continue;
      }
      if (current && (current.roles.includes('resident') || !current.orgNodeCode)) {
        fail(c.row, STAFF_COLUMNS.mobile, 'mobile.taken', '该手机号已被市民账号使用');
        continue;
      }
      if (current && !deps.org.get(current.orgNodeCode!)?.path.startsWith(scope.path)) {
        fail(c.row, STAFF_COLUMNS.mobile, 'staff.out_of_scope', '该手机号属于其他单位的人员，不在您的管理范围内');
        continue;
      }
      const holder = c.fields.wecomUserid ? wecomHolders.get(c.fields.wecomUserid) : undefined;
      if (holder && holder !== current?.id) {
        fail(c.row, STAFF_COLUMNS.wecom, 'wecom.taken', '该企业微信账号已被其他人员使用');
        continue;
      }
      if (!current) creates.push(c);
      else if (sameAs(current, c.fields)) unchanged++;
      else updates.push({ good: c, current });
    }
    const result = { created: creates.length, updated: updates.length, unchanged, createdIds: [] as string[], committed: false };
    if (opts.dryRun || (errors.length && !opts.partial) || creates.length + updates.length === 0) return result;

    const ids = await tx.staff.create(creates.map((c) => c.fields));
    for (const u of updates) await tx.staff.update(u.current.id, u.good.fields);
    const audit: AuditEntry[] = [
      ...creates.map((c, i) => line(actor, now, ids[i]!, null, c.fields)),
      ...updates.map((u) => line(actor, now, u.current.id, u.current, u.good.fields)),
    ];
    for (let i = 0; i < audit.length; i += 1000) await tx.audit.record(audit.slice(i, i + 1000));
    return { ...result, createdIds: ids, committed: true };
  });

  let invitations: StaffImportResultDto['invitations'] = 'none';
  if (outcome.committed && outcome.createdIds.length && deps.staffInvitations) {
    try {
      await deps.staffInvitations.inviteNew(outcome.createdIds, actor);
      invitations = 'sent';
    } catch {
      // The import is committed; the invitations can be sent again from the staff list.
      invitations = 'failed';
    }
  }
  errors.sort((a, b) => a.row - b.row);
  return { created: outcome.created, updated: outcome.updated, unchanged: outcome.unchanged, errors, committed: outcome.committed, invitations };
}

function validateRow(deps: Deps, scopePath: string, r: SheetRow, fail: (row: number, column: string | null, code: string, message: string) => void): StaffFields | null {
  const err = (column: string, code: string, message: string): Cell => ({ ok: false, error: { row: r.row, column, code, message } });
  const text = (column: string): Cell => {
    const c: SheetCell = r.cells.get(column) ?? { kind: 'empty' };
    switch (c.kind) {
      case 'empty':
        return { ok: true, text: '' };
      case 'formula':
        return err(column, 'cell.formula', `“${column}”不能是公式，请填写文本`);
      case 'other':
        return err(column, 'cell.type', `“${column}”须为文本，不能是${c.what === 'date' ? '日期' : c.what === 'boolean' ? '逻辑值' : '错误值'}`);
      case 'number':
        // Spreadsheet programs store a typed-in mobile or all-digit unit code as a number; only a whole number can be one.
        if ((column === STAFF_COLUMNS.mobile || column === STAFF_COLUMNS.unit) && Number.isSafeInteger(c.value) && c.value > 0) return { ok: true, text: String(c.value) };
        return err(column, 'cell.type', `“${column}”须为文本，不能是数字`);
      case 'text':
        if (/^[=+\-@\t\r]/.test(c.text)) return err(column, 'cell.formula', `“${column}”不能以 = + - @ 或制表符开头（可能是公式注入）`);
        return { ok: true, text: c.text.trim() };
    }
  };
  const cells = {
    name: text(STAFF_COLUMNS.name),
    mobile: text(STAFF_COLUMNS.mobile),
    role: text(STAFF_COLUMNS.role),
    unit: text(STAFF_COLUMNS.unit),
    post: text(STAFF_COLUMNS.post),
    wecom: text(STAFF_COLUMNS.wecom),
  };
  let ok = true;
  for (const c of Object.values(cells)) {
    if (!c.ok) {
      fail(c.error.row, c.error.column, c.error.code, c.error.message);
      ok = false;
    }
  }
  const v = (c: Cell) => (c.ok ? c.text : '');
  const check = (cond: boolean, column: string, code: string, message: string) => {
    if (!cond) {
      fail(r.row, column, code, message);
      ok = false;
    }
    return cond;
  };

  const name = v(cells.name);
  if (cells.name.ok) check(name.length > 0 && name.length <= 50, STAFF_COLUMNS.name, name ? 'name.too_long' : 'name.missing', name ? '姓名不能超过 50 个字' : '请填写姓名');

  const mobile = v(cells.mobile).replace(/[\s-]/g, '');
  if (cells.mobile.ok) check(MOBILE.test(mobile), STAFF_COLUMNS.mobile, 'mobile.invalid', mobile ? '手机号须为 11 位中国大陆手机号' : '请填写手机号');

  const roles: Role[] = [];
  if (cells.role.ok) {
    const parts = v(cells.role).split(/[、,，;；/\s]+/).filter(Boolean);
    const unknown = parts.filter((p) => !ROLE_BY_NAME.has(p.toLowerCase()) && !ROLE_BY_NAME.has(p));
    if (check(parts.length > 0, STAFF_COLUMNS.role, 'role.missing', '请填写角色') && check(unknown.length === 0, STAFF_COLUMNS.role, 'role.unknown', `未知角色：${unknown.join('、')}（可填：${roleNamesHint()}）`)) {
      for (const p of parts) {
        const role = ROLE_BY_NAME.get(p) ?? ROLE_BY_NAME.get(p.toLowerCase())!;
        if (!roles.includes(role)) roles.push(role);
      }
    }
  }
  const unitCode = v(cells.unit);
  const node = unitCode ? deps.org.get(unitCode) : undefined;
  if (cells.unit.ok && check(unitCode.length > 0, STAFF_COLUMNS.unit, 'org.missing', '请填写单位编码') && check(!!node, STAFF_COLUMNS.unit, 'org.unknown', `单位编码 ${unitCode} 不存在`)) {
    if (check(node!.path.startsWith(scopePath), STAFF_COLUMNS.unit, 'org.out_of_scope', `单位“${node!.name}”不在您的管理范围内`) && roles.includes('inspector')) {
      check(node!.level === 'grid', STAFF_COLUMNS.unit, 'org.not_grid', '网格员的单位须为网格');
    }
  }

  const post = v(cells.post).toUpperCase().replace(/岗$/, '');
  if (cells.post.ok && roles.length) {
    if (roles.includes('inspector')) check(post === 'A' || post === 'B', STAFF_COLUMNS.post, post ? 'post.invalid' : 'post.missing', post ? '岗位只能填 A 或 B' : '网格员须填写岗位（A 或 B）');
    else check(post === '', STAFF_COLUMNS.post, 'post.not_allowed', '只有网格员填写岗位，其他角色请留空');
  }

  const wecom = v(cells.wecom);
  if (cells.wecom.ok && wecom) check(WECOM_USERID.test(wecom), STAFF_COLUMNS.wecom, 'wecom.invalid', '企业微信账号只能包含字母、数字和 _ - @ .，不超过 64 位');

  if (!ok) return null;
  return { name, mobile, roles, orgNodeCode: unitCode, dutySlot: roles.includes('inspector') ? (post as 'A' | 'B') : null, wecomUserid: wecom || null };
}

function roleNamesHint(): string {
  return Object.values(ROLE_NAMES)
    .map((n) => n[0])
    .join('、');
}

function sameAs(cur: StaffRecord, f: StaffFields): boolean {
  const roles = (a: Role[]) => [...a].sort().join(',');
  return cur.name === f.name && roles(cur.roles) === roles(f.roles) && cur.orgNodeCode === f.orgNodeCode && cur.dutySlot === f.dutySlot && (f.wecomUserid === null || cur.wecomUserid === f.wecomUserid);
}

/** What an audit line keeps of a person (the mobile masked: audit lines are read in lists). */
function snapshot(s: Pick<StaffRecord, 'name' | 'mobile' | 'roles' | 'orgNodeCode' | 'dutySlot' | 'wecomUserid'>) {
  return { name: s.name, mobile: maskMobile(s.mobile), roles: s.roles, orgNodeCode: s.orgNodeCode, post: s.dutySlot, wecomUserid: s.wecomUserid };
}

function line(actor: CurrentUser, at: Date, id: string, before: StaffRecord | null, f: StaffFields): AuditEntry {
  const after = snapshot({ ...f, wecomUserid: f.wecomUserid ?? before?.wecomUserid ?? null });
  return {
    at, actorId: actor.id, actorRole: 'admin', action: 'staff.import', entityType: 'user', entityId: id, orgNodeCode: f.orgNodeCode,
    before: before ? { ...snapshot(before), status: before.status } : null, after: { ...after, status: before?.status ?? 'invited' },
  };
}
