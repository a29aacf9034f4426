import type { DeadlineDto } from '@finecity/types'

const pad = (n: number): string => String(n).padStart(2, '0')

/** "11-27 14:05" in the viewer's local time (Dalian users are on UTC+8). */
export function shortTime(iso: string): string {
  const d = new Date(iso)
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** "剩 5 小时 20 分" / "超时 2 小时" relative to now. */
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
