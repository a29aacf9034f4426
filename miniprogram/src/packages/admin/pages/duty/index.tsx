import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import { DUTY_RULE_KINDS, type DutyMonthDto, type DutyRuleKind, type DutySlot, type DutyUpdateRequest } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { errorText } from '../../../../services/api'
import { ui } from '../../../../services/platform'
import AdminNav, { AdminTitle } from '../../AdminNav'
import { adminApi } from '../../api'
import { dayText, emptySub, substituteErrors, type SubDraft } from '../../duty-form'
import { fieldErrors, type FieldErrors } from '../../form-errors'
import StaffPicker from '../../StaffPicker'
import { beijingTime, beijingToday, DUTY_RULE_LABEL, monthKey } from '../../labels'
import '../../admin.scss'

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日']

type Day = DutyMonthDto['days'][number]

/** Blank cells before the 1st, so the month starts under its weekday (weeks start on Monday). */
function leadingBlanks(month: string): number {
  const [y, m] = month.split('-').map(Number)
  return (new Date(Date.UTC(y!, m! - 1, 1)).getUTCDay() + 6) % 7
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number)
  const d = new Date(Date.UTC(y!, m! - 1 + by, 1))
  return monthKey(d.getUTCFullYear(), d.getUTCMonth() + 1)
}

const dayNum = (date: string) => Number(date.slice(8))
/** "网格员A（海军广场街道第1社区网格01）" → "网格员A": the cell is small, the grid is named above. */
const shortName = (name: string) => name.replace(/（.*）$/, '')

/**
 * 排班: a unit's month of the A/B rota. Any unit shows its districts' rules (editable) and the overrides and
 * substitutes below it; a grid shows each day's post and people, and a day can be fixed to A or B.
 */
export default function DutyAdmin() {
  const user = useRequiredUser('/packages/admin/pages/duty/index')
  const router = useRouter()
  const today = beijingToday()
  const [unitInput, setUnitInput] = useState(router.params.unit ?? '')
  const [unit, setUnit] = useState(router.params.unit ?? '')
  const [month, setMonth] = useState(monthKey(today.year, today.month))
  const [picked, setPicked] = useState<Day | null>(null)
  const [busy, setBusy] = useState(false)
  const [sub, setSub] = useState<SubDraft>(emptySub)
  const [subErrors, setSubErrors] = useState<FieldErrors>({})
  const code = unit || user?.orgNodeCode || ''
  const duty = useRemote(() => adminApi.duty(code, month), !!user && !!code, [code, month])
  const d = duty.data

  const save = async (orgNodeCode: string, body: DutyUpdateRequest, done: string): Promise<boolean> => {
    setBusy(true)
    try {
      const r = await adminApi.updateDuty(orgNodeCode, month, body)
      if (orgNodeCode === code) duty.setData(r)
      else await duty.reload()
      setPicked(null)
      ui.toast(done, 'success')
      return true
    } catch (err) {
      // The refusals of a new substitute, under their fields (substitutes.0.userId → userId).
      if (body.substitutes) setSubErrors(Object.fromEntries(Object.entries(fieldErrors(err)).map(([k, m]) => [k.replace(/^substitutes\.0\./, ''), m])))
      ui.toast(errorText(err))
      return false
    } finally {
      setBusy(false)
    }
  }
  const addSub = async () => {
    const e = substituteErrors(sub)
    setSubErrors(e)
    if (Object.keys(e).length || !sub.person) return
    const from = sub.from.trim()
    const to = sub.to.trim()
    const ok = await save(code, { substitutes: [{ post: sub.post, userId: sub.person.id, from, to }] }, `已安排${sub.person.name}替 ${sub.post} 岗，${dayText(from)}至${dayText(to)}`)
    if (ok) { setSub(emptySub()); setSubErrors({}) }
  }
  const setRule = (districtCode: string, rule: DutyRuleKind) => save(districtCode, { rule }, '值班规则已更新')
  const setDay = (date: string, slot: DutySlot | null) => save(code, { overrides: [{ date, slot }] }, slot ? `${date.slice(5)} 定为 ${slot} 岗值班` : `${date.slice(5)} 已恢复按规则`)
  const cancelSub = (id: number) => save(code, { cancelSubstitutes: [id] }, '替班已取消')
  const open = (gridCode: string) => { setUnitInput(gridCode); setUnit(gridCode); setPicked(null); setSub(emptySub()); setSubErrors({}) }
  const subField = (k: 'from' | 'to') => subErrors[k] ? <View className='field-error' role='alert'><Text>{subErrors[k]}</Text></View> : null
  const [y, m] = month.split('-')

  return (
    <AppShell title='排班' className='admin'>
      <AdminNav current='duty' />
      <AdminTitle>排班</AdminTitle>
      <View className='admin-toolbar'>
        <TextField id='duty-unit' label='单位编码（网格编码可查看每日排班）' value={unitInput} placeholder={user?.orgNodeCode ?? ''} onChange={setUnitInput} />
        <Tap id='duty-unit-go' className='btn btn--primary' onTap={() => open(unitInput.trim())}><Text>查看</Text></Tap>
      </View>
      <View className='admin-pager'>
        <Tap id='month-prev' className='btn btn--ghost' onTap={() => { setMonth(shiftMonth(month, -1)); setPicked(null) }}><Text>上个月</Text></Tap>
        <Text className='section-title' aria-live='polite'>{y} 年 {Number(m)} 月</Text>
        <Tap id='month-next' className='btn btn--ghost' onTap={() => { setMonth(shiftMonth(month, 1)); setPicked(null) }}><Text>下个月</Text></Tap>
      </View>
      {duty.error && <Text className='error'>{duty.error}</Text>}
      {!d && !duty.error && <Text className='admin-count'>加载中…</Text>}
      {d && (
        <View className='admin-columns'>
          <View className='admin-col'>
            {d.level === 'grid' ? (
              <View className='card'>
                <Text className='section-title'>每日值班（{d.orgNodeCode}）</Text>
                <Text className='muted'>点选某一天，可指定当天由 A 岗或 B 岗值班；黄色为手动指定。</Text>
                <View className='duty-week' role='group' aria-label={`${y} 年 ${Number(m)} 月值班表`}>
                  {WEEKDAYS.map((w) => <Text key={w} className='duty-week__head' aria-hidden='true'>周{w}</Text>)}
                  {Array.from({ length: leadingBlanks(month) }, (_, i) => <View key={`blank-${i}`} aria-hidden='true' />)}
                  {d.days.map((day) => (
                    <Tap key={day.date} id={`day-${day.date}`} role='button' selected={picked?.date === day.date}
                      className={`duty-day ${day.source === 'override' ? 'duty-day--override' : ''} ${picked?.date === day.date ? 'duty-day--on' : ''}`}
                      onTap={() => setPicked(day)}>
                      {/* Named by its content: the hidden words make "12 月 15 日，B 岗值班：…" of what shows as "15 B 岗 …". */}
                      <Text className='duty-day__date'><Text className='sr-only'>{Number(m)} 月 </Text>{dayNum(day.date)}<Text className='sr-only'> 日，</Text></Text>
                      <Text className={`duty-day__slot ${day.slot === 'B' ? 'duty-day__slot--b' : ''}`}>{day.slot} 岗<Text className='sr-only'>值班{day.people.length ? '：' : '，无人在岗'}</Text></Text>
                      {day.people.map((p) => <Text key={p.id} className='duty-day__people'>{shortName(p.name)}{p.substitute ? '（替班）' : ''}</Text>)}
                      {day.source === 'override' && <Text className='duty-day__mark'>指定</Text>}
                    </Tap>
                  ))}
                </View>
                {picked && (
                  <View id='duty-editor' className='card duty-editor'>
                    <Text className='section-title'>{Number(m)} 月 {dayNum(picked.date)} 日：现为 {picked.slot} 岗值班{picked.source === 'override' ? '（手动指定）' : '（按规则）'}</Text>
                    <View className='admin-actions'>
                      <Tap id='day-set-A' className='btn btn--primary' disabled={busy} onTap={() => setDay(picked.date, 'A')}><Text>指定 A 岗值班</Text></Tap>
                      <Tap id='day-set-B' className='btn btn--primary' disabled={busy} onTap={() => setDay(picked.date, 'B')}><Text>指定 B 岗值班</Text></Tap>
                      {picked.source === 'override' && <Tap id='day-set-rule' className='btn btn--ghost' disabled={busy} onTap={() => setDay(picked.date, null)}><Text>恢复按规则</Text></Tap>}
                      <Tap id='day-cancel' className='btn btn--ghost' onTap={() => setPicked(null)}><Text>取消</Text></Tap>
                    </View>
                  </View>
                )}
              </View>
            ) : (
              <View className='card'>
                <Text className='section-title'>每日值班</Text>
                <Text className='muted'>每日排班按网格查看：在上方输入网格编码（如 210202001010001），或点选下方有变更的网格。</Text>
              </View>
            )}
            {d.level === 'grid' && (
              <View id='sub-editor' className='card duty-editor'>
                <Text className='section-title'>添加替班</Text>
                <Text className='muted'>网格员请假时，指定一名在岗的工作人员在这段日期顶替 A 岗或 B 岗，最长 92 天。</Text>
                <View className='chips' role='radiogroup' aria-label='替哪个岗位'>
                  {(['A', 'B'] as const).map((p) => (
                    <Tap key={p} id={`sub-post-${p}`} className={`chip chip--choice ${sub.post === p ? 'chip--on' : ''}`} role='radio' selected={sub.post === p} onTap={() => setSub({ ...sub, post: p })}>
                      <Text>替 {p} 岗</Text>
                    </Tap>
                  ))}
                </View>
                <StaffPicker id='sub-person' label='替班人员' value={sub.person} search={{ orgNodeCode: d.rules[0]?.districtCode, status: 'active' }}
                  placeholder='输入姓名或完整手机号查找' error={subErrors.userId} onChange={(p) => setSub({ ...sub, person: p })} />
                <View className='admin-toolbar'>
                  <View className='sub-date'>
                    <TextField id='sub-from' label='开始日期' value={sub.from} maxlength={10} placeholder={picked?.date ?? `${month}-01`} onChange={(v) => setSub({ ...sub, from: v })} />
                    {subField('from')}
                  </View>
                  <View className='sub-date'>
                    <TextField id='sub-to' label='结束日期' value={sub.to} maxlength={10} placeholder={picked?.date ?? `${month}-07`} onChange={(v) => setSub({ ...sub, to: v })} />
                    {subField('to')}
                  </View>
                </View>
                {subErrors._ && <View className='field-error' role='alert'><Text>{subErrors._}</Text></View>}
                <View className='admin-actions'>
                  <Tap id='sub-add' className='btn btn--primary' disabled={busy} onTap={() => void addSub()}><Text>保存替班</Text></Tap>
                </View>
              </View>
            )}
          </View>
          <View className='admin-col'>
            <View className='card duty-rules'>
              <Text className='section-title'>各区值班规则</Text>
              {d.rules.map((r) => (
                <View key={r.districtCode} className='admin-row'>
                  <Text className='admin-cell admin-cell--strong'>{r.districtName}</Text>
                  <Text className='muted'>{r.stored ? `${r.setByName ?? '管理员'} 于 ${r.setAt ? beijingTime(r.setAt) : ''} 设置` : '未设置，默认单双日轮值'}</Text>
                  <View className='chips' role='radiogroup' aria-label={`${r.districtName}值班规则`}>
                    {DUTY_RULE_KINDS.map((k) => (
                      <Tap key={k} id={`rule-${r.districtCode}-${k}`} className={`chip chip--choice ${r.rule === k ? 'chip--on' : ''}`} role='radio' selected={r.rule === k} disabled={busy}
                        onTap={() => { if (r.rule !== k) void setRule(r.districtCode, k) }}>
                        <Text>{DUTY_RULE_LABEL[k]}</Text>
                      </Tap>
                    ))}
                  </View>
                </View>
              ))}
            </View>
            <View className='card'>
              <Text className='section-title'>本月替班</Text>
              {!d.substitutes.length && <Text className='muted'>本月没有替班</Text>}
              {d.substitutes.map((s) => (
                <View key={s.id} className='cal-list__item'>
                  <Text>{s.gridName} · {s.post} 岗由 {s.name} 替班，{dayText(s.from)}至{dayText(s.to)}</Text>
                  {d.level === 'grid' && <Tap id={`sub-cancel-${s.id}`} className='link' disabled={busy} label={`取消${s.name}的替班`} onTap={() => cancelSub(s.id)}><Text>取消</Text></Tap>}
                </View>
              ))}
            </View>
            {d.level !== 'grid' && (
              <View className='card'>
                <Text className='section-title'>本月指定值班</Text>
                {!d.overrides.length && <Text className='muted'>本月没有手动指定的日期</Text>}
                {d.overrides.map((o) => (
                  <Tap key={o.id} id={`override-${o.id}`} className='cal-list__item' role='link' onTap={() => open(o.gridCode)}>
                    <Text>{o.gridName}：{o.date.slice(5)} 由 {o.slot} 岗值班</Text>
                  </Tap>
                ))}
              </View>
            )}
          </View>
        </View>
      )}
    </AppShell>
  )
}
