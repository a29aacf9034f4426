import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import type { CaseDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import CaseCard from '../../../../components/CaseCard'
import CityMap, { type MapMarker, type MapOutline } from '../../../../components/CityMap'
import { SLA_STYLE } from '../../../../components/CityMap/sla'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { byUrgency, countLevels } from '../../../../lib/inbox'
import { nav } from '../../../../services/platform'
import { mapArea, openCases } from './api'
import './index.scss'

const HERE = '/packages/staff/pages/map/index'
const LEVELS = ['overdue', 'red', 'yellow', 'green'] as const

const colourOf = (c: CaseDto): MapMarker['colour'] => {
  const l = c.deadline?.level
  return l === 'green' || l === 'yellow' || l === 'red' || l === 'overdue' ? l : 'none'
}
const openCase = (id: string) => nav.to(`/packages/staff/pages/task/index?id=${id}`)

/** 地图: the caller's open cases on the shared map, coloured by SLA, over the outlines of their area. */
export default function StaffMap() {
  const user = useRequiredUser(HERE)
  const { data, error } = useRemote(async () => {
    const [cases, area] = await Promise.all([openCases(user!), mapArea()])
    return { cases: cases.sort(byUrgency), area }
  }, !!user)
  const [unit, setUnit] = useState<string | null>(null)

  const cases = data?.cases ?? []
  const placed = cases.filter((c) => !c.locationPending)
  const outlines: MapOutline[] = useMemo(
    () => (data?.area.outlines ?? []).map((o) => ({ code: o.code, name: o.name, level: o.level, geometry: o.geometry, selected: o.code === unit })),
    [data, unit],
  )
  const own = data?.area.outlines.find((o) => o.own)
  const picked = outlines.find((o) => o.code === unit && o.code !== own?.code) ?? null
  // A unit's cases: org codes are hierarchical (a grid's code starts with its community's, street's and district's).
  const shown = picked ? placed.filter((c) => c.grid?.code.startsWith(picked.code)) : placed
  const markers: MapMarker[] = useMemo(
    () => shown.map((c) => ({ id: c.id, lat: c.location.lat, lng: c.location.lng, colour: colourOf(c), label: `${c.category.name}，${c.caseNo}` })),
    [shown],
  )
  const n = countLevels(shown)

  return (
    <AppShell title='地图' tab='map' className='staff-map'>
      <View className='card staff-map__head'>
        <View className='staff-map__title'>
          <Text className='section-title staff-map__name'>{own ? own.name : '我的辖区'}</Text>
          <Text className='muted'>{data ? `共 ${shown.length} 件在办案件${picked ? `（${picked.name}）` : ''}` : '正在加载…'}</Text>
        </View>
        <View className='staff-map__legend' role='list' aria-label='图例'>
          {LEVELS.map((l) => (
            <View key={l} role='listitem' className='staff-map__key'>
              <Text className={`staff-map__pin staff-map__pin--${l}`} aria-hidden>{SLA_STYLE[l].glyph}</Text>
              <Text>{SLA_STYLE[l].word} {n[l]}</Text>
            </View>
          ))}
        </View>
      </View>
      {error && <Text className='error'>{error}</Text>}
      <View className='staff-map__body'>
        <View className='staff-map__map'>
          <CityMap
            id='staff-map'
            label={`${own?.name ?? '辖区'}在办案件地图`}
            markers={markers}
            outlines={outlines}
            showUser
            height='100%'
            onMarkerTap={openCase}
            onOutlineTap={(code) => setUnit(code === unit || code === own?.code ? null : code)}
          />
        </View>
        <View className='staff-map__list'>
          <View className='staff-map__list-head'>
            <Text className='section-title'>{picked ? picked.name : '全部案件'}</Text>
            {picked && <Tap className='btn btn--ghost staff-map__all' onTap={() => setUnit(null)}>显示全部</Tap>}
          </View>
          {data && !shown.length && (
            <EmptyState title={picked ? `${picked.name}暂无在办案件` : '辖区暂无在办案件'} hint='新案件派到辖区后会标在地图上，颜色表示办理时限' />
          )}
          {shown.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => openCase(x.id)} />)}
          {data && cases.length > placed.length && (
            <Text className='muted'>另有 {cases.length - placed.length} 件位置待确认，未标在地图上</Text>
          )}
        </View>
      </View>
    </AppShell>
  )
}
