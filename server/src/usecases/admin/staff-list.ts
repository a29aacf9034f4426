import type { AuditListDto, AuditListQuery, Role, StaffDto, StaffListDto, StaffListFilterQuery } from '@finecity/types';
import { fromBeijing } from '../../domain/shanghai-time.js';
import { AppError } from '../../domain/errors.js';
import type { CurrentUser, Deps } from '../deps.js';
import { isCityAdmin, requireAdmin, requireAdminOver } from './admin-scope.js';
import { ROLE_NAMES, ROSTER_SHEET, STAFF_COLUMNS, maskMobile } from './staff-import.js';
import type { StaffListFilter, StaffListRecord } from './staff-ports.js';

/** The export's row cap: a city's whole roster fits; beyond it the admin narrows by unit. */
const EXPORT_MAX = 50_000;

function filterFor(deps: Deps, actor: CurrentUser, q: Omit<StaffListFilterQuery, 'page' | 'pageSize'>): Omit<StaffListFilter, 'page' | 'pageSize'> {
  const scope = requireAdmin(actor);
  let underPath = scope.path;
  if (q.orgNodeCode) {
    requireAdminOver(actor, deps.org, q.orgNodeCode);
    underPath = deps.org.get(q.orgNodeCode)!.path;
  }
  return { underPath, q: q.q?.trim() || undefined, status: q.status };
}

function dto(r: StaffListRecord, mobile: 'masked' | 'full'): StaffDto {
  return {
    id: r.id, name: r.name, mobile: mobile === 'masked' ? maskMobile(r.mobile) : r.mobile, roles: r.roles, orgNodeCode: r.orgNodeCode,
    orgNodeName: r.orgNodeName, post: r.dutySlot, status: r.status, wecomUserid: r.wecomUserid,
  };
}

/** The admin's staff list (their subtree): mobiles masked. */
export async function listStaff(deps: Deps, actor: CurrentUser, q: StaffListFilterQuery): Promise<StaffListDto> {
  const f = filterFor(deps, actor, q);
  const { items, total } = await deps.staff.list({ ...f, page: q.page, pageSize: q.pageSize });
  return { items: items.map((r) => dto(r, 'masked')), total };
}

const STATUS_LABEL = { invited: '待激活', active: '已激活', deactivated: '已停用' } as const;
const roleLabel = (r: Role) => (r === 'resident' ? '市民' : ROLE_NAMES[r][0]!);

/** The same list as an XLSX for admins: full mobiles, columns the import reads back. */
export async function exportStaff(deps: Deps, actor: CurrentUser, q: Omit<StaffListFilterQuery, 'page' | 'pageSize'>): Promise<Buffer> {
  const f = filterFor(deps, actor, q);
  const { items, total } = await deps.staff.list({ ...f, page: 1, pageSize: EXPORT_MAX });
  if (total > EXPORT_MAX) throw new AppError('request.too_large', `符合条件的人员超过 ${EXPORT_MAX} 人，请按单位分批导出`);
  return deps.sheets.write([
    {
      name: ROSTER_SHEET,
      columns: [
        { header: STAFF_COLUMNS.name, width: 24 }, { header: STAFF_COLUMNS.mobile, width: 16 }, { header: STAFF_COLUMNS.role, width: 16 },
        { header: STAFF_COLUMNS.unit, width: 20 }, { header: STAFF_COLUMNS.post, width: 8 }, { header: STAFF_COLUMNS.wecom, width: 20 },
        { header: '单位名称', width: 30 }, { header: '状态', width: 10 },
      ],
      rows: items.map((r) => [r.name, r.mobile, r.roles.map(roleLabel).join('、'), r.orgNodeCode, r.dutySlot, r.wecomUserid, r.orgNodeName, STATUS_LABEL[r.status]]),
    },
  ]);
}

/** A filled-in row (the unit code is illustrative: the template is the same for every admin). */
const EXAMPLE_ROW = ['张三', '13800138000', '网格员', '210202001010001', 'A', 'zhangsan'];

/** The roster template: the header (each column explained in a cell note), and a sheet of instructions with an example row. */
export function staffTemplate(deps: Pick<Deps, 'sheets'>): Promise<Buffer> {
  const roleNames = Object.values(ROLE_NAMES)
    .map((n) => n[0])
    .join('、');
  const notes: [string, string][] = [
    [STAFF_COLUMNS.name, '必填。人员姓名，不超过 50 个字。'],
    [STAFF_COLUMNS.mobile, '必填。11 位中国大陆手机号，用于识别人员：已有人员按手机号更新，新手机号新建人员（状态为待激活）。同一文件中不能重复。'],
    [STAFF_COLUMNS.role, `必填。可填：${roleNames}。一人多个角色时用顿号分隔。`],
    [STAFF_COLUMNS.unit, '必填。人员所属单位的编码（网格员填网格编码），须在您的管理范围内。'],
    [STAFF_COLUMNS.post, '网格员必填 A 或 B（A 岗、B 岗轮值）；其他角色留空。'],
    [STAFF_COLUMNS.wecom, '选填。企业微信账号（userid），用于企业微信登录；不能与他人重复。留空则不修改。'],
  ];
  const instructions = [
    ...notes.map(([c, n]) => [c, n]),
    ['注意', '所有单元格请填写文本，不要填写公式；以 = + - @ 开头的内容会被拒绝。一次最多 5000 行、文件不超过 5MB。'],
  ];
  return deps.sheets.write([
    {
      name: ROSTER_SHEET,
      columns: notes.map(([header, note]) => ({ header, note, width: header === STAFF_COLUMNS.mobile || header === STAFF_COLUMNS.unit ? 18 : 14 })),
      rows: [],
    },
    {
      name: '填写说明',
      columns: [{ header: '列', width: 14 }, { header: '说明', width: 90 }],
      rows: [...instructions, [], ['示例', '以下一行为填写示例（请在“人员名单”表中填写，不要在本表填写）：'], notes.map(([c]) => c), EXAMPLE_ROW],
    },
  ]);
}

/** Beijing date (YYYY-MM-DD) or an ISO instant; a bare `to` date includes that whole day. */
function instant(s: string | undefined, end: boolean): Date | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const d = m ? fromBeijing(Number(m[1]), Number(m[2]), Number(m[3]) + (end ? 1 : 0)) : new Date(s);
  if (Number.isNaN(d.getTime())) throw new AppError('request.invalid', '时间格式不正确');
  return d;
}

/** The audit log, newest first: a city admin reads everything, other admins the entries of their subtree. */
export async function listAudit(deps: Deps, actor: CurrentUser, q: AuditListQuery & { page: number; pageSize: number }): Promise<AuditListDto> {
  const scope = requireAdmin(actor);
  const { items, total } = await deps.audit.list({
    actorId: q.actor, entityType: q.entity, entityId: q.entityId, from: instant(q.from, false), to: instant(q.to, true),
    underPath: isCityAdmin(actor, deps.org) ? undefined : scope.path, page: q.page, pageSize: q.pageSize,
  });
  return {
    items: items.map((e) => ({
      id: e.id, at: e.at.toISOString(), actorId: e.actorId, actorName: e.actorName, actorRole: e.actorRole, action: e.action, entityType: e.entityType,
      entityId: e.entityId, entityName: e.entityName, orgNodeCode: e.orgNodeCode, before: e.before, after: e.after, note: e.note ?? null,
    })),
    total,
  };
}
