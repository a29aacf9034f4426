// 导航: open the case's place in a map app. WeChat's own map takes GCJ-02 (wx.openLocation,
// https://developers.weixin.qq.com/miniprogram/dev/api/location/wx.openLocation.html); on H5 a link to Amap's URI
// API marks the point (https://lbs.amap.com/api/uri-api/guide/mobile-web/point: position=lng,lat,
// coordinate=gaode for GCJ-02, callnative=1 offers the Amap app on a phone). The API's points are WGS-84.
import Taro from '@tarojs/taro'
import { Text } from '@tarojs/components'
import type { CaseDto } from '@finecity/types'
import Tap from '../../components/Tap'
import { round6, wgs84ToGcj02, type LatLng } from '../../lib/coords'
import { errorText } from '../../services/api'
import { IS_H5, ui } from '../../services/platform'
import './navigate.scss'

/** The case's place in GCJ-02, 6 decimals (about 0.1 m). */
export function siteGcj02(c: Pick<CaseDto, 'location'>): LatLng {
  const g = wgs84ToGcj02({ lat: c.location.lat, lng: c.location.lng })
  return { lat: round6(g.lat), lng: round6(g.lng) }
}

/** What the map app shows as the place's name. */
export const siteName = (c: Pick<CaseDto, 'caseNo' | 'category' | 'location'>) => c.location.address || `${c.category.name}（${c.caseNo}）`

/** Amap's marker URI for the case (H5). */
export function amapMarkerUrl(c: Pick<CaseDto, 'caseNo' | 'category' | 'location'>): string {
  const g = siteGcj02(c)
  return `https://uri.amap.com/marker?position=${g.lng},${g.lat}&name=${encodeURIComponent(siteName(c))}&src=finecity&coordinate=gaode&callnative=1`
}

/** weapp: WeChat's map at the place, from which the inspector picks a navigation app. */
export async function openLocation(c: CaseDto): Promise<void> {
  const g = siteGcj02(c)
  try {
    await Taro.openLocation({ latitude: g.lat, longitude: g.lng, name: siteName(c), address: c.location.address ?? '', scale: 17 })
  } catch (err) {
    ui.toast(`无法打开地图：${errorText(err)}`)
  }
}

/**
 * The 导航 control, id `nav-<caseId>`: on H5 a real link (new tab) to the map app, so its target is visible and
 * testable; in the weapp a button that opens WeChat's map.
 */
export function NavButton({ c, className }: { c: CaseDto; className?: string }) {
  const label = `导航到${siteName(c)}`
  if (IS_H5) {
    return (
      <a id={`nav-${c.id}`} className={`btn btn--ghost nav-link ${className ?? ''}`} href={amapMarkerUrl(c)} target='_blank' rel='noopener noreferrer' aria-label={label}>
        导航
      </a>
    )
  }
  return (
    <Tap id={`nav-${c.id}`} className={`btn btn--ghost ${className ?? ''}`} label={label} onTap={() => void openLocation(c)}>
      <Text>导航</Text>
    </Tap>
  )
}
