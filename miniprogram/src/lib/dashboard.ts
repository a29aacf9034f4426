import type { CaseDto, OrgRefDto } from '@finecity/types'
import { sameLocalDay } from './time'

export interface UnitRow {
  code: string
  name: string
  total: number
  closed: number
  onTime: number
  overdue: number
  /** On-time closure rate in % (按期结案率), null when nothing has closed yet. */
  onTimeRate: number | null
}

export interface Figures {
  todayNew: number
  todayClosed: number
  open: number
  overdue: number
  closed: number
  onTimeRate: number | null
  units: UnitRow[]
}

const OPEN = new Set(['submitted', 'registered', 'dispatched', 'in_progress', 'handled', 'suspended'])

/** A case closed on time: closed before its Dalian due time (cases without a clock count as on time). */
export function closedOnTime(c: CaseDto): boolean {
  if (c.state !== 'closed' || !c.closedAt) return false
  return !c.deadline || new Date(c.closedAt).getTime() <= new Date(c.deadline.dueAt).getTime()
}

/** The unit one level below the viewer's node that a case belongs to (city → district → street → community). */
export function unitBelow(c: CaseDto, viewerLevel: 'city' | 'district' | 'street' | 'community' | 'other'): OrgRefDto | null {
  if (viewerLevel === 'city') return c.district
  if (viewerLevel === 'district') return c.street
  if (viewerLevel === 'street') return c.community
  return c.grid
}

const rate = (n: number, d: number): number | null => (d ? Math.round((n / d) * 1000) / 10 : null)

export function computeFigures(cases: CaseDto[], viewerLevel: Parameters<typeof unitBelow>[1], now: Date = new Date()): Figures {
  const units = new Map<string, UnitRow>()
  let todayNew = 0, todayClosed = 0, open = 0, overdue = 0, closed = 0, onTime = 0
  for (const c of cases) {
    if (sameLocalDay(new Date(c.createdAt), now)) todayNew++
    if (c.closedAt && sameLocalDay(new Date(c.closedAt), now)) todayClosed++
    const isOverdue = OPEN.has(c.state) && c.deadline?.level === 'overdue'
    if (OPEN.has(c.state)) open++
    if (isOverdue) overdue++
    if (c.state === 'closed') closed++
    if (closedOnTime(c)) onTime++
    const u = unitBelow(c, viewerLevel)
    if (!u) continue
    const row = units.get(u.code) ?? { code: u.code, name: u.name, total: 0, closed: 0, onTime: 0, overdue: 0, onTimeRate: null }
    row.total++
    if (c.state === 'closed') row.closed++
    if (closedOnTime(c)) row.onTime++
    if (isOverdue) row.overdue++
    units.set(u.code, row)
  }
  const ranked = [...units.values()]
    .map((r) => ({ ...r, onTimeRate: rate(r.onTime, r.closed) }))
    .sort((a, b) => (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) || a.overdue - b.overdue || b.total - a.total)
  return { todayNew, todayClosed, open, overdue, closed, onTimeRate: rate(onTime, closed), units: ranked }
}
