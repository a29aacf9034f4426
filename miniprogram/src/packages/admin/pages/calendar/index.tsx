import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CalendarDay, CalendarRecomputeDto, CalendarYearDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { shortTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { ui } from '../../../../services/platform'
import AdminNav, { AdminTitle } from '../../AdminNav'
import { adminApi } from '../../api'
import { beijingTime, beijingToday } from '../../labels'
import '../../admin.scss'

type Kind = 'holidays' | 'workdays'
const KIND_LABEL: Record<Kind, string> = { holidays: '休息日（法定节假日）', workdays: '调休上班日' }

const byDate = (a: CalendarDay, b: CalendarDay) => a.date.localeCompare(b.date)

/** "12月3日 14:05 → 12月4日 09:00", and the national clock's move when it moved too (or alone). */
function movedText(c: CalendarRecomputeDto['cases'][number]): string {
  const dalian = c.dueAtBefore !== c.dueAtAfter ? `${shortTime(c.dueAtBefore)} → ${shortTime(c.dueAtAfter)}` : null
  const national = c.nationalDueAtBefore && c.nationalDueAtAfter ? `国家标准 ${shortTime(c.nationalDueAtBefore)} → ${shortTime(c.nationalDueAtAfter)}` : null
  return [dalian && (national ? `大连标准 ${dalian}` : dalian), national].filter(Boolean).join('；')
}

/** What a save with 同时重算 moved: how many running clocks were looked at, and each deadline that changed. */
function RecomputeReport({ r }: { r: CalendarRecomputeDto }) {
  return (
    <View id='cal-recomputed' className='card import-report' role='status'>
      <Text className='section-title'>已重算 {r.examined} 件在办案件的办理时限</Text>
      <Text>{r.changed ? `其中 ${r.changed} 件的时限有变化（北京时间）：` : '没有案件的时限因此变化。'}</Text>
      {r.cases.length > 0 && (
        <View role='list' aria-label='时限有变化的案件'>
          {r.cases.map((c) => (
            <View key={c.caseId} className='cal-list__item' role='listitem'>
              <Text className='cal-list__date'>{c.caseNo}</Text>
              <Text>{movedText(c)}</Text>
            </View>
          ))}
        </View>
      )}
      {r.changed > r.cases.length && <Text className='muted'>只列出最早到期的 {r.cases.length} 件。</Text>}
    </View>
  )
}

/** 工作日历: a year's rest days and 调休 working days (the working-time clocks count on them); city admins edit. */
export default function CalendarAdmin() {
  const user = useRequiredUser('/packages/admin/pages/calendar/index')
  const [year, setYear] = useState(beijingToday().year)
  const [draft, setDraft] = useState<{ holidays: CalendarDay[]; workdays: CalendarDay[] } | null>(null)
  const [date, setDate] = useState('')
  const [name, setName] = useState('')
  const [kind, setKind] = useState<Kind>('holidays')
  const [busy, setBusy] = useState(false)
  const [recompute, setRecompute] = useState(false)
  const [recomputed, setRecomputed] = useState<CalendarRecomputeDto | null>(null)
  const cal = useRemote<CalendarYearDto>(() => adminApi.calendar(year), !!user, [year])
  const shown = draft ?? (cal.data ? { holidays: cal.data.holidays, workdays: cal.data.workdays } : null)

  const change = (fn: (d: { holidays: CalendarDay[]; workdays: CalendarDay[] }) => { holidays: CalendarDay[]; workdays: CalendarDay[] }) => {
    if (shown) setDraft(fn({ holidays: [...shown.holidays], workdays: [...shown.workdays] }))
    setRecomputed(null)
  }
  const add = () => {
    const dt = date.trim()
    const nm = name.trim()
    if (!new RegExp(`^${year}-\\d{2}-\\d{2}$`).test(dt)) return void ui.toast(`日期请填写 ${year} 年内的日期，如 ${year}-10-01`)
    if (!nm) return void ui.toast('请填写名称，如 国庆节')
    if (shown && [...shown.holidays, ...shown.workdays].some((x) => x.date === dt)) return void ui.toast('这一天已在日历中')
    change((d) => ({ ...d, [kind]: [...d[kind], { date: dt, name: nm }].sort(byDate) }))
    setDate('')
    setName('')
  }
  const remove = (k: Kind, dt: string) => change((d) => ({ ...d, [k]: d[k].filter((x) => x.date !== dt) }))
  const save = async () => {
    if (!draft) return
    setBusy(true)
    try {
      const r = await adminApi.saveCalendar(year, draft, recompute)
      cal.setData(r)
      setDraft(null)
      setRecomputed(r.recomputed ?? null)
      ui.toast(r.recomputed ? `工作日历已保存，已重算 ${r.recomputed.examined} 件在办案件的时限` : '工作日历已保存', 'success')
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const go = (y: number) => { setYear(y); setDraft(null); setRecomputed(null) }

  return (
    <AppShell title='工作日历' className='admin'>
      <AdminNav current='calendar' />
      <AdminTitle>工作日历</AdminTitle>
      <View className='admin-pager'>
        <Tap id='year-prev' className='btn btn--ghost' onTap={() => go(year - 1)}><Text>上一年</Text></Tap>
        <Text className='section-title' aria-live='polite'>{year} 年</Text>
        <Tap id='year-next' className='btn btn--ghost' onTap={() => go(year + 1)}><Text>下一年</Text></Tap>
      </View>
      {cal.error && <Text className='error'>{cal.error}</Text>}
      {!cal.data && !cal.error && <Text className='admin-count'>加载中…</Text>}
      {cal.data && shown && (
        <>
          <Text className='admin-count'>
            {cal.data.stored ? `已录入${cal.data.updatedAt ? `，最后修改于 ${beijingTime(cal.data.updatedAt)}` : ''}` : `${year} 年的日历尚未录入：未录入时按周一至周五上班计算工作时限。`}
            {draft ? '（有未保存的修改）' : ''}
          </Text>
          <View className='admin-columns'>
            {(['holidays', 'workdays'] as const).map((k) => (
              <View key={k} className='admin-col card'>
                <Text className='section-title'>{KIND_LABEL[k]}（{shown[k].length} 天）</Text>
                {!shown[k].length && <Text className='muted'>暂无</Text>}
                <View role='list' aria-label={KIND_LABEL[k]}>
                  {shown[k].map((x) => (
                    <View key={x.date} className='cal-list__item' role='listitem'>
                      <Text><Text className='cal-list__date'>{x.date}</Text>{x.name}</Text>
                      <Tap id={`remove-${k}-${x.date}`} className='link' label={`删除 ${x.date} ${x.name}`} onTap={() => remove(k, x.date)}><Text>删除</Text></Tap>
                    </View>
                  ))}
                </View>
              </View>
            ))}
          </View>
          <View className='card'>
            <Text className='section-title'>添加日期</Text>
            <View className='chips' role='radiogroup' aria-label='日期类型'>
              {(['holidays', 'workdays'] as const).map((k) => (
                <Tap key={k} id={`kind-${k}`} className={`chip chip--choice ${kind === k ? 'chip--on' : ''}`} role='radio' selected={kind === k} onTap={() => setKind(k)}>
                  <Text>{KIND_LABEL[k]}</Text>
                </Tap>
              ))}
            </View>
            <View className='admin-toolbar'>
              <TextField id='cal-date' label='日期' value={date} maxlength={10} placeholder={`${year}-10-01`} onChange={setDate} />
              <TextField id='cal-name' label='名称' value={name} maxlength={40} placeholder='如 国庆节 或 国庆节调休上班' onChange={setName} />
              <Tap id='cal-add' className='btn btn--ghost' onTap={add}><Text>添加</Text></Tap>
            </View>
            <View className='admin-actions cal-save'>
              <Tap id='cal-save' className='btn btn--primary' disabled={busy || !draft} onTap={save}><Text>保存 {year} 年日历</Text></Tap>
              <Tap id='cal-recompute' className={`cal-check ${recompute ? 'cal-check--on' : ''}`} role='checkbox' selected={recompute} onTap={() => setRecompute(!recompute)}>
                <Text className='cal-check__box' aria-hidden='true'>{recompute ? '✓' : ''}</Text>
                <Text>同时重算在办案件的时限</Text>
              </Tap>
              {draft && <Tap id='cal-discard' className='btn btn--ghost' onTap={() => setDraft(null)}><Text>放弃修改</Text></Tap>}
            </View>
            <Text className='muted'>不勾选时，已在计时的案件保留原来的办理时限，新日历只用于之后开始的计时。</Text>
          </View>
          {recomputed && <RecomputeReport r={recomputed} />}
        </>
      )}
    </AppShell>
  )
}
