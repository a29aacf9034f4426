// What an admin reads: Beijing times, statuses, rota rules and the audit log, in Chinese (never a raw code).
import type { AuditEntryDto, Role, StaffDto } from '@finecity/types'
import { ROLE_LABEL } from '../../lib/labels'

const pad = (n: number): string => String(n).padStart(2, '0')
const BEIJING_MS = 8 * 3_600_000

/** "2026-12-02 13:57" in Beijing time (UTC+8, no daylight saving), whatever the device's zone. */
export function beijingTime(iso: string): string {
  const d = new Date(new Date(iso).getTime() + BEIJING_MS)
  if (Number.isNaN(d.getTime())) return ''
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** Today's Beijing date parts. */
export function beijingToday(now: Date = new Date()): { year: number; month: number; day: number } {
  const d = new Date(now.getTime() + BEIJING_MS)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

export const monthKey = (year: number, month: number): string => `${year}-${pad(month)}`

export const STAFF_STATUS_LABEL: Record<StaffDto['status'], string> = { invited: '待激活', active: '已激活', deactivated: '已停用' }
export const STAFF_STATUS_TONE: Record<StaffDto['status'], 'orange' | 'green' | 'grey'> = { invited: 'orange', active: 'green', deactivated: 'grey' }

export const DUTY_RULE_LABEL = { alternate_days: '单双日轮值（双日 A 岗）', alternate_weeks: '单双周轮值（双周 A 岗）', a_only: '仅 A 岗' } as const

export const rolesText = (roles: Role[]): string => roles.map((r) => ROLE_LABEL[r] ?? '工作人员').join('、')

export const AUDIT_ACTION_LABEL: Record<string, string> = {
  'staff.import': '导入人员名单',
  'staff.invite': '发送激活码',
  'staff.invite_resend': '重新发送激活码',
  'staff.bind': '激活账号',
  'staff.bind_refused': '拒绝绑定',
  'staff.deactivate': '停用人员',
  'case.handover': '移交案件',
  'duty.update': '修改排班',
  'calendar.update': '修改工作日历',
  'org.import': '导入网格',
  'category.update': '修改类别',
  'categories.update': '修改类别与时限',
  'time_limits.update': '修改处置时限',
  'category.map_open_cases': '在办案件改类别',
  'staff.bootstrap_admin': '设立首位管理员',
  'company.create': '新增第三方巡查公司',
  'company.update': '修改第三方巡查公司',
  'company.assign': '人员归属巡查公司',
  'open311_key.issue': '签发 Open311 密钥',
  'open311_key.revoke': '吊销 Open311 密钥',
}

export const AUDIT_ENTITY_LABEL: Record<string, string> = {
  user: '人员', case: '案件', duty: '排班', calendar: '工作日历', org: '网格', org_node: '网格', category: '类别',
  company: '第三方巡查公司', open311_key: 'Open311 密钥',
}

export const actionText = (a: string): string => AUDIT_ACTION_LABEL[a] ?? (a.startsWith('staff.') ? '人员变更' : a.startsWith('case.') ? '案件变更' : '其他操作')
export const entityText = (t: string): string => AUDIT_ENTITY_LABEL[t] ?? '其他'

const ACTOR_ROLE_LABEL = (r: string): string => (r === 'system' ? '系统' : (ROLE_LABEL as Record<string, string>)[r] ?? '工作人员')

/** "张三 · 管理员", or the role alone when the actor has no account (the system, a refused stranger). */
export function actorText(e: AuditEntryDto): string {
  return e.actorName ? `${e.actorName} · ${ACTOR_ROLE_LABEL(e.actorRole)}` : ACTOR_ROLE_LABEL(e.actorRole)
}

const VIA: Record<string, string> = { invite_code: '短信激活码', phone: '手机号快速验证', wecom: '企业微信' }
const REFUSAL: Record<string, string> = {
  already_bound: '账号已绑定其他微信', deactivated: '账号已停用', openid_is_resident: '该微信已是市民账号', openid_is_staff: '该微信已绑定其他工作人员',
}

type Obj = Record<string, unknown>

const CLOCK_WORD: Record<string, string> = { dalian: '大连标准', national: '国家标准' }
const COMPLEXITY_WORD: Record<string, string> = { simple: '简易', complex: '复杂', urgent: '紧急' }

/** A stored limits override in words: "大连标准 按工作时计 简易 12 / 复杂 48 小时". */
function overrideText(o: unknown): string {
  if (!isObj(o)) return '按默认时限'
  const parts = Object.entries(o).filter(([k, v]) => CLOCK_WORD[k] && isObj(v)).map(([k, v]) => {
    const c = v as Obj
    const cal = c.calendar === 'working' ? ' 按工作时计' : c.calendar === 'natural' ? ' 按自然时计' : ''
    const hours = isObj(c.hours) ? Object.entries(c.hours).filter(([h]) => COMPLEXITY_WORD[h]).map(([h, n]) => `${COMPLEXITY_WORD[h]} ${String(n)}`).join(' / ') : ''
    return `${CLOCK_WORD[k]}${cal}${hours ? ` ${hours} 小时` : ''}`
  })
  return parts.length ? parts.join('，') : '按默认时限'
}
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v)
const isoLike = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)

/** One field of a before/after snapshot in words; null for what a reader needs not see (ids, openids). */
function field(key: string, v: unknown, entityType?: string): string | null {
  if (key === 'own' && v === null) return '类别时限 按大类和默认时限'
  if (key === 'gridType' && entityType === 'org_node') return `网格类型 ${gridTypeText(v as string | null)}`
  if (v === null || v === undefined) return null
  switch (key) {
    case 'status': return `状态 ${STAFF_STATUS_LABEL[v as StaffDto['status']] ?? '未知'}`
    case 'name': return `${entityType && entityType !== 'user' ? '名称' : '姓名'} ${String(v)}`
    case 'mobile': return `手机 ${String(v)}`
    case 'roles': return Array.isArray(v) ? `角色 ${rolesText(v as Role[])}` : null
    case 'orgNodeCode': return `单位编码 ${String(v)}`
    case 'post': return `${String(v)} 岗`
    case 'wecomUserid': return `企业微信 ${String(v)}`
    case 'openid': return '已绑定微信'
    case 'bound': return v ? '已绑定微信' : '未绑定微信'
    case 'via': return `方式 ${VIA[String(v)] ?? '其他'}`
    case 'reason': return `原因 ${REFUSAL[String(v)] ?? String(v)}`
    case 'expiresAt': return isoLike(v) ? `有效期至 ${beijingTime(v)}` : null
    case 'revokedInvitations': return `作废旧激活码 ${String(v)} 个`
    case 'holder': return `承办单位 ${String(v)}`
    case 'inspector': return '原网格员'
    case 'inspectors': return Array.isArray(v) ? `本网格其他网格员 ${v.length} 人` : null
    case 'state': return null
    case 'rule': return `值班规则 ${(DUTY_RULE_LABEL as Record<string, string>)[String(v)] ?? '其他'}`
    case 'overrides': return Array.isArray(v) ? `指定日期 ${v.map((o) => (isObj(o) ? `${String(o.date).slice(5)} ${o.slot ? `${String(o.slot)} 岗` : '按规则'}` : '')).join('，')}` : null
    case 'substitutes': return Array.isArray(v) ? `替班 ${v.map((o) => (isObj(o) ? `${String(o.post)} 岗 ${String(o.from).slice(5)} 至 ${String(o.to).slice(5)}` : '')).join('，')}` : null
    case 'cancelledSubstitutes': return Array.isArray(v) ? `取消替班 ${v.length} 条` : null
    case 'holidays': return Array.isArray(v) ? `休息日 ${v.length} 天` : null
    case 'workdays': return Array.isArray(v) ? `调休上班 ${v.length} 天` : null
    case 'contractStart': return `合同起 ${String(v)}`
    case 'contractEnd': return `合同止 ${String(v)}`
    case 'mayVerify': return v ? '可核查' : '不可核查'
    case 'gridCodes': return Array.isArray(v) ? `合同网格 ${v.length} 个` : null
    case 'companyId': return `巡查公司 ${String(v)}`
    case 'revokedAt': return isoLike(v) ? `吊销于 ${beijingTime(v)}` : null
    case 'hint': return v ? `提示 ${String(v)}` : '无提示'
    case 'enabled': return v ? '启用' : '停用'
    case 'department': return '主管部门已调整'
    case 'version': return `第 ${String(v)} 版`
    case 'caseNo': return `案件 ${String(v)}`
    case 'categoryCode': return `类别 ${String(v)}`
    case 'own': return `类别时限 ${overrideText(v)}`
    case 'byGridType': return isObj(v) ? Object.entries(v).map(([t, o]) => `${t}网格 ${overrideText(o)}`).join('；') || null : null
    case 'limits': return isObj(v) ? snapshotText(v) : null
    case 'recompute': return isObj(v) ? `重算在办案件时限：检查 ${String(v.examined ?? 0)} 件，调整 ${String(v.changed ?? 0)} 件` : null
    default: return null
  }
}

/** A snapshot in Chinese: "姓名 张三；角色 网格员；A 岗"; '—' when empty. `entityType` names what the fields are of. */
export function snapshotText(v: unknown, entityType?: string): string {
  if (!isObj(v)) return '—'
  const parts = Object.entries(v).map(([k, x]) => field(k, x, entityType)).filter((s): s is string => !!s)
  return parts.length ? parts.join('；') : '—'
}

/** The policy's grid types (大政办发〔2018〕125号), as the import and the API name them. */
export const GRID_TYPES = ['居民区', '商业区（公共区）', '海边', '工地'] as const

/**
 * A grid's type for people: the policy's name (half-width brackets made full-width), 未设类型 when none is
 * on file, and 其他类型 for anything that is not a Chinese name (never a raw code).
 */
export function gridTypeText(t: string | null | undefined): string {
  if (!t || !t.trim()) return '未设类型'
  const name = t.trim().replace(/\(/g, '（').replace(/\)/g, '）')
  return /^[\u4e00-\u9fa5（）]+$/.test(name) ? name : '其他类型'
}

/** "居民区 3 个、海边 1 个、未设类型 2 个": the grids among `nodes`, counted by type (policy order first). */
export function gridTypeCounts(nodes: { level: string; gridType?: string | null }[]): string {
  const counts = new Map<string, number>()
  for (const n of nodes) if (n.level === 'grid') counts.set(gridTypeText(n.gridType), (counts.get(gridTypeText(n.gridType)) ?? 0) + 1)
  const order = (k: string) => { const i = (GRID_TYPES as readonly string[]).indexOf(k); return i < 0 ? GRID_TYPES.length + (k === '未设类型' ? 1 : 0) : i }
  return [...counts.entries()].sort((a, b) => order(a[0]) - order(b[0])).map(([k, n]) => `${k} ${n} 个`).join('、')
}
