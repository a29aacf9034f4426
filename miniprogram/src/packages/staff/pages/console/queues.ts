import { CONSOLE_QUEUES, type CaseListQuery, type CaseSource, type ConsoleQueue, type DueColour } from '@finecity/types'
import { beijingDate } from '../../../../lib/time'

/** The console's queues: declared once in @finecity/types, where the server's queue counts read them too. */
export const QUEUES: readonly ConsoleQueue[] = CONSOLE_QUEUES
export type { ConsoleQueue as Queue }

/** The filters the dispatcher sets over any queue (the search keeps them). */
export interface Filters {
  categoryCode?: string
  categoryName?: string
  orgNodeCode?: string
  orgName?: string
  source?: CaseSource
  due?: DueColour[]
  /** Beijing dates, YYYY-MM-DD. */
  from?: string
  to?: string
}

export const PAGE_SIZE = 50

/**
 * The list query of a queue with the filters, the search and the page: sorted by SLA colour, then due time.
 * null: the filters exclude the whole queue (no request needed).
 */
export function listQuery(queue: ConsoleQueue, f: Filters, q: string, page: number): CaseListQuery | null {
  // A colour filter on the 超时督办 queue narrows it (red + overdue ∩ the chosen colours); nothing left → no match.
  const due = queue.query.due && f.due?.length ? queue.query.due.filter((d) => f.due!.includes(d)) : (queue.query.due ?? f.due)
  if (due && !due.length) return null
  return {
    ...queue.query,
    categoryCode: f.categoryCode,
    orgNodeCode: f.orgNodeCode,
    source: f.source,
    ...(due?.length ? { due } : {}),
    from: f.from,
    to: f.to,
    q: q || undefined,
    sort: 'sla',
    page,
    pageSize: PAGE_SIZE,
  }
}

/** How many filters are set (the 筛选 button says it). */
export const filterCount = (f: Filters): number =>
  [f.categoryCode, f.orgNodeCode, f.source, f.due?.length ? 'due' : undefined, f.from || f.to ? 'date' : undefined].filter(Boolean).length

/** "第 2/9 页" and whether there is a page before and after. */
export function pageInfo(total: number, page: number, size = PAGE_SIZE): { pages: number; text: string; prev: boolean; next: boolean } {
  const pages = Math.max(1, Math.ceil(total / size))
  return { pages, text: `第 ${page}/${pages} 页`, prev: page > 1, next: page < pages }
}

/** Quick date ranges: today, the last 7 days, this month (Beijing dates). */
export function dateRange(kind: 'today' | 'week' | 'month', now = new Date()): { from: string; to: string } {
  const to = beijingDate(now)
  if (kind === 'today') return { from: to, to }
  if (kind === 'week') return { from: beijingDate(now, -6), to }
  return { from: `${to.slice(0, 8)}01`, to }
}

