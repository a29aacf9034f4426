import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import type { CaseDto } from '@finecity/types'
import CityMap, { type MapMarker } from '../../../../components/CityMap'
import DeadlineBadge from '../../../../components/DeadlineBadge'
import StateChip from '../../../../components/StateChip'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { NavButton } from '../../navigate'

const colourOf = (c: CaseDto): MapMarker['colour'] => {
  const l = c.deadline?.level
  return l === 'green' || l === 'yellow' || l === 'red' || l === 'overdue' ? l : 'none'
}

/** Today's open tasks on the shared map, coloured by SLA; a marker shows its case with 导航 and 查看. */
export default function TaskMap({ items, loaded, onOpen }: { items: CaseDto[]; loaded: boolean; onOpen: (id: string) => void }) {
  const placed = useMemo(() => items.filter((c) => !c.locationPending), [items])
  const [picked, setPicked] = useState<string | null>(null)
  const c = placed.find((x) => x.id === picked) ?? null
  // One array per task list, so the map redraws its markers only when the tasks change (not on every tap).
  const markers = useMemo<MapMarker[]>(() => placed.map((x) => ({ id: x.id, lat: x.location.lat, lng: x.location.lng, colour: colourOf(x), label: `${x.category.name} ${x.caseNo}` })), [placed])
  if (loaded && !placed.length) return <EmptyState title='今天没有待办任务' hint='新派到本网格的案件会标在地图上' />
  return (
    <View className='task-map' role='tabpanel' aria-label='地图'>
      <CityMap id='task-map' label='今日待办任务地图' markers={markers} height={360} showUser onMarkerTap={setPicked} />
      <Text className='muted task-map__hint'>{c ? '' : `共 ${placed.length} 件，点地图上的标记查看案件和导航`}</Text>
      {c && (
        <View id={`pick-${c.id}`} className='card task-map__pick' aria-live='polite'>
          <View className='case-card__head'>
            <Text className='case-card__title'>{c.category.name}</Text>
            <StateChip state={c.state} />
          </View>
          <Text className='case-card__desc'>{c.description}</Text>
          {c.location.address && <Text className='muted'>{c.location.address}</Text>}
          <View className='case-card__meta'>
            <Text className='muted'>{c.caseNo}</Text>
            <DeadlineBadge deadline={c.deadline} />
          </View>
          <View className='task-map__actions'>
            <NavButton c={c} className='task-map__btn' />
            <Tap id={`view-${c.id}`} className='btn btn--primary task-map__btn' label={`查看${c.caseNo}`} onTap={() => onOpen(c.id)}>
              <Text>查看</Text>
            </Tap>
          </View>
        </View>
      )}
    </View>
  )
}
