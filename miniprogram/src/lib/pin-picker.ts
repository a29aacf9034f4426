// The report page's pin picker (issue 13, item 1) as pure logic: where the pin is, what the device said, what
// FineCity's locator said about the pin, and what the page may do next. The page holds one PickerState and
// feeds it the events below; nothing here touches Taro, the network or the clock.
import type { NearbyCaseDto, NearbyQuery, PinPlaceDto } from '@finecity/types'
import type { MapMarker } from '../components/CityMap/types'
import { round6, type LatLng } from './coords'
import { STATE_LABEL } from './labels'

/** Where the map opens when the device gives no position: central Dalian (WGS-84), as the issue asks. */
export const CITY_CENTRE: LatLng = { lat: 38.914, lng: 121.614 }

/** How long the map must rest before the pin's place is looked up (one request per stop, not per frame). */
export const PLACE_DEBOUNCE_MS = 400

/** One press of an arrow button moves the pin this far (about a house front; the map's own view stays put otherwise). */
export const NUDGE_M = 15

export type DeviceState = 'locating' | 'located' | 'denied'
/** checking: a lookup is pending; inside / outside: the locator's answer; unknown: the lookup failed (network). */
export type PlaceState = 'checking' | 'inside' | 'outside' | 'unknown'

export interface PickerState {
  device: DeviceState
  /** Metres, when the device said. */
  accuracy?: number
  /** The pin (the map's centre), WGS-84. */
  pin: LatLng
  place: PlaceState
  /** The place's name (PinPlaceDto.label) when inside. */
  label?: string
  /** The server's refusal when outside, or why the lookup failed. */
  message?: string
  /** Bumped on every pin move: an answer for an older pin is dropped. */
  seq: number
  /**
   * Who put the pin there: the device (a position, or the city centre when none came) is looked up at once;
   * the resident's hand (dragging, the arrow buttons) only once the map has rested (PLACE_DEBOUNCE_MS).
   */
  via: 'device' | 'hand'
  /**
   * Where the page moves the map: to a position found and to an arrow's step; a drag leaves it, since the
   * map is already there. `n` counts the moves, so a second 重新定位 to the same point moves the map back.
   */
  view: { at: LatLng; n: number }
}

export type PickerEvent =
  | { type: 'located'; at: LatLng; accuracy?: number }
  | { type: 'denied' }
  | { type: 'moved'; at: LatLng }
  | { type: 'nudged'; dir: Direction; metres?: number }
  | { type: 'place'; seq: number; place: PinPlaceDto }
  | { type: 'refused'; seq: number; message: string }
  | { type: 'failed'; seq: number; message: string }

export const initialPicker = (): PickerState => ({ device: 'locating', pin: CITY_CENTRE, place: 'checking', seq: 0, via: 'device', view: { at: CITY_CENTRE, n: 0 } })

const samePoint = (a: LatLng, b: LatLng) => round6(a.lat) === round6(b.lat) && round6(a.lng) === round6(b.lng)

/** The picker's one transition function. */
export function pickerReducer(s: PickerState, e: PickerEvent): PickerState {
  switch (e.type) {
    case 'located': {
      const next = { ...s, device: 'located' as const, accuracy: e.accuracy, ...pinAt(s, e.at, 'device') }
      return { ...next, view: { at: next.pin, n: s.view.n + 1 } }
    }
    case 'denied':
      // Keep a pin the resident already placed by hand; else open on the city centre.
      return { ...s, device: 'denied', accuracy: undefined }
    case 'moved':
      return samePoint(s.pin, e.at) ? s : { ...s, ...pinAt(s, e.at, 'hand') }
    case 'nudged': {
      // From the state's own pin, so two quick presses make two steps.
      const next = { ...s, ...pinAt(s, nudge(s.pin, e.dir, e.metres), 'hand') }
      return { ...next, view: { at: next.pin, n: s.view.n } }
    }
    case 'place':
      return e.seq === s.seq ? { ...s, place: 'inside', label: e.place.label, message: undefined } : s
    case 'refused':
      return e.seq === s.seq ? { ...s, place: 'outside', label: undefined, message: e.message } : s
    case 'failed':
      return e.seq === s.seq ? { ...s, place: 'unknown', label: undefined, message: e.message } : s
  }
}

function pinAt(s: PickerState, at: LatLng, via: PickerState['via']): Pick<PickerState, 'pin' | 'place' | 'label' | 'message' | 'seq' | 'via'> {
  return { pin: { lat: round6(at.lat), lng: round6(at.lng) }, place: 'checking', label: undefined, message: undefined, seq: s.seq + 1, via }
}

/**
 * Why the pin cannot be reported yet, or null. A pin the locator refused is refused here too; a pin never
 * placed (still the city centre, with no device position) must be moved first. A failed lookup leaves the
 * decision to the server, which checks every report's point anyway.
 */
export function pinBlocksSubmit(s: PickerState): string | null {
  if (s.place === 'outside') return s.message ?? '该位置不在服务范围内'
  if (s.seq === 0 && s.device === 'locating') return '正在定位，请稍候，或拖动地图选择问题位置'
  if (s.seq === 0 && s.device === 'denied') return '请先拖动地图，把图钉移到问题所在处'
  return null
}

/** The first lookup waits for the device (a position or a refusal): the city centre is not worth asking about while locating. */
export const shouldLookUp = (s: PickerState): boolean => s.seq > 0 || s.device !== 'locating'

/** The nearby query once a category is chosen and the pin is inside the area; else null (nothing to ask). */
export function nearbyQuery(s: PickerState, categoryCode: string): NearbyQuery | null {
  if (!categoryCode || s.place !== 'inside') return null
  return { lat: s.pin.lat, lng: s.pin.lng, categoryCode }
}

/** The line above the map: what the device gave, and what to do. */
export function deviceText(s: PickerState): string {
  if (s.device === 'locating') return '正在获取您的位置…'
  if (s.device === 'denied') return '没能获取您的位置：地图已打开在市中心，请拖动地图或用下方的方向按钮，把图钉移到问题所在处'
  const acc = s.accuracy ? `（精度约 ${Math.round(s.accuracy)} 米）` : ''
  return `已定位到您的位置${acc}，拖动地图让图钉对准问题所在处`
}

/** The line under the map: the pin's place, or why it cannot be used. */
export function placeText(s: PickerState): string {
  switch (s.place) {
    case 'checking': return '正在识别图钉位置…'
    case 'inside': return `图钉位置：${s.label ?? ''}`
    case 'outside': return s.message ?? '该位置不在服务范围内'
    case 'unknown': return '暂时无法识别图钉位置，提交后由系统核对'
  }
}

/** 约 120 米: to 10 m, which is as much as a phone's fix is worth; under 10 m says so. */
export function nearbyDistance(m: number): string {
  if (!Number.isFinite(m) || m < 0) return ''
  if (m < 10) return '不到 10 米'
  if (m >= 1000) return `约 ${(Math.round(m / 100) / 10).toFixed(1)} 公里`
  return `约 ${Math.round(m / 10) * 10} 米`
}

/** 已有 N 人反映: the first reporter and everyone who tapped 我也遇到 (the DTO's supporters leave the reporter out). */
export const reportersText = (supporters: number): string => `已有 ${Math.max(0, supporters) + 1} 人反映`

/** One nearby case in words, for its list row and the screen reader. */
export function nearbyLine(c: Pick<NearbyCaseDto, 'category' | 'distanceM' | 'state' | 'supporters'>): string {
  return `${c.category.name}，${nearbyDistance(c.distanceM)}，${STATE_LABEL[c.state]}，${reportersText(c.supporters)}`
}

export type Direction = 'north' | 'south' | 'east' | 'west'
const METRES_PER_DEGREE_LAT = 111_320

/** The pin moved `metres` towards a compass direction (flat-earth step, fine at tens of metres). */
export function nudge(p: LatLng, dir: Direction, metres = NUDGE_M): LatLng {
  const dLat = metres / METRES_PER_DEGREE_LAT
  const dLng = metres / (METRES_PER_DEGREE_LAT * Math.cos((p.lat * Math.PI) / 180))
  const next = {
    north: { lat: p.lat + dLat, lng: p.lng },
    south: { lat: p.lat - dLat, lng: p.lng },
    east: { lat: p.lat, lng: p.lng + dLng },
    west: { lat: p.lat, lng: p.lng - dLng },
  }[dir]
  return { lat: round6(next.lat), lng: round6(next.lng) }
}

/** A trailing debounce: `fn` runs once, `ms` after the last call, with that call's arguments; `now` runs it at once instead. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { cancel: () => void; now: (...args: A) => void } {
  let timer: ReturnType<typeof setTimeout> | null = null
  const run = (...args: A) => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => {
      timer = null
      fn(...args)
    }, ms)
  }
  const cancel = () => {
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  return Object.assign(run, {
    cancel,
    now: (...args: A) => {
      cancel()
      fn(...args)
    },
  })
}

/** A nearby case as a map marker at its (rounded, WGS-84) point, named as the list names it. */
export function nearbyMarkers(items: NearbyCaseDto[]): MapMarker[] {
  return items.map((c) => ({ id: c.id, lat: c.point.lat, lng: c.point.lng, colour: 'none' as const, label: nearbyLine(c) }))
}
