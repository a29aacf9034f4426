import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { AdminCategoryDto, ClockLimitsDto, Complexity } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { errorText } from '../../../../services/api'
import { ui } from '../../../../services/platform'
import AdminNav, { AdminTitle, Cell } from '../../AdminNav'
import { adminApi } from '../../api'
import { beijingTime } from '../../labels'
import '../../admin.scss'

const SHOWN = 40
const COMPLEXITIES: Complexity[] = ['simple', 'complex', 'urgent']
const COMPLEXITY_LABEL: Record<Complexity, string> = { simple: '简易', complex: '复杂', urgent: '紧急' }
const CALENDAR_LABEL = { natural: '自然时', working: '工作时' } as const

/** "简易 24 / 复杂 72 / 紧急 4 小时（自然时）" */
const limitsText = (c: ClockLimitsDto) => `${COMPLEXITIES.map((k) => `${COMPLEXITY_LABEL[k]} ${c.hours[k]}`).join(' / ')} 小时（${CALENDAR_LABEL[c.calendar]}）`

interface Draft {
  code: string
  calendar: 'natural' | 'working'
  hours: Record<Complexity, string>
  enabled: boolean
  reason: string
}

const draftOf = (c: AdminCategoryDto): Draft => ({
  code: c.code, calendar: c.limits.dalian.calendar, enabled: c.enabled, reason: '',
  hours: { simple: String(c.limits.dalian.hours.simple), complex: String(c.limits.dalian.hours.complex), urgent: String(c.limits.dalian.hours.urgent) },
})

/**
 * 类别与时限: every category with the limits new cases get (大连标准 and the national-style clock); the city
 * admin edits a category's 大连标准 hours and calendar or disables it, with a reason (one new policy version).
 */
export default function CategoriesAdmin() {
  const user = useRequiredUser('/packages/admin/pages/categories/index')
  const [q, setQ] = useState('')
  const [draft, setDraft] = useState<Draft | null>(null)
  const [busy, setBusy] = useState(false)
  const list = useRemote(() => adminApi.categories(), !!user)
  const needle = q.trim()
  const matching = (list.data?.categories ?? []).filter((c) => !needle || c.code.includes(needle) || c.name.includes(needle) || c.bigClassName.includes(needle))

  const save = async (c: AdminCategoryDto) => {
    if (!draft) return
    const hours = Object.fromEntries(COMPLEXITIES.map((k) => [k, Number(draft.hours[k])])) as Record<Complexity, number>
    if (COMPLEXITIES.some((k) => !draft.hours[k].trim() || !Number.isFinite(hours[k]) || hours[k] <= 0)) return void ui.toast('时限请填写大于 0 的小时数')
    if (!draft.reason.trim()) return void ui.toast('请填写修改原因')
    setBusy(true)
    try {
      const r = await adminApi.updateCategory(c.code, {
        limits: { ...(c.ownLimits ?? {}), dalian: { calendar: draft.calendar, hours } },
        ...(draft.enabled !== c.enabled ? { enabled: draft.enabled } : {}),
        reason: draft.reason.trim(),
      })
      list.setData(list.data ? { ...list.data, categories: list.data.categories.map((x) => (x.code === c.code ? r.category : x)) } : list.data)
      setDraft(null)
      ui.toast(r.changed ? `已保存为第 ${r.version} 版，新上报的案件按新时限计时` : '没有变化', 'success')
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  const d = list.data
  return (
    <AppShell title='类别与时限' className='admin'>
      <AdminNav current='categories' />
      <AdminTitle>类别与时限</AdminTitle>
      {d && (
        <Text className='admin-count'>
          当前为第 {d.version.version} 版（{beijingTime(d.version.createdAt)}{d.version.createdBy ? ` · ${d.version.createdBy.name}` : ''}）。默认时限：大连标准 {limitsText(d.defaults.dalian)}；国家标准 {limitsText(d.defaults.national)}
        </Text>
      )}
      <View className='admin-toolbar'>
        <TextField id='category-search' label='搜索类别（编码、名称或大类）' value={q} placeholder='如 垃圾 或 06010' onChange={setQ} />
      </View>
      <Text className='admin-count'>{d ? `共 ${matching.length} 个类别${matching.length > SHOWN ? `，显示前 ${SHOWN} 个，请搜索缩小范围` : ''}` : '加载中…'}</Text>
      {list.error && <Text className='error'>{list.error}</Text>}
      {d && (
        <View className='admin-table' role='table' aria-label='类别与时限'>
          <View className='admin-row admin-row--head' role='row'>
            <Cell role='columnheader'>类别</Cell>
            <Cell role='columnheader'>主管部门</Cell>
            <Cell className='admin-cell--wide' role='columnheader'>大连标准时限</Cell>
            <Cell className='admin-cell--wide' role='columnheader'>国家标准时限</Cell>
            <Cell role='columnheader'>状态</Cell>
            <Cell className='admin-cell--actions' role='columnheader'>操作</Cell>
          </View>
          {matching.slice(0, SHOWN).map((c) => (
            <View key={c.code} className='admin-row' role='row'>
              <Cell className='admin-cell--strong'>{c.name}<Text className='muted'>{c.bigClassName} · {c.code}{c.urgent ? ' · 紧急类' : ''}</Text></Cell>
              <Cell><Text className='admin-cell__label'>主管部门</Text>{c.department.name}</Cell>
              <Cell className='admin-cell--wide'><Text className='admin-cell__label'>大连标准</Text>{limitsText(c.limits.dalian)}</Cell>
              <Cell className='admin-cell--wide'><Text className='admin-cell__label'>国家标准</Text>{limitsText(c.limits.national)}</Cell>
              <Cell><Text className={`chip chip--${c.enabled ? 'green' : 'grey'}`}>{c.enabled ? '启用' : '已停用'}</Text></Cell>
              <Cell className='admin-cell--actions'>
                <Tap id={`edit-${c.code}`} className='btn btn--ghost' label={`修改${c.name}`} onTap={() => setDraft(draft?.code === c.code ? null : draftOf(c))}><Text>修改</Text></Tap>
              </Cell>
              {draft?.code === c.code && (
                <Cell className='admin-cell--full admin-confirm'>
                  <Text className='section-title'>修改“{c.name}”的大连标准时限</Text>
                  <View className='chips' role='radiogroup' aria-label='计时方式'>
                    {(['natural', 'working'] as const).map((k) => (
                      <Tap key={k} id={`calendar-${k}`} className={`chip chip--choice ${draft.calendar === k ? 'chip--on' : ''}`} role='radio' selected={draft.calendar === k}
                        onTap={() => setDraft({ ...draft, calendar: k })}>
                        <Text>按{CALENDAR_LABEL[k]}计</Text>
                      </Tap>
                    ))}
                  </View>
                  <View className='admin-toolbar'>
                    {COMPLEXITIES.map((k) => (
                      <TextField key={k} id={`hours-${k}`} type='digit' label={`${COMPLEXITY_LABEL[k]}问题（小时）`} value={draft.hours[k]}
                        onChange={(v) => setDraft({ ...draft, hours: { ...draft.hours, [k]: v } })} />
                    ))}
                  </View>
                  <Tap id='category-enabled' className={`toggle ${draft.enabled ? 'toggle--on' : ''}`} role='switch' selected={draft.enabled} onTap={() => setDraft({ ...draft, enabled: !draft.enabled })}>
                    <Text>启用此类别</Text>
                    <Text className='toggle__state'>{draft.enabled ? '启用' : '停用'}</Text>
                  </Tap>
                  <TextField id='category-reason' label='修改原因（必填）' value={draft.reason} maxlength={200} placeholder='如 按市城管局新标准调整' onChange={(v) => setDraft({ ...draft, reason: v })} />
                  <View className='admin-actions'>
                    <Tap id='category-save' className='btn btn--primary' disabled={busy} onTap={() => save(c)}><Text>保存</Text></Tap>
                    <Tap id='category-cancel' className='btn btn--ghost' onTap={() => setDraft(null)}><Text>取消</Text></Tap>
                  </View>
                </Cell>
              )}
            </View>
          ))}
        </View>
      )}
    </AppShell>
  )
}
