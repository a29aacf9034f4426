import type { OrgRefDto, StatsFiguresDto, StatsPeriod } from '@finecity/types'

/** The period chips (日/周/月/季/年) and how a period is named in a sentence. */
export const PERIOD_CHIP: Record<StatsPeriod, string> = { day: '日', week: '周', month: '月', quarter: '季', year: '年' }
export const PERIOD_NAME: Record<StatsPeriod, string> = { day: '今日', week: '本周', month: '本月', quarter: '本季度', year: '本年' }

/** 按期结案率 as shown: "95.5%", or "—" when nothing closed. */
export const rateText = (rate: number | null): string => (rate === null ? '—' : `${rate}%`)

/** What a screen reader hears for one ranked unit (the bar itself is decoration). */
export function unitSummary(u: OrgRefDto & StatsFiguresDto, rank: number): string {
  return `第 ${rank} 名 ${u.name}，按期结案率 ${u.onTimeRate === null ? '暂无' : `${u.onTimeRate}%`}，办结 ${u.closed} 件其中按期 ${u.closedOnTime} 件，上报 ${u.reported} 件，超时 ${u.overdue} 件`
}
