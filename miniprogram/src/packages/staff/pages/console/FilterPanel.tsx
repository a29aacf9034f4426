import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { CASE_SOURCES, DUE_COLOURS, type CaseSource, type DueColour, type OrgUnitDto } from '@finecity/types'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { searchCategories, type CategoryDto } from '../../../../lib/categories'
import { CLOCK_LABEL, LEVEL_LABEL } from '../../../../lib/labels'
import { api, http, queryString } from '../../../../services/api'
import { dateRange, isDate, type Filters } from './queues'

/** Where a case came in, in words. */
export const SOURCE_LABEL: Record<CaseSource, string> = {
  miniprogram: '随手拍', patrol: '网格巡查', official_account: '公众号', hotline_12345: '12345 热线', third_party: '第三方巡查',
  open311: '开放接口', hotline_12319: '12319 热线', minyi: '民意网', minxin: '民心网', enforcement: '执法巡查',
}

/** Most urgent first, as the list sorts. */
const COLOURS: DueColour[] = [...DUE_COLOURS].reverse()

function Chip({ id, on, role = 'radio', text, onTap }: { id: string; on: boolean; role?: 'radio' | 'checkbox'; text: string; onTap: () => void }) {
  return (
    <Tap id={id} role={role} selected={on} className={`chip chip--choice filter-chip ${on ? 'chip--on' : ''}`} onTap={onTap}><Text>{text}</Text></Tap>
  )
}

/** The queue's filters: colour, source, category, grid and dates. Each change applies at once (page 1). */
export default function FilterPanel({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const [cats, setCats] = useState<CategoryDto[]>([])
  const [catQ, setCatQ] = useState('')
  const [unitQ, setUnitQ] = useState('')
  const [units, setUnits] = useState<OrgUnitDto[]>([])
  const [from, setFrom] = useState(value.from ?? '')
  const [to, setTo] = useState(value.to ?? '')
  useEffect(() => { api.categories().then((r) => setCats(r.categories), () => setCats([])) }, [])
  useEffect(() => {
    const q = unitQ.trim()
    if (!q) { setUnits([]); return }
    let live = true
    const t = setTimeout(() => {
      http.get<{ items: OrgUnitDto[] }>(`/api/v1/org/units${queryString([['q', q]])}`).then((r) => { if (live) setUnits(r.items.filter((u) => u.level !== 'department').slice(0, 8)) }, () => { if (live) setUnits([]) })
    }, 250)
    return () => { live = false; clearTimeout(t) }
  }, [unitQ])
  useEffect(() => { setFrom(value.from ?? ''); setTo(value.to ?? '') }, [value.from, value.to])

  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch })
  const catHits = catQ.trim() ? searchCategories(cats, catQ, 8) : []
  const toggleColour = (d: DueColour) => {
    const now = new Set(value.due ?? [])
    if (now.has(d)) now.delete(d); else now.add(d)
    set({ due: COLOURS.filter((x) => now.has(x)) })
  }
  const applyDates = (f: string, t: string) => {
    if ((f && !isDate(f)) || (t && !isDate(t))) return
    if (f && t && f > t) return
    set({ from: f || undefined, to: t || undefined })
  }
  const range = (kind: 'today' | 'week' | 'month') => { const r = dateRange(kind); set(r) }
  const rangeOn = (kind: 'today' | 'week' | 'month') => { const r = dateRange(kind); return value.from === r.from && value.to === r.to }
  const dateError = (from && !isDate(from)) || (to && !isDate(to)) ? '日期格式为 2026-12-03' : from && to && from > to ? '开始日期不能晚于结束日期' : null

  return (
    <View id='console-filters' className='filter-panel' role='region' aria-label='筛选条件'>
      <View className='filter-panel__group'>
        <Text className='filter-panel__label' id='filter-colour-label'>时限</Text>
        <View className='chips' role='group' aria-labelledby='filter-colour-label'>
          {COLOURS.map((d) => <Chip key={d} id={`filter-due-${d}`} role='checkbox' on={!!value.due?.includes(d)} text={CLOCK_LABEL[d]} onTap={() => toggleColour(d)} />)}
        </View>
      </View>
      <View className='filter-panel__group'>
        <Text className='filter-panel__label' id='filter-source-label'>来源</Text>
        <View className='chips' role='radiogroup' aria-labelledby='filter-source-label'>
          <Chip id='filter-source-all' on={!value.source} text='全部' onTap={() => set({ source: undefined })} />
          {CASE_SOURCES.map((s) => <Chip key={s} id={`filter-source-${s}`} on={value.source === s} text={SOURCE_LABEL[s]} onTap={() => set({ source: s })} />)}
        </View>
      </View>
      <View className='filter-panel__group'>
        <Text className='filter-panel__label'>类别</Text>
        {value.categoryCode ? (
          <View className='chips'>
            <Text className='chip chip--blue'>{value.categoryName ?? value.categoryCode}</Text>
            <Tap id='filter-category-clear' className='link' onTap={() => set({ categoryCode: undefined, categoryName: undefined })}><Text>清除类别</Text></Tap>
          </View>
        ) : (
          <>
            <TextField id='filter-category' label='搜索问题类别' value={catQ} placeholder='如 垃圾、井盖' onChange={setCatQ} />
            {catHits.length > 0 && (
              <View className='chips' role='group' aria-label='匹配的类别'>
                {catHits.map((c) => (
                  <Tap key={c.code} id={`filter-category-${c.code}`} className='chip chip--choice filter-chip' onTap={() => { set({ categoryCode: c.code, categoryName: c.name }); setCatQ('') }}><Text>{c.name}</Text></Tap>
                ))}
              </View>
            )}
          </>
        )}
      </View>
      <View className='filter-panel__group'>
        <Text className='filter-panel__label'>网格或社区</Text>
        {value.orgNodeCode ? (
          <View className='chips'>
            <Text className='chip chip--blue'>{value.orgName ?? value.orgNodeCode}</Text>
            <Tap id='filter-org-clear' className='link' onTap={() => set({ orgNodeCode: undefined, orgName: undefined })}><Text>清除网格</Text></Tap>
          </View>
        ) : (
          <>
            <TextField id='filter-org' label='搜索网格、社区或街道' value={unitQ} placeholder='名称或编码' onChange={setUnitQ} />
            {units.length > 0 && (
              <View className='chips' role='group' aria-label='匹配的单位'>
                {units.map((u) => (
                  <Tap key={u.code} id={`filter-org-${u.code}`} className='chip chip--choice filter-chip' onTap={() => { set({ orgNodeCode: u.code, orgName: u.name }); setUnitQ('') }}>
                    <Text>{u.name}（{LEVEL_LABEL[u.level]}）</Text>
                  </Tap>
                ))}
              </View>
            )}
          </>
        )}
      </View>
      <View className='filter-panel__group'>
        <Text className='filter-panel__label' id='filter-date-label'>上报日期</Text>
        <View className='chips' role='radiogroup' aria-labelledby='filter-date-label'>
          <Chip id='filter-date-all' on={!value.from && !value.to} text='不限' onTap={() => set({ from: undefined, to: undefined })} />
          <Chip id='filter-date-today' on={rangeOn('today')} text='今天' onTap={() => range('today')} />
          <Chip id='filter-date-week' on={rangeOn('week')} text='近 7 天' onTap={() => range('week')} />
          <Chip id='filter-date-month' on={rangeOn('month')} text='本月' onTap={() => range('month')} />
        </View>
        <View className='filter-panel__dates'>
          <TextField id='filter-from' label='从' value={from} placeholder='2026-12-01' onChange={(v) => { setFrom(v); applyDates(v.trim(), to.trim()) }} />
          <TextField id='filter-to' label='至' value={to} placeholder='2026-12-03' onChange={(v) => { setTo(v); applyDates(from.trim(), v.trim()) }} />
        </View>
        {dateError && <View role='alert'><Text className='error'>{dateError}</Text></View>}
      </View>
    </View>
  )
}
