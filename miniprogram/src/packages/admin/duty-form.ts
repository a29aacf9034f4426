// The 排班 page's new-substitute form, kept out of the page so it can be tested.
import type { DutySlot, StaffDto } from '@finecity/types'
import { isDate } from '../../lib/time'
import type { FieldErrors } from './form-errors'

/** "12月15日" for a YYYY-MM-DD date. */
export const dayText = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8))}日`

export interface SubDraft { post: DutySlot; person: StaffDto | null; from: string; to: string }
export const emptySub = (): SubDraft => ({ post: 'A', person: null, from: '', to: '' })

/** The new substitute's problems before asking the server (the server checks the person and the month too). */
export function substituteErrors(s: SubDraft): FieldErrors {
  const e: FieldErrors = {}
  if (!s.person) e.userId = '请先查找并选择替班人员'
  if (!isDate(s.from.trim())) e.from = '请按 2026-12-01 的格式填写开始日期'
  if (!isDate(s.to.trim())) e.to = '请按 2026-12-01 的格式填写结束日期'
  else if (!e.from && s.from.trim() > s.to.trim()) e.to = '结束日期不能早于开始日期'
  return e
}
