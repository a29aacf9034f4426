import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { CASE_SOURCES, DUE_COLOURS, type CaseSource, type DueColour } from '@finecity/types'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { searchCategories, type CategoryDto } from '../../../../lib/categories'
import { CLOCK_LABEL, LEVEL_LABEL } from '../../../../lib/labels'
import { useUnitSearch } from '../../../../hooks/use-unit-search'
import { api } from '../../../../services/api'
import { dateRangeError } from '../../../../lib/time'
import { dateRange, type Filters } from './queues'

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

interface Hit { code: string; text: string; note?: string }

/**
 * One filter chosen by typing (category, grid): the choice with its clear link, or a search field with the
 * matches as chips (ids `<id>-<code>`, `<id>-clear`). Picking clears the typed text.
 */
function SearchPick({ id, label, searchLabel, placeholder, clearText, listLabel, chosen, text, onText, hits, onPick, onClear }: {
  id: string; label: string; searchLabel: string; placeholder: string; clearText: string; listLabel: string
  chosen: string | null; text: string; onText: (t: string) => void; hits: Hit[]; onPick: (h: Hit) => void; onClear: () => void
}) {
  return (
    <View className='filter-panel__group'>
      <Text className='filter-panel__label'>{label}</Text>
      {chosen !== null ? (
        <View className='chips'>
          <Text className='chip chip--blue'>{chosen}</Text>
          <Tap id={`${id}-clear`} className='link' onTap={onClear}><Text>{clearText}</Text></Tap>
        </View>
      ) : (
        <>
          <TextField id={id} label={searchLabel} value={text} placeholder={placeholder} onChange={onText} />
          {hits.length > 0 && (
            <View className='chips' role='group' aria-label={listLabel}>
              {hits.map((h) => (
                <Tap key={h.code} id={`${id}-${h.code}`} className='chip chip--choice filter-chip' onTap={() => { onPick(h); onText('') }}>
                  <Text>{h.note ? `${h.text}（${h.note}）` : h.text}</Text>
                </Tap>
              ))}
            </View>
          )}
        </>
      )}
    </View>
  )
}

/** The queue's filters: colour, source, category, grid and dates. Each change applies at once (page 1). */
export default function FilterPanel({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const [cats, setCats] = useState<CategoryDto[]>([])
  const [catQ, setCatQ] = useState('')
  const [unitQ, setUnitQ] = useState('')
  const units = (useUnitSearch(unitQ) ?? []).filter((u) => u.level !== 'department').slice(0, 8)
  const [from, setFrom] = useState(value.from ?? '')
  const [to, setTo] = useState(value.to ?? '')
  useEffect(() => { api.categories().then((r) => setCats(r.categories), () => setCats([])) }, [])
  useEffect(() => { setFrom(value.from ?? ''); setTo(value.to ?? '') }, [value.from, value.to])

  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch })
  const catHits = catQ.trim() ? searchCategories(cats, catQ, 8) : []
  const toggleColour = (d: DueColour) => {
    const now = new Set(value.due ?? [])
    if (now.has(d)) now.delete(d); else now.add(d)
    set({ due: COLOURS.filter((x) => now.has(x)) })
  }
  const applyDates = (f: string, t: string) => {
    if (dateRangeError(f, t)) return
    set({ from: f || undefined, to: t || undefined })
  }
  const range = (kind: 'today' | 'week' | 'month') => { const r = dateRange(kind); set(r) }
  const rangeOn = (kind: 'today' | 'week' | 'month') => { const r = dateRange(kind); return value.from === r.from && value.to === r.to }
  const dateError = dateRangeError(from, to)

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
      <SearchPick
        id='filter-category' label='类别' searchLabel='搜索问题类别' placeholder='如 垃圾、井盖' clearText='清除类别' listLabel='匹配的类别'
        chosen={value.categoryCode ? (value.categoryName ?? value.categoryCode) : null} text={catQ} onText={setCatQ}
        hits={catHits.map((c) => ({ code: c.code, text: c.name }))}
        onPick={(h) => set({ categoryCode: h.code, categoryName: h.text })} onClear={() => set({ categoryCode: undefined, categoryName: undefined })}
      />
      <SearchPick
        id='filter-org' label='网格或社区' searchLabel='搜索网格、社区或街道' placeholder='名称或编码' clearText='清除网格' listLabel='匹配的单位'
        chosen={value.orgNodeCode ? (value.orgName ?? value.orgNodeCode) : null} text={unitQ} onText={setUnitQ}
        hits={units.map((u) => ({ code: u.code, text: u.name, note: LEVEL_LABEL[u.level] }))}
        onPick={(h) => set({ orgNodeCode: h.code, orgName: h.text })} onClear={() => set({ orgNodeCode: undefined, orgName: undefined })}
      />
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
