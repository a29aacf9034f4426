import type { DueColour, MapGeometryDto, OrgLevel } from '@finecity/types'
import type { LatLng } from '../../lib/coords'

/** A point on the map, in WGS-84 (the API's datum); each platform converts for its own map. */
export interface MapMarker {
  id: string
  lat: number
  lng: number
  /** The case's SLA colour; 'none' for a case without a running clock or a non-case marker. */
  colour: DueColour | 'none'
  /** What the marker is, in words (the screen reader's and the callout's text). */
  label: string
}

/** A grid, community or street outline (GeoJSON geometry, WGS-84 [lng, lat]). */
export interface MapOutline {
  code: string
  name: string
  level: OrgLevel
  geometry: MapGeometryDto
  selected?: boolean
}

export interface CityMapProps {
  id: string
  /** The map's accessible name, e.g. "待派遣案件地图". */
  label: string
  center?: LatLng
  zoom?: number
  markers?: MapMarker[]
  outlines?: MapOutline[]
  /** Show the device's position. */
  showUser?: boolean
  /** CSS height, e.g. '100%' in a desk pane or 300 (px) on a phone. */
  height?: number | string
  onMarkerTap?: (id: string) => void
  onOutlineTap?: (code: string) => void
  /** The map's centre after the user moved it (pin picker, residents issue). */
  onMove?: (centre: LatLng) => void
  /**
   * A fixed pin drawn over the map's centre (the pin picker: the map moves under it, the centre is the pin);
   * the text is its name for assistive technology, e.g. "问题位置图钉".
   */
  centrePin?: string
  /** Bump to move the view to `center` again even when `center` itself did not change (e.g. 回到我的位置). */
  recenter?: number
}
