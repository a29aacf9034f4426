import type { MapDatum, MapGeometryDto } from '@finecity/types'
import { fromWgs84, type LatLng } from '../../lib/coords'
import type { MapMarker } from './types'

export type MarkerColour = MapMarker['colour']

/**
 * How a marker shows its SLA state: colour (the values of styles/tokens.scss: $green, $yellow, $red, and
 * $red-text for overdue, $grey for none; the weapp's map takes colours as strings, so they are repeated here),
 * plus a character and a shape, so the state is never told by colour alone (WCAG 1.4.1).
 */
export const SLA_STYLE: Record<MarkerColour, { colour: string; glyph: string; word: string; shape: string }> = {
  green: { colour: '#1f9d55', glyph: '绿', word: '正常', shape: '圆' },
  yellow: { colour: '#b7791f', glyph: '黄', word: '黄灯', shape: '方' },
  red: { colour: '#d93025', glyph: '红', word: '红灯', shape: '菱' },
  overdue: { colour: '#a1231b', glyph: '超', word: '已超时', shape: '三角' },
  none: { colour: '#5f6672', glyph: '·', word: '未计时', shape: '圆' },
}

/** The screen reader's and the callout's text: what the marker is, then its SLA state in words. */
export const markerText = (m: MapMarker): string =>
  m.colour === 'none' ? m.label : `${m.label}，${SLA_STYLE[m.colour].word}`

/** The outline's stroke by level: streets bold, communities medium, grids fine (tokens.scss $blue-dark / $blue / $grey). */
export const OUTLINE_STYLE: Record<string, { colour: string; weight: number; fill: number }> = {
  street: { colour: '#003eb3', weight: 3, fill: 0.04 },
  community: { colour: '#0958d9', weight: 2, fill: 0.05 },
  grid: { colour: '#0958d9', weight: 1, fill: 0.06 },
}
export const outlineStyle = (level: string) => OUTLINE_STYLE[level] ?? OUTLINE_STYLE.community

/** An outline's rings (outer first) as points in the map's datum; a MultiPolygon gives several polygons. */
export function polygonsOf(geometry: MapGeometryDto, datum: MapDatum): LatLng[][][] {
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polys.map((rings) => rings.map((ring) => ring.map(([lng, lat]) => fromWgs84({ lat, lng }, datum))))
}
