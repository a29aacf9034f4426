import { useEffect, useMemo, useRef } from 'react'
import Taro from '@tarojs/taro'
import { CoverView, Map, View } from '@tarojs/components'
import type { MapProps } from '@tarojs/components'
import { toWgs84FromMap, wgs84ToGcj02 } from '../../lib/coords'
import { SLA_STYLE, markerText, outlineStyle, polygonsOf } from './sla'
import type { CityMapProps, MapOutline } from './types'
import './centre-pin.scss'

export type { CityMapProps, MapMarker, MapOutline } from './types'

/**
 * Marker icons as code-package paths (copied by miniprogram/config/index.ts): <map> markers take a network,
 * local or code-package path, not a data URI (https://developers.weixin.qq.com/miniprogram/dev/component/map.html#marker).
 */
const PINS: Record<string, string> = Object.fromEntries(['green', 'yellow', 'red', 'overdue', 'none'].map((c) => [c, `/assets/map-pins/${c}.png`]))
const DALIAN = { lat: 38.9187, lng: 121.6444 }

/** Ray casting on one ring (GCJ-02 degrees; an outline is small enough to treat as planar). */
function inRing(lat: number, lng: number, ring: { lat: number; lng: number }[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]
    const b = ring[j]
    if ((a.lat > lat) !== (b.lat > lat) && lng < ((b.lng - a.lng) * (lat - a.lat)) / (b.lat - a.lat) + a.lng) inside = !inside
  }
  return inside
}

/** WeChat's opacity-suffixed colour (#RRGGBBAA) for a polygon's fill. */
const withAlpha = (hex: string, a: number) => `${hex}${Math.round(a * 255).toString(16).padStart(2, '0')}`

/**
 * The shared map in the weapp: WeChat's own <map> (Tencent Maps), which draws in GCJ-02, so every WGS-84
 * point is converted here and a moved centre converted back. Markers join WeChat's clustering
 * (MapContext.initMarkerCluster, base library 2.13+); outlines are polygons, tapped through the map's tap
 * point (polygons have no tap event of their own).
 */
export default function CityMap({ id, label, center, zoom, markers, outlines, showUser, height = 300, onMarkerTap, onOutlineTap, onMove, centrePin, recenter }: CityMapProps) {
  const ids = useRef<string[]>([])
  const c = wgs84ToGcj02(center ?? DALIAN)

  const wxMarkers = useMemo(() => {
    ids.current = (markers ?? []).map((m) => m.id)
    return (markers ?? []).map((m, i) => {
      const p = wgs84ToGcj02(m)
      const s = SLA_STYLE[m.colour]
      return {
        id: i + 1,
        latitude: p.lat,
        longitude: p.lng,
        iconPath: PINS[m.colour],
        width: 28,
        height: 28,
        title: markerText(m),
        ariaLabel: markerText(m),
        joinCluster: true,
        callout: { content: `${s.glyph} ${markerText(m)}`, color: '#1f2329', fontSize: 13, borderRadius: 6, borderWidth: 1, borderColor: s.colour, bgColor: '#ffffff', padding: 6, display: 'BYCLICK', textAlign: 'left', anchorX: 0, anchorY: 0 },
      }
    }) as unknown as MapProps.marker[]
  }, [markers])

  const rings = useMemo(() => (outlines ?? []).map((o) => ({ o, polys: polygonsOf(o.geometry, 'gcj02') })), [outlines])
  const polygons = useMemo(() => rings.flatMap(({ o, polys }) => {
    const st = outlineStyle(o.level)
    return polys.map((rs) => ({
      points: rs[0].map((p) => ({ latitude: p.lat, longitude: p.lng })),
      strokeWidth: o.selected ? st.weight + 2 : st.weight,
      strokeColor: st.colour,
      fillColor: withAlpha(st.colour, o.selected ? 0.18 : st.fill),
      zIndex: o.level === 'grid' ? 3 : o.level === 'community' ? 2 : 1,
    }))
  }) as MapProps.polygon[], [rings])

  useEffect(() => {
    if (!markers?.length) return
    const ctx = Taro.createMapContext(id) as unknown as { initMarkerCluster?: (o: object) => void }
    ctx.initMarkerCluster?.({ enableDefaultStyle: true, zoomOnClick: true, gridSize: 60 })
  }, [id, markers?.length])

  // A dragged <map> keeps its own centre while the latitude/longitude props stay the same: moving it back
  // to an unchanged `center` needs the map context (MapContext.moveToLocation, base library 1.2+).
  useEffect(() => {
    if (!recenter || !center) return
    const ctx = Taro.createMapContext(id)
    ctx.moveToLocation({ latitude: c.lat, longitude: c.lng })
  }, [recenter])

  /** The smallest outline holding the tapped point (a grid before its community before its street). */
  function outlineAt(lat: number, lng: number): MapOutline | undefined {
    const order = { grid: 0, community: 1, street: 2 } as Record<string, number>
    return rings
      .filter(({ polys }) => polys.some((rs) => inRing(lat, lng, rs[0]) && !rs.slice(1).some((h) => inRing(lat, lng, h))))
      .map(({ o }) => o)
      .sort((a, b) => (order[a.level] ?? 9) - (order[b.level] ?? 9))[0]
  }

  const points = useMemo(() => rings.flatMap(({ polys }) => polys.flatMap((rs) => rs[0].map((p) => ({ latitude: p.lat, longitude: p.lng })))), [rings])

  return (
    <View className='city-map' style={{ height: typeof height === 'number' ? `${height}px` : height }} aria-label={label}>
      <Map
        id={id}
        style={{ width: '100%', height: '100%' }}
        latitude={c.lat}
        longitude={c.lng}
        scale={zoom ?? 14}
        markers={wxMarkers}
        polygons={polygons}
        includePoints={center ? undefined : points.length ? points : wxMarkers.map((m) => ({ latitude: m.latitude, longitude: m.longitude }))}
        showLocation={Boolean(showUser)}
        onError={() => undefined}
        onMarkerTap={(e) => {
          const k = Number(e.detail.markerId) - 1
          if (ids.current[k]) onMarkerTap?.(ids.current[k])
        }}
        onTap={(e) => {
          const d = e.detail as { latitude?: number; longitude?: number }
          if (!onOutlineTap || d.latitude === undefined || d.longitude === undefined) return
          const o = outlineAt(d.latitude, d.longitude)
          if (o) onOutlineTap(o.code)
        }}
        onRegionChange={(e) => {
          if (!onMove || e.type !== 'end') return
          const ctx = Taro.createMapContext(id)
          ctx.getCenterLocation({ success: (r) => onMove(toWgs84FromMap({ lat: r.latitude, lng: r.longitude }, 'gcj02')) })
        }}
      />
      {/* Over the native map: cover-view (https://developers.weixin.qq.com/miniprogram/dev/component/cover-view.html). */}
      {centrePin && (
        <CoverView className='city-map__centre-pin' aria-role='img' aria-label={centrePin}>
          <CoverView className='city-map__centre-head' />
          <CoverView className='city-map__centre-foot' />
        </CoverView>
      )}
    </View>
  )
}
