// WeChat's <map> and getLocation({type:'gcj02'}) use GCJ-02 (the Chinese "Mars" datum); the API wants
// WGS-84. The converter is the shared one in @finecity/types (the server uses the same copy); this module
// keeps the mini-program's import path and its 6-decimal rounding of points sent to the API.
import { gcj02ToWgs84 as gcjToWgs, type LatLng } from '@finecity/types'

export { fromWgs84, toWgs84FromMap, wgs84ToGcj02 } from '@finecity/types'
export type { LatLng, MapDatum } from '@finecity/types'

export const round6 = (n: number): number => Math.round(n * 1e6) / 1e6

/** A GCJ-02 point (WeChat's map, getLocation) in WGS-84, rounded to 6 decimals (about 0.1 m) for the API. */
export function gcj02ToWgs84(p: LatLng): LatLng {
  const w = gcjToWgs(p)
  return { lat: round6(w.lat), lng: round6(w.lng) }
}
