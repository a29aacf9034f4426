import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { AdminCategoriesDto, AdminCategoryDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextArea, TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { errorText } from '../../../../services/api'
import { ui } from '../../../../services/platform'
import AdminNav, { AdminTitle, Cell } from '../../AdminNav'
import { adminApi } from '../../api'
import {
  buildUpdate, CALENDAR_LABEL, CLOCK_LABEL, CLOCKS, clockText, COMPLEXITIES, COMPLEXITY_LABEL, draftOf, limitsDraft, type CategoryDraft, type Clock, type LimitsDraft,
} from '../../category-form'
import { errorsUnder, fieldErrors, type FieldErrors } from '../../form-errors'
import { beijingTime } from '../../labels'
import '../../admin.scss'

const SHOWN = 40

/** A refusal under its field. */
function FieldError({ text }: { text?: string | null }) {
  return text ? <View className='field-error' role='alert'><Text>{text}</Text></View> : null
}

/** One clock's calendar and hours per complexity; `id` prefixes the controls' ids, `path` the error fields. */
function ClockEditor({ id, title, value, onChange, errors, path }: {
  id: string; title: string; value: LimitsDraft[Clock]; onChange: (v: LimitsDraft[Clock]) => void; errors: FieldErrors; path: string
}) {
  return (
    <View className='admin-col limits-clock' role='group' aria-label={title}>
      <Text className='limits-clock__title'>{title}</Text>
      <View className='chips' role='radiogroup' aria-label={`${title}计时方式`}>
        {(['natural', 'working'] as const).map((k) => (
          <Tap key={k} id={`${id}-calendar-${k}`} className={`chip chip--choice ${value.calendar === k ? 'chip--on' : ''}`} role='radio' selected={value.calendar === k}
            onTap={() => onChange({ ...value, calendar: k })}>
            <Text>按{CALENDAR_LABEL[k]}计</Text>
          </Tap>
        ))}
      </View>
      <View className='limits-clock__hours'>
        {COMPLEXITIES.map((k) => (
          <View key={k} className='limits-clock__hour'>
            <TextField id={`${id}-hours-${k}`} type='digit' label={`${COMPLEXITY_LABEL[k]}（小时）`} value={value.hours[k]} maxlength={8}
              onChange={(v) => onChange({ ...value, hours: { ...value.hours, [k]: v } })} />
            <FieldError text={errors[`${path}.hours.${k}`]} />
          </View>
        ))}
      </View>
    </View>
  )
}

/** Both clocks side by side (one under the other on a phone). */
function LimitsEditor({ id, label, value, onChange, errors, path }: {
  id: string; label: string; value: LimitsDraft; onChange: (v: LimitsDraft) => void; errors: FieldErrors; path: string
}) {
  return (
    <View className='admin-columns'>
      {CLOCKS.map((clock) => (
        <ClockEditor key={clock} id={`${id}-${clock}`} title={`${label}${CLOCK_LABEL[clock]}时限`} value={value[clock]} errors={errors} path={`${path}.${clock}`}
          onChange={(v) => onChange({ ...value, [clock]: v })} />
      ))}
    </View>
  )
}

/** Where a disabled category's open cases go: a search over the enabled categories (the list is loaded already). */
function MoveTarget({ d, self, value, onChange, error }: { d: AdminCategoriesDto; self: AdminCategoryDto; value: string; onChange: (code: string) => void; error?: string }) {
  const [text, setText] = useState('')
  const chosen = d.categories.find((c) => c.code === value)
  const needle = text.trim()
  const found = needle ? d.categories.filter((c) => c.enabled && c.code !== self.code && (c.name.includes(needle) || c.bigClassName.includes(needle) || c.code.startsWith(needle))).slice(0, 8) : null
  return (
    <View className='staff-picker'>
      {chosen ? (
        <View className='field'>
          <Text className='field__label'>在办案件改为</Text>
          <View className='staff-picker__chosen'>
            <Text id='map-to-chosen'><Text className='staff-picker__name'>{chosen.name}</Text><Text className='muted'>{chosen.bigClassName} · {chosen.department.name}</Text></Text>
            <Tap id='map-to-clear' className='link' label={`清除在办案件改为：${chosen.name}`} onTap={() => onChange('')}><Text>清除</Text></Tap>
          </View>
        </View>
      ) : (
        <>
          <TextField id='map-to-search' label='在办案件改为（该类别还有在办案件时必选）' value={text} maxlength={20} placeholder='输入类别名称，如 暴露垃圾' onChange={setText} />
          {found && (
            <View className='staff-picker__list' role='list' aria-label='可改为的类别'>
              {found.map((c) => (
                <View key={c.code} role='listitem'>
                  <Tap id={`map-to-${c.code}`} className='staff-picker__option' onTap={() => { onChange(c.code); setText('') }}>
                    <Text className='staff-picker__name'>{c.name}</Text>
                    <Text className='muted'>{c.bigClassName} · {c.department.name}</Text>
                  </Tap>
                </View>
              ))}
              {!found.length && <Text className='muted staff-picker__none'>没有找到启用中的“{needle}”类别</Text>}
            </View>
          )}
        </>
      )}
      <FieldError text={error} />
    </View>
  )
}

/** The editor of one category: fields, both clocks, each grid type's own limits, the reason. */
function CategoryEditor({ d, c, draft, setDraft, errors, busy, onSave, onCancel }: {
  d: AdminCategoriesDto; c: AdminCategoryDto; draft: CategoryDraft; setDraft: (x: CategoryDraft) => void; errors: FieldErrors; busy: boolean; onSave: () => void; onCancel: () => void
}) {
  const disabling = c.enabled && !draft.enabled
  return (
    <Cell className='admin-cell--full admin-confirm category-editor'>
      <Text className='section-title'>修改“{c.name}”</Text>
      <Text className='muted'>保存后生成新的版本，只对之后上报的案件生效；已上报的案件仍按原时限计时。</Text>

      <Text className='category-editor__heading'>基本信息</Text>
      <View className='admin-columns'>
        <View className='admin-col'>
          <TextField id='category-name' label='类别名称' value={draft.name} maxlength={40} onChange={(v) => setDraft({ ...draft, name: v })} />
          <FieldError text={errors.name} />
        </View>
        <View className='admin-col'>
          <TextArea id='category-hint' label='上报提示（市民选择类别时看到，可不填）' value={draft.hint} maxlength={200} placeholder='如 请拍清垃圾堆放的位置' onChange={(v) => setDraft({ ...draft, hint: v })} />
          <FieldError text={errors.hint} />
        </View>
      </View>
      <Text className='field__label'>主管部门</Text>
      <View className='chips' role='radiogroup' aria-label='主管部门'>
        {d.departments.map((x) => (
          <Tap key={x.code} id={`department-${x.code}`} className={`chip chip--choice ${draft.department === x.code ? 'chip--on' : ''}`} role='radio' selected={draft.department === x.code}
            onTap={() => setDraft({ ...draft, department: x.code })}>
            <Text>{x.name}</Text>
          </Tap>
        ))}
      </View>
      <FieldError text={errors.department} />
      <Tap id='category-enabled' className={`toggle ${draft.enabled ? 'toggle--on' : ''}`} role='switch' selected={draft.enabled} onTap={() => setDraft({ ...draft, enabled: !draft.enabled, mapTo: '' })}>
        <Text>启用此类别</Text>
        <Text className='toggle__state'>{draft.enabled ? '启用' : '停用'}</Text>
      </Tap>
      {disabling && (
        <>
          <Text className='muted'>停用后市民不能再选择此类别。如该类别还有在办案件，须指定改到哪个类别，案件的时限不变。</Text>
          <MoveTarget d={d} self={c} value={draft.mapTo} onChange={(code) => setDraft({ ...draft, mapTo: code })} error={errors.mapOpenCasesTo} />
        </>
      )}

      <Text className='category-editor__heading'>处置时限</Text>
      <LimitsEditor id='limits' label='' value={draft.limits} errors={errors} path='limits' onChange={(v) => setDraft({ ...draft, limits: v })} />

      <Text className='category-editor__heading'>按网格类型的时限</Text>
      <Text className='muted'>某类网格有自己的处置标准时单独设置；未单独设置的网格按上面的时限。</Text>
      {d.gridTypes.map((type, i) => {
        const own = draft.gridTypes[type] ?? null
        return (
          <View key={type} className='grid-type-limits'>
            <Tap id={`gt${i}-own`} className={`toggle ${own ? 'toggle--on' : ''}`} role='switch' selected={!!own}
              onTap={() => setDraft({ ...draft, gridTypes: { ...draft.gridTypes, [type]: own ? null : limitsDraft(c.gridTypeLimits[type] ?? c.limits) } })}>
              <Text>{type}网格单独设置时限</Text>
              <Text className='toggle__state'>{own ? '单独设置' : '按类别时限'}</Text>
            </Tap>
            {own && (
              <LimitsEditor id={`gt${i}`} label={`${type} · `} value={own} errors={errors} path={`gridTypeLimits.${type}`}
                onChange={(v) => setDraft({ ...draft, gridTypes: { ...draft.gridTypes, [type]: v } })} />
            )}
            {!own && errorsUnder(errors, `gridTypeLimits.${type}`).map((m) => <FieldError key={m} text={m} />)}
          </View>
        )
      })}

      <TextField id='category-reason' label='修改原因（必填）' value={draft.reason} maxlength={200} placeholder='如 按市城管局新标准调整' onChange={(v) => setDraft({ ...draft, reason: v })} />
      <FieldError text={errors.reason} />
      <FieldError text={errors._} />
      <View className='admin-actions'>
        <Tap id='category-save' className='btn btn--primary' disabled={busy} onTap={onSave}><Text>保存</Text></Tap>
        <Tap id='category-cancel' className='btn btn--ghost' onTap={onCancel}><Text>取消</Text></Tap>
      </View>
    </Cell>
  )
}

/** The limits of a clock, and below them each grid type's own ("海边：简易 12 / …"). */
function LimitsCell({ c, clock }: { c: AdminCategoryDto; clock: Clock }) {
  return (
    <Cell className='admin-cell--wide'>
      <Text className='admin-cell__label'>{CLOCK_LABEL[clock]}</Text>
      <Text>{clockText(c.limits[clock])}</Text>
      {Object.entries(c.gridTypeLimits).map(([type, l]) => (
        <Text key={type} className='muted grid-type-line'>{type}网格：{clockText(l[clock])}</Text>
      ))}
    </Cell>
  )
}

/**
 * 类别与时限: every category with the limits new cases get (大连标准 and 国家标准, and a grid type's own where
 * it has one). The city admin edits a category's name, department, hint, enabled flag and limits, with a
 * reason (one new policy version); the API's refusals are shown next to their fields.
 */
export default function CategoriesAdmin() {
  const user = useRequiredUser('/packages/admin/pages/categories/index')
  const [q, setQ] = useState('')
  const [draft, setDraft] = useState<CategoryDraft | null>(null)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [busy, setBusy] = useState(false)
  const list = useRemote(() => adminApi.categories(), !!user)
  const needle = q.trim()
  const matching = (list.data?.categories ?? []).filter((c) => !needle || c.code.includes(needle) || c.name.includes(needle) || c.bigClassName.includes(needle))

  const edit = (c: AdminCategoryDto) => {
    setErrors({})
    setDraft(draft?.code === c.code || !list.data ? null : draftOf(c, list.data.gridTypes))
  }
  const save = async (c: AdminCategoryDto) => {
    if (!draft || !list.data) return
    const { body, errors: found } = buildUpdate(c, draft)
    setErrors(found)
    if (!body) return void ui.toast(found._ ?? '请按提示修改后再保存')
    setBusy(true)
    try {
      const r = await adminApi.updateCategory(c.code, body)
      list.setData(list.data ? { ...list.data, version: r.version, categories: list.data.categories.map((x) => (x.code === c.code ? r.category : x)) } : list.data)
      setDraft(null)
      ui.toast(!r.changed ? '没有变化' : r.movedCases ? `已保存为第 ${r.version.version} 版，${r.movedCases} 件在办案件已改类别` : `已保存为第 ${r.version.version} 版，新上报的案件按新设置`, 'success')
    } catch (err) {
      const byField = fieldErrors(err)
      setErrors(byField)
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
          当前为第 {d.version.version} 版（{beijingTime(d.version.createdAt)}{d.version.createdBy ? ` · ${d.version.createdBy.name}` : ''}）。默认时限：大连标准 {clockText(d.defaults.dalian)}；国家标准 {clockText(d.defaults.national)}
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
            <View key={c.code} id={`category-${c.code}`} className='admin-row' role='row'>
              <Cell className='admin-cell--strong'>
                {c.name}<Text className='muted'>{c.bigClassName} · {c.code}{c.urgent ? ' · 紧急类' : ''}</Text>
                {c.hint && <Text className='muted category-hint'>提示：{c.hint}</Text>}
              </Cell>
              <Cell><Text className='admin-cell__label'>主管部门</Text>{c.department.name}</Cell>
              <LimitsCell c={c} clock='dalian' />
              <LimitsCell c={c} clock='national' />
              <Cell><Text className={`chip chip--${c.enabled ? 'green' : 'grey'}`}>{c.enabled ? '启用' : '已停用'}</Text></Cell>
              <Cell className='admin-cell--actions'>
                <Tap id={`edit-${c.code}`} className='btn btn--ghost' label={`修改${c.name}`} onTap={() => edit(c)}><Text>修改</Text></Tap>
              </Cell>
              {draft?.code === c.code && (
                <CategoryEditor d={d} c={c} draft={draft} setDraft={setDraft} errors={errors} busy={busy} onSave={() => void save(c)} onCancel={() => { setDraft(null); setErrors({}) }} />
              )}
            </View>
          ))}
        </View>
      )}
    </AppShell>
  )
}
