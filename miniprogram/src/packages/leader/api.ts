// The leader pages' API calls (issue 10, item 7), kept in the sub-package so the main package does not carry them.
import type { AssessmentLevel, AssessmentMapDto, AssessmentTrendDto, ScorecardDto, TrendPeriod } from '@finecity/types'
import { http, queryString } from '../../services/api'

export const leaderApi = {
  trend: (period: TrendPeriod, orgNodeCode?: string) =>
    http.get<AssessmentTrendDto>(`/api/v1/assessment/trend${queryString([['period', period], ['orgNodeCode', orgNodeCode]])}`),
  map: (orgNodeCode?: string) => http.get<AssessmentMapDto>(`/api/v1/assessment/map${queryString([['orgNodeCode', orgNodeCode]])}`),
  scorecards: (period: TrendPeriod, level: AssessmentLevel, orgNodeCode?: string) =>
    http.get<ScorecardDto>(`/api/v1/assessment/scorecards${queryString([['period', period], ['at', periodKey(period)], ['level', level], ['orgNodeCode', orgNodeCode]])}`),
}

/** The `at` of the month, quarter or year that contains now, in Beijing time (UTC+8, no daylight saving). */
export function periodKey(period: TrendPeriod, now: Date = new Date()): string {
  const b = new Date(now.getTime() + 8 * 3_600_000)
  const y = b.getUTCFullYear()
  const m = b.getUTCMonth() + 1
  if (period === 'year') return String(y)
  if (period === 'quarter') return `${y}-Q${Math.floor((m - 1) / 3) + 1}`
  return `${y}-${String(m).padStart(2, '0')}`
}
