import { Image, Text, View } from '@tarojs/components'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { PublicCaseListDto, PublicMapDto } from '@finecity/types'
import AppShell, { DESK_WIDTH } from '../../../../components/AppShell'
import CityMap, { type MapMarker } from '../../../../components/CityMap'
import { SLA_STYLE } from '../../../../components/CityMap/sla'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import type { CategoryDto } from '../../../../lib/categories'
import { plainTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { nav, windowWidth } from '../../../../services/platform'
import PublicFiltersPanel from '../../components/PublicFilters'
import { PUBLIC_CASE, STATUS_LABEL, activeCount, caseLabel, pageInfo, publicApi, type PublicFilters } from '../../api'
import './index.scss'

/** Open cases are amber, closed ones green: colour, the character inside and the legend say it (WCAG 1.4.1). */
const COLOUR = { open: 'yellow', closed: 'green' } as const
const openCase = (id: string) => void nav.to(`${PUBLIC_CASE}?id=${id}`)

/** Loads `load` whenever `deps` change; an answer that arrives after a newer request started is dropped. */
function useLatest<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: string | null }>({ data: null, error: null })
  const seq = useRef(0)
  useEffect(() => {
    const n = ++seq.current
    load().then(
      (data) => { if (n === seq.current) setState({ data, error: null }) },
      (err) => { if (n === seq.current) setState((s) => ({ data: s.data, error: errorText(err) })) },
    )
  }, deps)
  return state
}

function Legend() {
  return (
    <View className='pub__legend' role='list' aria-label='图例'>
      {(['open', 'closed'] as const).map((s) => (
        <View key={s} role='listitem' className='pub__key'>
          <Text className={`pub__pin pub__pin--${s}`} aria-hidden>{SLA_STYLE[COLOUR[s]].glyph}</Text>
          <Text>{STATUS_LABEL[s]}</Text>
        </View>
      ))}
    </View>
  )
}

function CaseRow({ c }: { c: PublicCaseListDto['items'][number] }) {
  return (
    <Tap id={`pub-case-${c.id}`} role='link' className='card pub__row' onTap={() => openCase(c.id)}>
      {c.thumbUrl && <Image className='pub__thumb' src={c.thumbUrl} mode='aspectFill' lazyLoad {...({ 'aria-hidden': 'true', alt: '' } as object)} />}
      <View className='pub__row-body'>
        <View className='pub__row-head'>
          <Text className='pub__row-title'>{c.category.name}</Text>
          <Text className={`chip ${c.open ? 'chip--orange' : 'chip--green'}`}>{c.open ? STATUS_LABEL.open : STATUS_LABEL.closed}</Text>
        </View>
        <Text className='pub__row-place'>{c.place}</Text>
        <Text className='muted'>{c.statusText} · {plainTime(c.reportedAt)} 上报</Text>
      </View>
    </Tap>
  )
}

/**
 * 城市管理公开 (issue 13, item 3): the registered cases of the city on the shared map and in a paged list,
 * filtered by status, district, category and report date. No login: anyone sees the public view only.
 */
export default function PublicHome() {
  const [filters, setFilters] = useState<PublicFilters>({})
  const [page, setPage] = useState(1)
  const [showFilters, setShowFilters] = useState(() => windowWidth() >= DESK_WIDTH)
  const [refs, setRefs] = useState<{ categories: CategoryDto[]; districts: { code: string; name: string }[] }>({ categories: [], districts: [] })

  useEffect(() => {
    // The filter's choices; the page still works (without them) when they fail.
    void Promise.all([publicApi.categories().catch(() => []), publicApi.districts().catch(() => [])]).then(([categories, districts]) => setRefs({ categories, districts }))
  }, [])
  const key = JSON.stringify([filters.categoryCode, filters.status, filters.districtCode, filters.from, filters.to])
  const list = useLatest(() => publicApi.cases(filters, page), [key, page])
  const map = useLatest<PublicMapDto>(() => publicApi.map(filters), [key])

  const change = (f: PublicFilters) => { setFilters(f); setPage(1) }
  const markers: MapMarker[] = useMemo(
    () => (map.data?.points ?? []).map((p) => ({ id: p.id, lat: p.lat, lng: p.lng, colour: COLOUR[p.open ? 'open' : 'closed'], label: caseLabel({ category: p.categoryName, open: p.open }) })),
    [map.data],
  )
  const info = list.data ? pageInfo(list.data.total, list.data.page, undefined, list.data.totalCapped) : null
  const n = activeCount(filters)
  const go = (p: number) => setPage(p)

  return (
    <AppShell title='城市管理公开' className='pub'>
      <View className='pub__intro'>
        <Text className='muted'>市民反映的城市管理问题和办理进展，已受理的案件在此公开。照片经工作人员审核后公开，不显示反映人信息。</Text>
        <Tap id='pub-report' className='btn btn--primary pub__report' onTap={() => void nav.to('/pages/report/index')}><Text>我要随手拍</Text></Tap>
      </View>
      <View className='pub__filter-bar'>
        <Tap id='pub-filters-toggle' className='btn btn--ghost pub__toggle' selected={showFilters} onTap={() => setShowFilters(!showFilters)}>
          <Text>{n ? `筛选（已选 ${n} 项）` : '筛选'}</Text>
        </Tap>
        <View role='status'><Text className='muted' id='pub-total'>{info ? info.text : list.error ? '' : '正在加载…'}</Text></View>
      </View>
      <View className='pub__body'>
        {showFilters && (
          <View className='pub__side'>
            <PublicFiltersPanel value={filters} onChange={change} categories={refs.categories} districts={refs.districts} />
          </View>
        )}
        <View className='pub__map'>
          <View className='pub__map-box'>
            <CityMap id='public-map' label='公开案件地图' markers={markers} height='100%' onMarkerTap={openCase} />
          </View>
          <Legend />
          {map.data?.truncated && <Text className='muted'>地图只显示最新的 2000 件，请用筛选缩小范围</Text>}
          {map.error && <Text className='error'>地图数据：{map.error}</Text>}
        </View>
        <View className='pub__list' role='region' aria-label='案件列表'>
          {list.error && <View role='alert'><Text className='error'>{list.error}</Text></View>}
          {list.data && !list.data.items.length && (
            <EmptyState title='没有符合条件的案件' hint={n ? '换个筛选条件试试' : '案件受理后会在这里公开'} action={n ? { label: '清除筛选', onTap: () => change({}) } : undefined} />
          )}
          {list.data?.items.map((c) => <CaseRow key={c.id} c={c} />)}
          {info && (info.prev || info.next) && (
            <View className='pub__pager'>
              <Tap id='pub-prev' className='btn btn--ghost' disabled={!info.prev} onTap={() => go(page - 1)}><Text>上一页</Text></Tap>
              <Text className='muted'>{info.text}</Text>
              <Tap id='pub-next' className='btn btn--ghost' disabled={!info.next} onTap={() => go(page + 1)}><Text>下一页</Text></Tap>
            </View>
          )}
        </View>
      </View>
    </AppShell>
  )
}
