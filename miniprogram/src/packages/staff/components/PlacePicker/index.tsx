import { Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { PlaceDto } from '@finecity/types'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { errorText } from '../../../../services/api'
import { channelsApi } from '../../channels-api'

export interface PickedPlace {
  /** 中山区 / 桃源街道 / 第3社区 as the caller named it. */
  label: string
  point: { lat: number; lng: number }
}

interface Props {
  id: string
  value: PickedPlace | null
  onChange: (p: PickedPlace | null) => void
  /** What the line under the title says while nothing is picked. */
  emptyText: string
}

/** "38.91" → 38.91 within range, else null. */
function coordinate(v: string, min: number, max: number): number | null {
  if (!/^-?\d+(\.\d+)?$/.test(v.trim())) return null
  const n = Number(v)
  return n >= min && n <= max ? n : null
}

/**
 * A place without a map (issue 12 adds one): drill 区 → 街道 → 社区 → 网格 by name and use the chosen
 * place's point (the middle of its grids), or, under 高级, type WGS-84 coordinates.
 */
export default function PlacePicker({ id, value, onChange, emptyText }: Props) {
  const [trail, setTrail] = useState<PlaceDto[]>([])
  const [items, setItems] = useState<PlaceDto[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [advanced, setAdvanced] = useState(false)
  const [lat, setLat] = useState('')
  const [lng, setLng] = useState('')
  const cache = useRef(new Map<string, PlaceDto[]>())
  const parent = trail[trail.length - 1]?.code ?? ''

  useEffect(() => {
    const known = cache.current.get(parent)
    if (known) return void setItems(known)
    let live = true
    setItems(null)
    channelsApi.places(parent || undefined).then(
      (rows) => { cache.current.set(parent, rows); if (live) { setItems(rows); setError(null) } },
      (err) => { if (live) setError(errorText(err)) },
    )
    return () => { live = false }
  }, [parent])

  const use = (p: PlaceDto) => p.point && onChange({ label: [...trail, p].map((x) => x.name).join(' / '), point: p.point })
  const typed = () => {
    const a = coordinate(lat, -90, 90)
    const b = coordinate(lng, -180, 180)
    if (a === null || b === null) return setError('请填写正确的纬度和经度')
    setError(null)
    onChange({ label: `坐标 ${a.toFixed(5)}, ${b.toFixed(5)}`, point: { lat: a, lng: b } })
  }

  return (
    <View className='field place-picker' id={id}>
      <View className='row'>
        <Text className='field__label'>选择地点</Text>
        {value && <Tap className='link' label='清除已选地点' onTap={() => onChange(null)}><Text>清除</Text></Tap>}
      </View>
      <Text className='muted' id={`${id}-chosen`}>{value ? `已选：${value.label}` : emptyText}</Text>
      <View className='chips' role='navigation' aria-label='地点层级'>
        <Tap className='chip chip--choice' onTap={() => setTrail([])}><Text>全市</Text></Tap>
        {trail.map((t, i) => (
          <Tap key={t.code} className='chip chip--choice' onTap={() => setTrail(trail.slice(0, i + 1))}><Text>{t.name}</Text></Tap>
        ))}
      </View>
      {error && <View className='error' role='alert'>{error}</View>}
      {!items && !error && <Text className='muted'>加载中…</Text>}
      <View className='place-picker__list' role='list' aria-label='下级地点'>
        {items?.map((p) => (
          <View key={p.code} className='place-picker__item' role='listitem'>
            <Text className='place-picker__name'>{p.name}</Text>
            <View className='place-picker__acts'>
              {p.point && <Tap className='link' label={`用此地：${p.name}`} onTap={() => use(p)}><Text>用此地</Text></Tap>}
              {p.hasChildren && <Tap className='link' label={`下级：${p.name}`} onTap={() => setTrail([...trail, p])}><Text>下级</Text></Tap>}
              {!p.point && !p.hasChildren && <Text className='muted'>暂无网格</Text>}
            </View>
          </View>
        ))}
      </View>
      <Tap className='link place-picker__advanced' selected={advanced} onTap={() => setAdvanced(!advanced)}><Text>{advanced ? '收起高级' : '高级：输入经纬度'}</Text></Tap>
      {advanced && (
        <View className='place-picker__coords'>
          <Text className='muted'>请填写卫星定位的原始坐标；高德、百度等地图上读出的坐标有偏移，不能直接使用。</Text>
          <TextField id={`${id}-lat`} label='纬度' type='digit' value={lat} placeholder='如 38.91400' onChange={setLat} />
          <TextField id={`${id}-lng`} label='经度' type='digit' value={lng} placeholder='如 121.61400' onChange={setLng} />
          <Tap id={`${id}-use-coords`} className='btn btn--ghost' onTap={typed}><Text>使用坐标</Text></Tap>
        </View>
      )}
    </View>
  )
}
