// The 类别与时限 editor's logic, kept out of the page so it can be tested: a draft of everything an admin may
// change in a category, and the PUT /api/v1/admin/categories/:code body that changes exactly what was edited.
//
// The API takes the category's own limits (`limits`, replacing the stored override) and, per grid type, that
// type's override (`gridTypeLimits[type]`, null removes it). The page shows effective values, so the body
// is built from differences: a clock hour or calendar the admin did not touch is not written into an
// override (it keeps following the big class and the defaults), and a grid type's override holds only what
// differs from the category's own limits. An unchanged form sends nothing.
import type { AdminCategoryDto, CategoryLimitsDto, CategoryLimitsInput, CategoryUpdateRequest, ClockLimitsInput, Complexity } from '@finecity/types'
import type { FieldErrors } from './form-errors'

export const COMPLEXITIES: Complexity[] = ['simple', 'complex', 'urgent']
export const COMPLEXITY_LABEL: Record<Complexity, string> = { simple: '简易', complex: '复杂', urgent: '紧急' }
export const CLOCKS = ['dalian', 'national'] as const
export type Clock = (typeof CLOCKS)[number]
export const CLOCK_LABEL: Record<Clock, string> = { dalian: '大连标准', national: '国家标准' }
export const CALENDAR_LABEL = { natural: '自然时', working: '工作时' } as const
/** The server's ceiling: no limit over 90 days. */
export const MAX_HOURS = 90 * 24

export interface ClockDraft {
  calendar: 'natural' | 'working'
  hours: Record<Complexity, string>
}
export type LimitsDraft = Record<Clock, ClockDraft>

export interface CategoryDraft {
  code: string
  name: string
  department: string
  hint: string
  enabled: boolean
  /** Where the open cases go when the category is disabled ('' none chosen). */
  mapTo: string
  limits: LimitsDraft
  /** Every grid type: its own limits for this category, or null when it follows the category's. */
  gridTypes: Record<string, LimitsDraft | null>
  reason: string
}

const fmt = (h: number): string => String(Number(h.toFixed(2)))

/** "简易 24 / 复杂 72 / 紧急 4 小时（自然时）" */
export function clockText(c: CategoryLimitsDto[Clock]): string {
  return `${COMPLEXITIES.map((k) => `${COMPLEXITY_LABEL[k]} ${fmt(c.hours[k])}`).join(' / ')} 小时（${CALENDAR_LABEL[c.calendar]}）`
}

export function limitsDraft(l: CategoryLimitsDto): LimitsDraft {
  const one = (clock: Clock): ClockDraft => ({
    calendar: l[clock].calendar,
    hours: { simple: fmt(l[clock].hours.simple), complex: fmt(l[clock].hours.complex), urgent: fmt(l[clock].hours.urgent) },
  })
  return { dalian: one('dalian'), national: one('national') }
}

export function draftOf(c: AdminCategoryDto, gridTypes: string[]): CategoryDraft {
  return {
    code: c.code, name: c.name, department: c.department.code, hint: c.hint ?? '', enabled: c.enabled, mapTo: '', reason: '',
    limits: limitsDraft(c.limits),
    gridTypes: Object.fromEntries(gridTypes.map((t) => [t, c.gridTypeLimits[t] ? limitsDraft(c.gridTypeLimits[t]!) : null])),
  }
}

/** The draft's hours as numbers, with a Chinese message under each field that is not a usable limit. */
function parseLimits(d: LimitsDraft, path: string, errors: FieldErrors): CategoryLimitsDto {
  const out = {} as CategoryLimitsDto
  for (const clock of CLOCKS) {
    const hours = {} as Record<Complexity, number>
    for (const k of COMPLEXITIES) {
      const text = d[clock].hours[k].trim()
      const h = Number(text)
      const field = `${path}.${clock}.hours.${k}`
      const what = `${CLOCK_LABEL[clock]}（${COMPLEXITY_LABEL[k]}）`
      if (!text || !Number.isFinite(h) || h <= 0) errors[field] = `${what}请填写大于 0 的小时数`
      else if (h > MAX_HOURS) errors[field] = `${what}不能超过 90 天（${MAX_HOURS} 小时）`
      hours[k] = h
    }
    out[clock] = { calendar: d[clock].calendar, hours }
  }
  return out
}

/** What differs from `base`, clock by clock (calendar and each hour); null when nothing does. */
function difference(next: CategoryLimitsDto, base: CategoryLimitsDto): CategoryLimitsInput | null {
  const out: CategoryLimitsInput = {}
  for (const clock of CLOCKS) {
    const c: ClockLimitsInput = {}
    if (next[clock].calendar !== base[clock].calendar) c.calendar = next[clock].calendar
    const hours = Object.fromEntries(COMPLEXITIES.filter((k) => next[clock].hours[k] !== base[clock].hours[k]).map((k) => [k, next[clock].hours[k]]))
    if (Object.keys(hours).length) c.hours = hours
    if (Object.keys(c).length) out[clock] = c
  }
  return Object.keys(out).length ? out : null
}

/** The stored override with the changed fields laid over it (fields the admin did not touch stay as they are). */
function layered(own: AdminCategoryDto['ownLimits'], change: CategoryLimitsInput): CategoryLimitsInput {
  const out: CategoryLimitsInput = {}
  for (const clock of CLOCKS) {
    const a = own?.[clock]
    const b = change[clock]
    if (!a && !b) continue
    const hours = { ...(a?.hours ?? {}), ...(b?.hours ?? {}) }
    const calendar = b?.calendar ?? a?.calendar
    out[clock] = { ...(calendar ? { calendar } : {}), ...(Object.keys(hours).length ? { hours } : {}) }
  }
  return out
}

/**
 * The request for what the draft changed, or the problems found before asking (field paths as the API
 * names them). `body` is null when there is a problem or nothing changed (then `errors._` says so).
 */
export function buildUpdate(c: AdminCategoryDto, d: CategoryDraft): { body: CategoryUpdateRequest | null; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const body: CategoryUpdateRequest = { reason: d.reason.trim() }
  const name = d.name.trim()
  if (!name) errors.name = '请填写类别名称'
  else if (name.length > 40) errors.name = '名称不超过 40 个字'
  else if (name !== c.name) body.name = name
  if (d.department !== c.department.code) body.department = d.department
  const hint = d.hint.trim()
  if (hint.length > 200) errors.hint = '提示不超过 200 个字'
  else if (hint !== (c.hint ?? '')) body.hint = hint || null
  if (d.enabled !== c.enabled) body.enabled = d.enabled
  if (!d.enabled && c.enabled && d.mapTo) body.mapOpenCasesTo = d.mapTo

  const limits = parseLimits(d.limits, 'limits', errors)
  const change = difference(limits, c.limits)
  if (change) body.limits = layered(c.ownLimits, change)
  const byType: Record<string, CategoryLimitsInput | null> = {}
  for (const [type, draft] of Object.entries(d.gridTypes)) {
    const before = c.gridTypeLimits[type]
    if (!draft) {
      if (before) byType[type] = null
      continue
    }
    const next = parseLimits(draft, `gridTypeLimits.${type}`, errors)
    if (before && !difference(next, before)) continue
    const own = difference(next, limits)
    if (own) byType[type] = own
    else if (before) byType[type] = null
  }
  if (Object.keys(byType).length) body.gridTypeLimits = byType

  if (!body.reason) errors.reason = '请填写修改原因'
  else if (body.reason.length > 200) errors.reason = '原因不超过 200 个字'
  if (Object.keys(errors).length) return { body: null, errors }
  if (Object.keys(body).length === 1) return { body: null, errors: { _: '没有修改任何内容' } }
  return { body, errors }
}
