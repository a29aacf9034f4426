import type { PublicCaseDto, PublicCaseListDto, PublicDistrictsDto, PublicMapDto, PublicStatus } from '@finecity/types'
import type { CategoryList } from '../../lib/categories'
import { http, queryString } from '../../services/api'
import { requestJson } from '../../services/platform'
import { beijingDate } from '../../lib/time'

// The public view of the city's work (issue 13, item 3): no login, so no token is ever sent. A guest has none;
// a signed-in resident's token would not change the answer, and a public page should not link a person to
// what they browse.

/** What the public page filters by. Dates are Beijing calendar days (YYYY-MM-DD), inclusive. */
export interface PublicFilters {
  categoryCode?: string
  /** The category's name, kept for the chosen chip (the API takes the code only). */
  categoryName?: string
  status?: PublicStatus
  districtCode?: string
  from?: string
  to?: string
}

export const PAGE_SIZE = 20

/** The public list's and map's query string from the filters (names the page keeps for itself are left out). */
export function filterQuery(f: PublicFilters, page?: number): string {
  return queryString([
    ['categoryCode', f.categoryCode],
    ['status', f.status],
    ['districtCode', f.districtCode],
    ['from', f.from],
    ['to', f.to],
    ...(page === undefined ? [] : ([['page', page], ['pageSize', PAGE_SIZE]] as [string, number][])),
  ])
}

/** A GET without the session's token (see above), its errors as ApiError. */
const get = async <T>(path: string): Promise<T> => http.unwrap<T>(await requestJson('GET', path))

export const publicApi = {
  cases: (f: PublicFilters, page: number) => get<PublicCaseListDto>(`/api/v1/public/cases${filterQuery(f, page)}`),
  map: (f: PublicFilters) => get<PublicMapDto>(`/api/v1/public/map${filterQuery(f)}`),
  one: (id: string) => get<PublicCaseDto>(`/api/v1/public/cases/${encodeURIComponent(id)}`),
  districts: async () => (await get<PublicDistrictsDto>('/api/v1/public/districts')).districts,
  categories: async () => (await get<CategoryList>('/api/v1/categories')).categories,
}

/** 办理中 / 已结案, as the filter and the list say it. */
export const STATUS_LABEL: Record<PublicStatus, string> = { open: '办理中', closed: '已结案' }

export type QuickRange = 'week' | 'month' | 'quarter'
export const RANGE_LABEL: Record<QuickRange, string> = { week: '近 7 天', month: '近 30 天', quarter: '近 90 天' }

/** The last 7, 30 or 90 Beijing days, today included. */
export function quickRange(kind: QuickRange, now = new Date()): { from: string; to: string } {
  const days = kind === 'week' ? 7 : kind === 'month' ? 30 : 90
  return { from: beijingDate(now, 1 - days), to: beijingDate(now) }
}

/** How many filters are set: the phone's 筛选 button says it. */
export function activeCount(f: PublicFilters): number {
  return [f.categoryCode, f.status, f.districtCode, f.from || f.to].filter(Boolean).length
}

/** "共 23 件 · 第 1/2 页" and whether there is a page before or after. */
export function pageInfo(total: number, page: number, size = PAGE_SIZE, capped = false): { text: string; prev: boolean; next: boolean } {
  const pages = Math.max(1, Math.ceil(total / size))
  // Past the server's count cap the total reads "10000+ 件" and the page count "500+".
  return { text: `共 ${total}${capped ? '+' : ''} 件 · 第 ${page}/${pages}${capped ? '+' : ''} 页`, prev: page > 1, next: page < pages }
}

/** "暴露垃圾，办理中，中山区 桃源街道 · 桃源社区": a map marker's and a list row's name for a screen reader. */
export function caseLabel(c: { category: { name: string } | string; open: boolean; place?: string }): string {
  const name = typeof c.category === 'string' ? c.category : c.category.name
  return [name, c.open ? STATUS_LABEL.open : STATUS_LABEL.closed, c.place].filter(Boolean).join('，')
}

export const PUBLIC_HOME = '/packages/public/pages/index/index'
export const PUBLIC_CASE = '/packages/public/pages/case/index'

/** 已有 N 人反映: the first reporter and everyone who tapped 我也遇到 (supporters leaves the reporter out). */
export const reportersText = (supporters: number): string => `已有 ${Math.max(0, supporters) + 1} 人反映`

