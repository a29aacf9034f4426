import { INDICATOR_LABELS, type AssessmentLevel, type IndicatorKey, type OrgLevel, type TrendPeriod } from '@finecity/types'

export const PERIOD_CHIP: Record<TrendPeriod, string> = { month: '月', quarter: '季', year: '年' }
export const PERIOD_NAME: Record<TrendPeriod, string> = { month: '本月', quarter: '本季度', year: '本年' }

/** The scorecard level of the units one below a node: what the ranking and the table compare. */
export const LEVEL_BELOW: Partial<Record<OrgLevel, AssessmentLevel>> = { city: 'district', district: 'street', street: 'community', community: 'grid' }
export const UNIT_NAME: Partial<Record<OrgLevel, string>> = { city: '各区', district: '各街道', street: '各社区', community: '各网格' }

/** The main indicators the table shows, in this order (the XLSX has all of them). */
export const TABLE_INDICATORS: IndicatorKey[] = ['reported', 'closed', 'closeRate', 'onTimeRate', 'overdue', 'reworkRate', 'satisfactionRate', 'avgHandlingHours']
export const indicatorLabel = (k: IndicatorKey): string => INDICATOR_LABELS[k]

export const figure = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v))
