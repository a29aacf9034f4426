import type { DeadlineDto } from '@finecity/types'

const pad = (n: number): string => String(n).padStart(2, '0')
/** Beijing time is UTC+8 all year (China has kept no daylight saving time since 1991). */
const BEIJING_MS = 8 * 3_600_000

/** The Beijing calendar fields of an instant, whatever the device's own time zone. */
function beijing(iso: string): { y: number; mo: number; d: number; h: number; mi: number } {
  const t = new Date(new Date(iso).getTime() + BEIJING_MS)
  return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes() }
}

/**
 * "12月3日 14:05" in Beijing time; another year than `now`'s gets its year ("2025年12月3日 14:05").
 * Everything a person reads says times this way, never as ISO text.
 */
export function shortTime(iso: string, now: Date = new Date()): string {
  const b = beijing(iso)
  const year = b.y !== beijing(now.toISOString()).y ? `${b.y}年` : ''
  return `${year}${b.mo}月${b.d}日 ${pad(b.h)}:${pad(b.mi)}`
}

/** "剩 5 小时 20 分" / "超时 2 小时 0 分" relative to now. */
export function dueText(deadline: DeadlineDto | null, now: Date = new Date()): string {
  if (!deadline) return '未计时'
  if (deadline.level === 'stopped') return '已结束计时'
  if (deadline.level === 'paused') return '计时暂停'
  const ms = new Date(deadline.dueAt).getTime() - now.getTime()
  const abs = Math.abs(ms)
  const h = Math.floor(abs / 3_600_000)
  const m = Math.floor((abs % 3_600_000) / 60_000)
  const span = h >= 48 ? `${Math.floor(h / 24)} 天 ${h % 24} 小时` : h > 0 ? `${h} 小时 ${m} 分` : `${m} 分钟`
  return ms >= 0 ? `剩 ${span}` : `超时 ${span}`
}

/**
 * What a resident reads about when the case will be done, from the SLA clock: "预计 12月3日 14:05 前办结";
 * past due: "已超过承诺时限（12月3日 14:05），正在加紧办理"; paused (a pending extension, a suspension):
 * "办理时限暂停计算". Null when there is no running clock (not yet accepted, closed, rejected).
 */
export function expectedText(deadline: DeadlineDto | null, now: Date = new Date()): string | null {
  if (!deadline || deadline.level === 'none' || deadline.level === 'stopped') return null
  if (deadline.level === 'paused') return '办理时限暂停计算'
  const due = shortTime(deadline.dueAt, now)
  return new Date(deadline.dueAt).getTime() >= now.getTime() ? `预计 ${due} 前办结` : `已超过承诺时限（${due}），正在加紧办理`
}

/**
 * A Beijing wall-clock time the server already formatted as "2026-12-02 10:30" (the tracking page's steps),
 * said in words: "12月2日 10:30" (with the year when it is not this year). Anything else is returned as is.
 */
export function plainTime(text: string, now: Date = new Date()): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(text)
  if (!m) return text
  const year = Number(m[1]) !== beijing(now.toISOString()).y ? `${m[1]}年` : ''
  return `${year}${Number(m[2])}月${Number(m[3])}日 ${m[4]}:${m[5]}`
}

/** A Beijing calendar date, YYYY-MM-DD, `days` from `now`'s Beijing date (filters and queries, not display). */
export function beijingDate(now: Date, days = 0): string {
  const t = new Date(now.getTime() + BEIJING_MS + days * 86_400_000)
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

/** `now`'s Beijing month, YYYY-MM. */
export function beijingMonth(now: Date = new Date()): string {
  return beijingDate(now).slice(0, 7)
}

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const t = new Date(Date.UTC(y, mo - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
}

/** What is wrong with typed from/to dates, in words; null when they can be applied (either may be empty). */
export function dateRangeError(from: string, to: string): string | null {
  if ((from && !isDate(from)) || (to && !isDate(to))) return '日期格式为 2026-12-03'
  if (from && to && from > to) return '开始日期不能晚于结束日期'
  return null
}
