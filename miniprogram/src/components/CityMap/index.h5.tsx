import { useEffect, useRef, useState } from 'react'
import L from 'leaflet'
import 'leaflet.markercluster'
import 'leaflet/dist/leaflet.css'
import 'leaflet.markercluster/dist/MarkerCluster.css'
import type { MapConfigDto } from '@finecity/types'
import { http } from '../../services/api'
import { fromWgs84, toWgs84FromMap } from '../../lib/coords'
import { SLA_STYLE, markerText, outlineStyle, polygonsOf } from './sla'
import type { CityMapProps, MapMarker, MapOutline } from './types'
import './index.scss'
import './centre-pin.scss'

export type { CityMapProps, MapMarker, MapOutline } from './types'

/** Zhongshan Square, Dalian (WGS-84): the view before anything is drawn. */
const DALIAN = { lat: 38.9187, lng: 121.6444 }

let configOnce: Promise<MapConfigDto | null> | null = null
/** The base layer from GET /api/v1/map/config, asked once per page load; null: draw the overlays on a plain ground. */
function mapConfig(): Promise<MapConfigDto | null> {
  configOnce ??= http.get<MapConfigDto>('/api/v1/map/config').catch(() => null)
  return configOnce
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A marker is a keyboard-focusable button (Leaflet gives its icon role="button" and tabindex="0"); its name
 * comes from the visually hidden text inside, its SLA state from the colour, the character and the shape.
 */
function markerIcon(m: MapMarker): L.DivIcon {
  const s = SLA_STYLE[m.colour]
  return L.divIcon({
    className: `city-map__marker city-map__marker--${m.colour}`,
    html: `<span class="city-map__pin" aria-hidden="true"><span class="city-map__glyph">${s.glyph}</span></span><span class="city-map__sr">${escapeHtml(markerText(m))}</span>`,
    // A 44-px target (WCAG 2.5.5) around the 28-px pin.
    iconSize: [44, 44],
    iconAnchor: [22, 22],
  })
}

/** A cluster names its count ("5 个案件，按回车放大"); its colour is the worst SLA state inside it. */
function clusterIcon(cluster: L.MarkerCluster): L.DivIcon {
  const order = ['overdue', 'red', 'yellow', 'green', 'none'] as const
  const colours = new Set(cluster.getAllChildMarkers().map((mk) => (mk.options as { colour?: string }).colour))
  const worst = order.find((c) => colours.has(c)) ?? 'none'
  const n = cluster.getChildCount()
  return L.divIcon({
    className: `city-map__cluster city-map__cluster--${worst}`,
    html: `<span aria-hidden="true">${n}</span><span class="city-map__sr">${n} 个标记，${worst === 'none' ? '' : `最紧急为${SLA_STYLE[worst].word}，`}按回车放大</span>`,
    iconSize: [44, 44],
  })
}

/** The shared map on H5: Leaflet with the configured XYZ tiles, clustered SLA markers and tappable outlines. */
export default function CityMap({ id, label, center, zoom, markers, outlines, showUser, height = 300, onMarkerTap, onOutlineTap, onMove, centrePin, recenter }: CityMapProps) {
  const host = useRef<HTMLDivElement | null>(null)
  const map = useRef<L.Map | null>(null)
  const [config, setConfig] = useState<MapConfigDto | null | undefined>(undefined)
  const layers = useRef<{ markers?: L.MarkerClusterGroup; outlines?: L.FeatureGroup; user?: L.LayerGroup; fitted?: boolean; programmatic?: boolean; area?: string }>({})
  // Callbacks through refs, so new closures from the parent do not rebuild the layers.
  const cb = useRef({ onMarkerTap, onOutlineTap, onMove })
  cb.current = { onMarkerTap, onOutlineTap, onMove }
  const datum = config?.datum ?? 'wgs84'

  useEffect(() => {
    let live = true
    void mapConfig().then((c) => { if (live) setConfig(c) })
    return () => { live = false }
  }, [])

  // The map itself, once the base layer is known.
  useEffect(() => {
    if (config === undefined || !host.current) return
    const start = fromWgs84(center ?? DALIAN, datum)
    const m = L.map(host.current, {
      center: [start.lat, start.lng],
      zoom: zoom ?? 13,
      minZoom: config?.minZoom ?? 3,
      maxZoom: config?.maxZoom ?? 18,
      // No keyboard panning on the container: a focusable region is not something a screen reader can
      // operate. Markers, outlines and the zoom buttons are the keyboard's stops instead.
      keyboard: false,
      attributionControl: true,
    })
    m.attributionControl.setPrefix(false)
    if (config) {
      L.tileLayer(config.tileUrl, {
        subdomains: config.subdomains.length ? config.subdomains : 'abc',
        minZoom: config.minZoom,
        maxZoom: config.maxZoom,
        attribution: escapeHtml(config.attribution),
        // Tiles are pictures of the ground: empty alt keeps them out of the screen reader.
        className: 'city-map__tiles',
      }).addTo(m)
    }
    const markerGroup = L.markerClusterGroup({
      iconCreateFunction: clusterIcon,
      showCoverageOnHover: false,
      maxClusterRadius: 48,
      spiderfyOnMaxZoom: true,
    })
    const outlineGroup = L.featureGroup()
    outlineGroup.addTo(m)
    markerGroup.addTo(m)
    layers.current = { markers: markerGroup, outlines: outlineGroup, fitted: false }
    m.on('moveend', () => {
      if (layers.current.programmatic) { layers.current.programmatic = false; return }
      const c = m.getCenter()
      cb.current.onMove?.(toWgs84FromMap({ lat: c.lat, lng: c.lng }, datum))
    })
    // The zoom buttons are links with symbols: give them Chinese names.
    host.current.querySelector('.leaflet-control-zoom-in')?.setAttribute('aria-label', '放大')
    host.current.querySelector('.leaflet-control-zoom-out')?.setAttribute('aria-label', '缩小')
    host.current.querySelector('.leaflet-control-zoom-in')?.setAttribute('title', '放大')
    host.current.querySelector('.leaflet-control-zoom-out')?.setAttribute('title', '缩小')
    map.current = m
    return () => {
      m.remove()
      map.current = null
      layers.current = {}
    }
  }, [config])

  // A container that changes size (a pane opening, the window) needs Leaflet to measure again.
  useEffect(() => {
    const m = map.current
    if (!m || !host.current || typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(() => m.invalidateSize())
    ro.observe(host.current)
    return () => ro.disconnect()
  }, [config])

  // Outlines.
  useEffect(() => {
    const m = map.current
    const group = layers.current.outlines
    if (!m || !group) return
    group.clearLayers()
    // Another area (the console drilling into a district): show it whole again.
    const area = (outlines ?? []).map((o) => o.code).join(',')
    if (area !== layers.current.area) {
      layers.current.area = area
      if (area) layers.current.fitted = false
    }
    for (const o of outlines ?? []) {
      const st = outlineStyle(o.level)
      const poly = L.polygon(
        polygonsOf(o.geometry, datum).map((rings) => rings.map((ring) => ring.map((p) => [p.lat, p.lng] as [number, number]))),
        {
          color: st.colour,
          weight: o.selected ? st.weight + 2 : st.weight,
          fillColor: st.colour,
          fillOpacity: o.selected ? 0.18 : st.fill,
          interactive: Boolean(cb.current.onOutlineTap),
          className: `city-map__outline city-map__outline--${o.level}${o.selected ? ' city-map__outline--selected' : ''}`,
        },
      )
      poly.bindTooltip(o.name, { sticky: true, direction: 'top' })
      if (cb.current.onOutlineTap) poly.on('click', () => cb.current.onOutlineTap?.(o.code))
      poly.on('add', () => outlineA11y(poly, o))
      group.addLayer(poly)
    }
    fitOnce()
  }, [outlines, datum, config])

  // Markers.
  useEffect(() => {
    const m = map.current
    const group = layers.current.markers
    if (!m || !group) return
    group.clearLayers()
    const list = (markers ?? []).map((mk) => {
      const p = fromWgs84(mk, datum)
      const marker = L.marker([p.lat, p.lng], { icon: markerIcon(mk), keyboard: true, title: markerText(mk), alt: markerText(mk), riseOnHover: true, colour: mk.colour } as L.MarkerOptions)
      marker.on('click', () => cb.current.onMarkerTap?.(mk.id))
      marker.on('keypress', (e: L.LeafletKeyboardEvent) => {
        if (e.originalEvent.key === 'Enter' || e.originalEvent.key === ' ') cb.current.onMarkerTap?.(mk.id)
      })
      return marker
    })
    group.addLayers(list)
    fitOnce()
  }, [markers, datum, config])

  // The caller's own view, when given.
  useEffect(() => {
    const m = map.current
    if (!m || !center) return
    const p = fromWgs84(center, datum)
    const c = m.getCenter()
    if (Math.abs(c.lat - p.lat) < 1e-7 && Math.abs(c.lng - p.lng) < 1e-7 && (zoom === undefined || zoom === m.getZoom())) return
    layers.current.programmatic = true
    m.setView([p.lat, p.lng], zoom ?? m.getZoom())
    layers.current.fitted = true
  }, [center?.lat, center?.lng, zoom, config, recenter])

  // The device's position (the browser's Geolocation API gives WGS-84).
  useEffect(() => {
    const m = map.current
    if (!m || !showUser || typeof navigator === 'undefined' || !navigator.geolocation) return
    const group = L.layerGroup().addTo(m)
    const watch = navigator.geolocation.watchPosition((pos) => {
      const p = fromWgs84({ lat: pos.coords.latitude, lng: pos.coords.longitude }, datum)
      group.clearLayers()
      L.circle([p.lat, p.lng], { radius: Math.min(pos.coords.accuracy, 500), color: '#0958d9', weight: 1, fillOpacity: 0.1, interactive: false }).addTo(group)
      L.circleMarker([p.lat, p.lng], { radius: 7, color: '#fff', weight: 3, fillColor: '#0958d9', fillOpacity: 1, interactive: false, className: 'city-map__user' })
        .bindTooltip('我的位置', { permanent: false })
        .addTo(group)
    }, () => undefined, { enableHighAccuracy: true, maximumAge: 30_000 })
    return () => {
      navigator.geolocation.clearWatch(watch)
      group.remove()
    }
  }, [showUser, datum, config])

  /** With no centre given, show everything drawn the first time there is something to show. */
  function fitOnce(): void {
    const m = map.current
    const { markers: mg, outlines: og } = layers.current
    if (!m || !mg || !og || layers.current.fitted || center) return
    const b = L.latLngBounds([])
    if (og.getLayers().length) b.extend(og.getBounds())
    if (mg.getLayers().length) b.extend(mg.getBounds())
    if (!b.isValid()) return
    layers.current.fitted = true
    layers.current.programmatic = true
    m.fitBounds(b, { padding: [24, 24], maxZoom: zoom ?? 15, animate: false })
  }

  /** An outline that can be tapped is a button for the keyboard and the screen reader too. */
  function outlineA11y(poly: L.Polygon, o: MapOutline): void {
    const el = poly.getElement()
    if (!el) return
    if (!cb.current.onOutlineTap) {
      el.setAttribute('aria-hidden', 'true')
      return
    }
    el.setAttribute('role', 'button')
    el.setAttribute('tabindex', '0')
    el.setAttribute('aria-label', o.selected ? `${o.name}（已选）` : o.name)
    el.addEventListener('keydown', (e) => {
      const k = (e as KeyboardEvent).key
      if (k === 'Enter' || k === ' ') {
        e.preventDefault()
        cb.current.onOutlineTap?.(o.code)
      }
    })
  }

  return (
    <div className='city-map' style={{ height: typeof height === 'number' ? `${height}px` : height }}>
      <div id={id} ref={host} className='city-map__canvas' role='region' aria-label={label} data-datum={datum} />
      {/* Over the panes, under the controls; it takes no pointer events, so the map drags through it. */}
      {centrePin && <div className='city-map__centre-pin' role='img' aria-label={centrePin}><span className='city-map__centre-head' /><span className='city-map__centre-foot' /></div>}
      {config === null && <div className='city-map__note'>底图暂不可用，仅显示区域轮廓和标记</div>}
    </div>
  )
}
