import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import type { AssessmentMapDto, AssessmentTrendDto, ScorecardDto } from '@finecity/types'
import Tap from '../../../components/Tap'
import { figure, indicatorLabel, TABLE_INDICATORS } from '../labels'
import { mapOption, METRIC_NAME, rankingOption, trendOption, type MapMetric, type Palette } from './chart-options'
import EChart from './EChart'

const IS_H5 = process.env.TARO_ENV === 'h5'

interface Common { palette: Palette; font?: number; error?: string }

/** 上报/办结 per day: a line chart in H5, a table in the weapp. */
export function TrendPanel({ trend, palette, font, error }: Common & { trend: AssessmentTrendDto | null }) {
  const option = useMemo(() => (trend ? trendOption(trend, palette, font) : null), [trend, palette, font])
  return (
    <View className='panel' id='panel-trend'>
      <Text className='panel__title'>上报与办结趋势{trend ? `（${trend.label}，按${trend.bucket === 'week' ? '周' : '日'}）` : ''}</Text>
      {error && <Text className='error'>{error}</Text>}
      {trend && (IS_H5
        ? <EChart id='chart-trend' className='chart' label={`${trend.label}共上报 ${trend.totals.reported} 件，办结 ${trend.totals.closed} 件`} option={option} />
        : (
          <View className='table'>
            <View className='table__row table__head'><Text>日期</Text><Text>上报</Text><Text>办结</Text></View>
            {trend.points.filter((p) => p.reported || p.closed).map((p) => <View key={p.date} className='table__row'><Text>{p.label}</Text><Text>{p.reported}</Text><Text>{p.closed}</Text></View>)}
          </View>
        ))}
      {trend && <Text className='panel__foot'>合计上报 {trend.totals.reported} 件，办结 {trend.totals.closed} 件</Text>}
    </View>
  )
}

/** 综合指标值 by unit: bars in H5, a ranked list in the weapp. */
export function RankingPanel({ card, palette, font, error }: Common & { card: ScorecardDto | null }) {
  const option = useMemo(() => (card ? rankingOption(card.rows, palette, font) : null), [card, palette, font])
  const ranked = card ? [...card.rows].filter((r) => r.score !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)) : []
  return (
    <View className='panel' id='panel-ranking'>
      <Text className='panel__title'>综合指标值排名{card ? `（${card.label}）` : ''}</Text>
      {error && <Text className='error'>考核数据暂不可用：{error}</Text>}
      {card && !ranked.length && <Text className='muted'>本期暂无可排名的单位</Text>}
      {card && ranked.length > 0 && (IS_H5
        ? <EChart id='chart-ranking' className='chart' label={ranked.slice(0, 3).map((r) => `第${r.rank}名${r.name}${r.score}分`).join('，')} option={option} />
        : ranked.map((r) => <View key={r.orgNodeCode} className='table__row'><Text>{r.rank}. {r.name}</Text><Text>{r.score} 分</Text></View>))}
    </View>
  )
}

/** The main indicators of each unit, with the names people read (INDICATOR_LABELS). */
export function IndicatorTable({ card, error, limit }: { card: ScorecardDto | null; error?: string; limit?: number }) {
  const sorted = card ? [...card.rows].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) || (b.indicators.reported ?? 0) - (a.indicators.reported ?? 0) || a.name.localeCompare(b.name, 'zh-CN')) : []
  const rows = limit ? sorted.slice(0, limit) : sorted
  return (
    <View className='panel panel--table' id='panel-table'>
      <Text className='panel__title'>考核指标{card ? `（${card.label}${card.published ? `，已公示第 ${card.version} 版` : '，实时未公示'}${rows.length < sorted.length ? `，列出前 ${rows.length} 个单位` : ''}）` : ''}</Text>
      {error && <Text className='error'>考核数据暂不可用：{error}</Text>}
      {card && (
        <View className='table table--wide'>
          <View className='table__row table__head'>
            <Text>排名</Text><Text className='table__name'>单位</Text><Text>综合指标值</Text>
            {TABLE_INDICATORS.map((k) => <Text key={k}>{indicatorLabel(k)}</Text>)}
          </View>
          {rows.map((r) => (
            <View key={r.orgNodeCode} className='table__row'>
              <Text>{figure(r.rank)}</Text><Text className='table__name'>{r.name}</Text><Text>{figure(r.score)}</Text>
              {TABLE_INDICATORS.map((k) => <Text key={k}>{figure(r.indicators[k])}</Text>)}
            </View>
          ))}
        </View>
      )}
      {card && (
        <View className='cards'>
          {rows.map((r) => (
            <View key={r.orgNodeCode} className='unit-card'>
              <Text className='unit-card__name'>{r.rank ? `${r.rank}. ` : ''}{r.name} · 综合指标值 {figure(r.score)}</Text>
              <View className='unit-card__figures'>
                {TABLE_INDICATORS.map((k) => <Text key={k} className='unit-card__figure'>{indicatorLabel(k)} {figure(r.indicators[k])}</Text>)}
              </View>
            </View>
          ))}
        </View>
      )}
    </View>
  )
}

interface MapProps extends Common {
  map: AssessmentMapDto | null
  onDrill: (f: AssessmentMapDto['features'][number]) => void
  onUp?: () => void
}

/** A choropleth of the units below by open or overdue cases; tapping a region (or its row) drills down. */
export function MapPanel({ map, palette, font, error, onDrill, onUp }: MapProps) {
  const [metric, setMetric] = useState<MapMetric>('open')
  const geo = useMemo(() => (map ? { name: `fc-${map.scope.code}`, json: map } : undefined), [map])
  const option = useMemo(() => (map && geo ? mapOption(geo.name, map, metric, palette, font) : null), [map, geo, metric, palette, font])
  const byName = (name: string) => map?.features.find((f) => f.properties.name === name)
  const drill = (name: string) => { const f = byName(name); if (f?.properties.hasChildren) onDrill(f) }
  return (
    <View className='panel panel--map' id='panel-map'>
      <View className='panel__bar'>
        <Text className='panel__title'>{map ? `${map.scope.name}案件分布` : '案件分布'}</Text>
        <View className='chips' role='tablist' aria-label='地图着色'>
          {(['open', 'overdue'] as const).map((m) => (
            <Tap key={m} id={`metric-${m}`} className={`chip chip--choice ${m === metric ? 'chip--on' : ''}`} role='tab' selected={m === metric} label={`按${METRIC_NAME[m]}着色`} onTap={() => setMetric(m)}><Text>{m === 'open' ? '在办' : '超期'}</Text></Tap>
          ))}
        </View>
        {onUp && <Tap id='map-up' className='link' onTap={onUp}><Text>返回上一级</Text></Tap>}
      </View>
      {error && <Text className='error'>{error}</Text>}
      {map && IS_H5 && <EChart id='chart-map' className='chart chart--map' label={`${map.scope.name}地图：在办 ${map.scope.open} 件，超期 ${map.scope.overdue} 件`} option={option} geo={geo} onPick={drill} />}
      {map && (
        <View className='regions'>
          {map.features.map((f) => (
            <Tap key={f.id} id={`region-${f.id}`} className={`region ${f.properties.hasChildren ? '' : 'region--leaf'}`} label={`${f.properties.name}：在办 ${f.properties.open} 件，超期 ${f.properties.overdue} 件`} onTap={() => drill(f.properties.name)}>
              <Text>{f.properties.name}</Text><Text className='muted'>在办 {f.properties.open} · 超期 {f.properties.overdue}</Text>
            </Tap>
          ))}
          {map.unmapped.map((u) => <View key={u.code} className='region region--leaf'><Text>{u.name}（暂无边界）</Text><Text className='muted'>在办 {u.open} · 超期 {u.overdue}</Text></View>)}
        </View>
      )}
    </View>
  )
}
