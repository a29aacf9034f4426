import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { PUBLIC_STATUSES } from '@finecity/types'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { searchCategories, type CategoryDto } from '../../../../lib/categories'
import { dateRangeError as dateError } from '../../../../lib/time'
import { RANGE_LABEL, STATUS_LABEL, quickRange, type PublicFilters, type QuickRange } from '../../api'
import './index.scss'

function Chip({ id, on, text, onTap }: { id: string; on: boolean; text: string; onTap: () => void }) {
  return (
    <Tap id={id} role='radio' selected={on} className={`chip chip--choice pf__chip ${on ? 'chip--on' : ''}`} onTap={onTap}><Text>{text}</Text></Tap>
  )
}

export interface PublicFiltersProps {
  value: PublicFilters
  onChange: (f: PublicFilters) => void
  categories: CategoryDto[]
  districts: { code: string; name: string }[]
}

/** The public map's filters: status, district, category (typed), report dates. Each change applies at once. */
export default function PublicFiltersPanel({ value, onChange, categories, districts }: PublicFiltersProps) {
  const [catQ, setCatQ] = useState('')
  const [from, setFrom] = useState(value.from ?? '')
  const [to, setTo] = useState(value.to ?? '')
  useEffect(() => { setFrom(value.from ?? ''); setTo(value.to ?? '') }, [value.from, value.to])

  const set = (patch: Partial<PublicFilters>) => onChange({ ...value, ...patch })
  const hits = catQ.trim() ? searchCategories(categories, catQ, 8) : []
  const applyDates = (f: string, t: string) => { if (!dateError(f, t)) set({ from: f || undefined, to: t || undefined }) }
  const rangeOn = (k: QuickRange) => { const r = quickRange(k); return value.from === r.from && value.to === r.to }
  const error = dateError(from.trim(), to.trim())

  return (
    <View id='public-filters' className='pf' role='region' aria-label='筛选条件'>
      <View className='pf__group'>
        <Text className='pf__label' id='pf-status-label'>办理状态</Text>
        <View className='chips' role='radiogroup' aria-labelledby='pf-status-label'>
          <Chip id='pf-status-all' on={!value.status} text='全部' onTap={() => set({ status: undefined })} />
          {PUBLIC_STATUSES.map((s) => <Chip key={s} id={`pf-status-${s}`} on={value.status === s} text={STATUS_LABEL[s]} onTap={() => set({ status: s })} />)}
        </View>
      </View>
      <View className='pf__group'>
        <Text className='pf__label' id='pf-district-label'>区县</Text>
        <View className='chips' role='radiogroup' aria-labelledby='pf-district-label'>
          <Chip id='pf-district-all' on={!value.districtCode} text='全市' onTap={() => set({ districtCode: undefined })} />
          {districts.map((d) => <Chip key={d.code} id={`pf-district-${d.code}`} on={value.districtCode === d.code} text={d.name} onTap={() => set({ districtCode: d.code })} />)}
        </View>
      </View>
      <View className='pf__group'>
        {value.categoryCode ? (
          <>
            <Text className='pf__label' id='pf-category-label'>问题类别</Text>
            <View className='chips' role='group' aria-labelledby='pf-category-label'>
              <Text className='chip chip--blue' id='pf-category-chosen'>{value.categoryName ?? '已选类别'}</Text>
              <Tap id='pf-category-clear' className='link pf__clear' onTap={() => set({ categoryCode: undefined, categoryName: undefined })}><Text>清除类别</Text></Tap>
            </View>
          </>
        ) : (
          <>
            <TextField id='pf-category' label='问题类别' value={catQ} placeholder='输入关键词，如 垃圾、井盖、路灯' onChange={setCatQ} />
            {hits.length > 0 && (
              <View className='chips' role='group' aria-label='匹配的类别'>
                {hits.map((c) => (
                  <Tap key={c.code} id={`pf-category-${c.code}`} className='chip chip--choice pf__chip' onTap={() => { set({ categoryCode: c.code, categoryName: c.name }); setCatQ('') }}>
                    <Text>{c.name}</Text>
                  </Tap>
                ))}
              </View>
            )}
            {catQ.trim() && !hits.length && <Text className='muted'>没有匹配的类别</Text>}
          </>
        )}
      </View>
      <View className='pf__group'>
        <Text className='pf__label' id='pf-date-label'>上报日期</Text>
        <View className='chips' role='radiogroup' aria-labelledby='pf-date-label'>
          <Chip id='pf-date-all' on={!value.from && !value.to} text='不限' onTap={() => set({ from: undefined, to: undefined })} />
          {(Object.keys(RANGE_LABEL) as QuickRange[]).map((k) => (
            <Chip key={k} id={`pf-date-${k}`} on={rangeOn(k)} text={RANGE_LABEL[k]} onTap={() => set(quickRange(k))} />
          ))}
        </View>
        <View className='pf__dates'>
          <TextField id='pf-from' label='从（北京时间）' value={from} placeholder='2026-12-01' maxlength={10} onChange={(v) => { setFrom(v); applyDates(v.trim(), to.trim()) }} />
          <TextField id='pf-to' label='至' value={to} placeholder='2026-12-03' maxlength={10} onChange={(v) => { setTo(v); applyDates(from.trim(), v.trim()) }} />
        </View>
        {error && <View role='alert'><Text className='error'>{error}</Text></View>}
      </View>
    </View>
  )
}
