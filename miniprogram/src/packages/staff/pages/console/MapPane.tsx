import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { AssessmentMapDto, CaseDto, OrgUnitDto } from '@finecity/types'
import CityMap, { type MapMarker, type MapOutline } from '../../../../components/CityMap'
import Tap from '../../../../components/Tap'
import { LEVEL_LABEL } from '../../../../lib/labels'
import { errorText, http, queryString } from '../../../../services/api'
import { consoleApi } from './console-api'

/** A case's marker colour: its SLA colour while the clock runs, grey otherwise. */
export function markerColour(c: CaseDto): MapMarker['colour'] {
  const l = c.deadline?.level
  return l === 'green' || l === 'yellow' || l === 'red' || l === 'overdue' ? l : 'none'
}

export const markersOf = (items: CaseDto[]): MapMarker[] =>
  items.map((c) => ({ id: c.id, lat: c.location.lat, lng: c.location.lng, colour: markerColour(c), label: `${c.caseNo} ${c.category.name}` }))

/** The node whose units are drawn around a case: the community its grid belongs to (GET /org/units?q=<grid>). */
async function communityOf(c: CaseDto): Promise<string | undefined> {
  if (!c.grid) return undefined
  const r = await http.get<{ items: OrgUnitDto[] }>(`/api/v1/org/units${queryString([['q', c.grid.code]])}`)
  return r.items.find((u) => u.code === c.grid!.code)?.parentCode ?? undefined
}

interface Props {
  /** The outlines below the caller's own unit (the page reads them once, for its header too). */
  home: AssessmentMapDto | null
  items: CaseDto[]
  selected: CaseDto | null
  /** The dispatch target chosen (by the list or here). */
  target: string
  /** The case may be dispatched now: grids are offered as targets. */
  canDispatch: boolean
  onOpen: (id: string) => void
  onPickGrid: (code: string, name: string) => void
}

/**
 * The queue's cases as markers coloured by SLA; around the chosen case, the grid outlines of its community.
 * Clicking a grid (on the map or in the list below it) makes it the dispatch target.
 */
export default function MapPane({ home, items, selected, target, canDispatch, onOpen, onPickGrid }: Props) {
  const [geo, setGeo] = useState<AssessmentMapDto | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (!selected) { setGeo(home); setError(null); return }
    let live = true
    const load = async () => {
      const code = await communityOf(selected).catch(() => undefined)
      if (!live) return
      if (!code) { setGeo(home); return }
      try {
        const g = await consoleApi.outlines(code)
        if (live) { setGeo(g); setError(null) }
      } catch (err) {
        if (live) { setGeo(home); setError(errorText(err)) }
      }
    }
    void load()
    return () => { live = false }
  }, [selected?.id, selected?.grid?.code, home])

  const drill = (code: string) => {
    const f = geo?.features.find((x) => x.properties.code === code)
    if (!f) return
    if (f.properties.level === 'grid') {
      if (canDispatch) onPickGrid(code, f.properties.name)
      return
    }
    if (f.properties.hasChildren) {
      consoleApi.outlines(code).then(setGeo, (err) => setError(errorText(err)))
    }
  }
  const outlines: MapOutline[] = (geo?.features ?? []).map((f) => ({
    code: f.properties.code, name: f.properties.name, level: f.properties.level, geometry: f.geometry,
    selected: f.properties.code === target || (!target && f.properties.code === selected?.grid?.code),
  }))
  const grids = (geo?.features ?? []).filter((f) => f.properties.level === 'grid')
  const shownMarkers = markersOf(selected && !items.some((c) => c.id === selected.id) ? [...items, selected] : items)

  return (
    <View className='console-map'>
      <View className='console-map__head'>
        <Text className='console-pane__title'>地图</Text>
        <Text className='muted'>{geo ? `${geo.scope.name} · 在办 ${geo.scope.open} 件` : error ? '区域轮廓暂不可用' : '加载中…'}</Text>
      </View>
      <View className='console-map__canvas'>
        <CityMap key={geo?.scope.code ?? 'none'} id='console-map' label={selected ? `${selected.caseNo} 周边网格地图` : '本队列案件地图'} markers={shownMarkers} outlines={outlines}
          height='100%' onMarkerTap={onOpen} onOutlineTap={drill} />
      </View>
      <View className='console-map__legend' aria-hidden='true'>
        <Text className='legend legend--overdue'>超时</Text>
        <Text className='legend legend--red'>红灯</Text>
        <Text className='legend legend--yellow'>黄灯</Text>
        <Text className='legend legend--green'>正常</Text>
        <Text className='legend legend--none'>未计时</Text>
      </View>
      {selected && canDispatch && grids.length > 0 && (
        <View className='console-map__grids' role='group' aria-label='在地图上选择派遣网格'>
          <Text className='console-map__grids-title'>点击地图上的网格，或在此选择派遣网格</Text>
          <View className='chips'>
            {grids.map((f) => (
              <Tap key={f.properties.code} id={`map-grid-${f.properties.code}`} selected={f.properties.code === target}
                className={`chip chip--choice filter-chip ${f.properties.code === target ? 'chip--on' : ''}`} onTap={() => onPickGrid(f.properties.code, f.properties.name)}>
                <Text>{f.properties.name}{f.properties.code === selected.grid?.code ? '（本案网格）' : ''}</Text>
              </Tap>
            ))}
          </View>
        </View>
      )}
      {geo && geo.features.length > 0 && !(selected && canDispatch) && (
        <Text className='muted console-map__note'>{`${LEVEL_LABEL[geo.features[0]!.properties.level]}轮廓；选择待派遣的案件后，可在地图上点选网格派遣`}</Text>
      )}
    </View>
  )
}
