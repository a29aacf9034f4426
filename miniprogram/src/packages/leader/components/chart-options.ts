import type { AssessmentMapDto, AssessmentTrendDto, ScorecardRowDto } from '@finecity/types'

/** Light pages and the dark command-centre screen draw the same options in two palettes. */
export interface Palette { text: string; axis: string; split: string; reported: string; closed: string; bar: string; low: string; high: string; border: string }
export const LIGHT: Palette = { text: '#333', axis: '#999', split: '#eee', reported: '#1677ff', closed: '#16a34a', bar: '#1677ff', low: '#e8f1ff', high: '#d4380d', border: '#fff' }
export const DARK: Palette = { text: '#cfe3ff', axis: '#5b7aa6', split: '#1d3557', reported: '#3ea6ff', closed: '#3ddc97', bar: '#3ea6ff', low: '#10315a', high: '#ff5a36', border: '#0b1e3a' }

/** 上报 and 办结 per day (per week for a year). */
export function trendOption(t: AssessmentTrendDto, p: Palette, font = 12): Record<string, unknown> {
  return {
    animation: false,
    textStyle: { color: p.text, fontSize: font },
    tooltip: { trigger: 'axis' },
    legend: { data: ['上报', '办结'], textStyle: { color: p.text, fontSize: font }, top: 0 },
    grid: { left: 8, right: 16, top: font * 3, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: t.points.map((x) => x.label), axisLine: { lineStyle: { color: p.axis } }, axisLabel: { color: p.text, fontSize: font } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: p.text, fontSize: font }, splitLine: { lineStyle: { color: p.split } } },
    series: [
      { name: '上报', type: 'line', smooth: true, symbolSize: 4, data: t.points.map((x) => x.reported), itemStyle: { color: p.reported }, areaStyle: { opacity: 0.12 } },
      { name: '办结', type: 'line', smooth: true, symbolSize: 4, data: t.points.map((x) => x.closed), itemStyle: { color: p.closed } },
    ],
  }
}

/** 综合指标值 by unit, best at the top. */
export function rankingOption(rows: ScorecardRowDto[], p: Palette, font = 12): Record<string, unknown> {
  const ranked = rows.filter((r) => r.score !== null).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0)).slice(0, 12).reverse()
  return {
    animation: false,
    textStyle: { color: p.text, fontSize: font },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: font * 3, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', max: 100, axisLabel: { color: p.text, fontSize: font }, splitLine: { lineStyle: { color: p.split } } },
    yAxis: { type: 'category', data: ranked.map((r) => r.name), axisLabel: { color: p.text, fontSize: font, width: font * 7, overflow: 'truncate' }, axisLine: { lineStyle: { color: p.axis } } },
    series: [{ name: '综合指标值', type: 'bar', data: ranked.map((r) => r.score), barMaxWidth: font * 1.5, itemStyle: { color: p.bar, borderRadius: [0, 4, 4, 0] }, label: { show: true, position: 'right', color: p.text, fontSize: font } }],
  }
}

export type MapMetric = 'open' | 'overdue'
export const METRIC_NAME: Record<MapMetric, string> = { open: '在办案件', overdue: '超期案件' }

/** A choropleth of the units below the scope by open or overdue cases, drawn from the registered GeoJSON. */
/** A region's extent in square degrees: labels of regions far smaller than the view would pile up. */
function extent(g: AssessmentMapDto['features'][number]['geometry']): [number, number, number, number] {
  const pts = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flat(2)
  return [Math.min(...pts.map((q) => q[0])), Math.min(...pts.map((q) => q[1])), Math.max(...pts.map((q) => q[0])), Math.max(...pts.map((q) => q[1]))]
}

export function mapOption(mapName: string, m: AssessmentMapDto, metric: MapMetric, p: Palette, font = 12): Record<string, unknown> {
  const values = m.features.map((f) => f.properties[metric])
  const boxes = m.features.map((f) => extent(f.geometry))
  const all = boxes.length ? [Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])), Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3]))] : [0, 0, 1, 1]
  const view = (all[2]! - all[0]!) * (all[3]! - all[1]!) || 1
  // A label only where the region is at least 1/60 of the view: the central districts of the city view are
  // named in the tooltip and the list below the map instead of in a pile of overlapping labels.
  const labelled = (i: number) => ((boxes[i]![2] - boxes[i]![0]) * (boxes[i]![3] - boxes[i]![1])) / view >= 1 / 60
  return {
    animation: false,
    tooltip: { trigger: 'item', formatter: (x: { name: string; value?: number }) => `${x.name}<br/>${METRIC_NAME[metric]}：${Number.isFinite(x.value) ? x.value : 0} 件` },
    visualMap: {
      min: 0, max: Math.max(1, ...values), orient: 'horizontal', left: 'center', bottom: 0, calculable: false, itemWidth: font, itemHeight: font * 8,
      text: ['多', '少'], textStyle: { color: p.text, fontSize: font }, inRange: { color: [p.low, p.high] },
    },
    series: [{
      type: 'map', map: mapName, roam: false, selectedMode: false, layoutCenter: ['50%', '46%'], layoutSize: '88%',
      label: { show: m.features.length <= 20, color: p.text, fontSize: font * 0.9 },
      itemStyle: { borderColor: p.border, borderWidth: 1 },
      emphasis: { label: { show: true, color: p.text }, itemStyle: { areaColor: p.bar } },
      data: m.features.map((f, i) => ({ name: f.properties.name, value: f.properties[metric], ...(labelled(i) ? {} : { label: { show: false } }) })),
    }],
  }
}
