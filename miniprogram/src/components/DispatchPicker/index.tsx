import { Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { CaseDto, OrgLevel, OrgUnitDto } from '@finecity/types'
import { LEVEL_LABEL } from '../../lib/labels'
import { useUnitSearch } from '../../hooks/use-unit-search'
import { api, errorText } from '../../services/api'
import { TextField } from '../Field'
import Tap from '../Tap'
import './index.scss'

interface Props {
  c: CaseDto
  /** Org code to dispatch to; '' = by the case's grid (the server routes it, A/B duty included). */
  value: string
  /** The chosen unit's name when it was picked elsewhere (a grid clicked on the console's map). */
  valueName?: string
  onChange: (code: string, name?: string) => void
}

type Unit = { code: string; name: string; level: OrgLevel }

/**
 * Where to dispatch: by grid (default), the case's own grid, a unit found by typing part of its name or
 * code, or one picked by drilling down the caller's subtree (street → community → grid, or a department)
 * from GET /api/v1/org/units. A typed code stays as the fallback when the list cannot be read.
 */
export default function DispatchPicker({ c, value, valueName, onChange }: Props) {
  const [find, setFind] = useState('')
  // Type-ahead over the caller's area (grids, communities, streets, departments).
  const found = useUnitSearch(find)
  const [trail, setTrail] = useState<OrgUnitDto[]>([])
  const [units, setUnits] = useState<OrgUnitDto[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [chosen, setChosen] = useState<Unit | null>(null)
  const [typed, setTyped] = useState('')
  // Children by parent code ('' = the caller's own node): going back up asks the server nothing.
  const cache = useRef(new Map<string, OrgUnitDto[]>())
  const parent = trail[trail.length - 1]?.code ?? ''

  useEffect(() => {
    const known = cache.current.get(parent)
    if (known) {
      setUnits(known)
      setError(null)
      return
    }
    let live = true
    setUnits(null)
    api.orgUnits(parent || undefined).then(
      (items) => { cache.current.set(parent, items); if (live) { setUnits(items); setError(null) } },
      (err) => { if (live) setError(errorText(err)) },
    )
    return () => { live = false }
  }, [parent])

  const pick = (u: Unit | null) => {
    setChosen(u)
    setTyped('')
    onChange(u?.code ?? '', u?.name)
  }
  const type = (v: string) => {
    setTyped(v)
    setChosen(null)
    onChange(v.trim())
  }
  const chosenText = !value ? '按网格自动派遣'
    : chosen?.code === value ? `${chosen.name}（${LEVEL_LABEL[chosen.level]}）`
      : valueName ? valueName : `单位编码 ${value}`

  return (
    <View className='field dispatch-picker'>
      <Text className='field__label'>派往单位</Text>
      <Text id='dispatch-chosen' className='dispatch-picker__chosen'>将派往：{chosenText}</Text>
      <View className='chips'>
        <Tap id='dispatch-auto' className={`chip chip--choice ${!value ? 'chip--on' : ''}`} label='按网格自动派遣' onTap={() => pick(null)}>
          <Text>按网格自动派遣</Text>
        </Tap>
        {c.grid && (
          <Tap id='dispatch-grid' className={`chip chip--choice ${value === c.grid.code ? 'chip--on' : ''}`} label={`派往本案网格${c.grid.name}`} onTap={() => pick(c.grid)}>
            <Text>本案网格：{c.grid.name}</Text>
          </Tap>
        )}
      </View>
      <TextField id='dispatch-search' label='搜索网格或社区' value={find} placeholder='输入名称或编码，如 第1社区' onChange={setFind} />
      {found !== null && (
        <View className='dispatch-picker__list' role='list' aria-label='搜索到的单位'>
          {found.map((u) => (
            <View key={u.code} className='dispatch-unit' role='listitem'>
              <Tap id={`find-${u.code}`} className={`dispatch-unit__pick ${u.code === value ? 'dispatch-unit__pick--on' : ''}`} label={`派往${u.name}`} onTap={() => { pick(u); setFind('') }}>
                <Text>{u.name}</Text>
                <Text className='muted'>{LEVEL_LABEL[u.level]}</Text>
              </Tap>
            </View>
          ))}
          {!found.length && <Text className='muted dispatch-picker__none'>没有找到“{find.trim()}”</Text>}
        </View>
      )}
      <View className='row'>
        <Text className='muted'>{trail.length ? trail.map((u) => u.name).join(' › ') : '本级下属单位'}</Text>
        {trail.length > 0 && <Tap id='dispatch-up' className='link' label='返回上一级单位' onTap={() => setTrail(trail.slice(0, -1))}><Text>返回上一级</Text></Tap>}
      </View>
      <View className='dispatch-picker__list' role='list' aria-label='可派遣单位'>
        {units === null && !error && <Text className='muted'>加载中…</Text>}
        {units?.map((u) => (
          <View key={u.code} className='dispatch-unit' role='listitem'>
            <Tap id={`unit-${u.code}`} className={`dispatch-unit__pick ${u.code === value ? 'dispatch-unit__pick--on' : ''}`} label={`派往${u.name}`} onTap={() => pick(u)}>
              <Text>{u.name}</Text>
              <Text className='muted'>{LEVEL_LABEL[u.level]}</Text>
            </Tap>
            {u.hasChildren && (
              <Tap id={`drill-${u.code}`} className='link' label={`查看${u.name}的下级单位`} onTap={() => setTrail([...trail, u])}><Text>下级 ›</Text></Tap>
            )}
          </View>
        ))}
        {units && !units.length && <Text className='muted'>没有可派遣的下级单位</Text>}
      </View>
      {error && <Text className='muted'>可派遣单位加载失败（{error}），可直接输入单位编码</Text>}
      <TextField id='dispatch-target' label='或输入单位编码' value={typed} placeholder={c.grid?.code ?? '如 210202001010001'} onChange={type} />
    </View>
  )
}
