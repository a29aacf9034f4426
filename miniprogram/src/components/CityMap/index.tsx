import { Text, View } from '@tarojs/components'
import Tap from '../Tap'
import { SLA_STYLE, markerText } from './sla'
import type { CityMapProps } from './types'

export type { CityMapProps, MapMarker, MapOutline } from './types'

/**
 * The default that TypeScript and the unit tests resolve. Taro's build takes `index.h5.tsx` (Leaflet) for
 * TARO_ENV=h5 and `index.weapp.tsx` (WeChat's <map>) for weapp instead ("统一接口的多端文件",
 * https://docs.taro.zone/docs/envs), so Leaflet never enters the weapp bundle. Elsewhere the map is a plain
 * list of its markers and outlines, with the same props and taps.
 */
export default function CityMap({ id, label, markers, outlines, onMarkerTap, onOutlineTap }: CityMapProps) {
  return (
    <View id={id} className='city-map city-map--list' role='region' aria-label={label}>
      {(markers ?? []).map((m) => (
        <Tap key={m.id} className={`city-map__item city-map__item--${m.colour}`} onTap={() => onMarkerTap?.(m.id)}>
          <Text aria-hidden>{SLA_STYLE[m.colour].glyph} </Text>
          <Text>{markerText(m)}</Text>
        </Tap>
      ))}
      {(outlines ?? []).map((o) => (
        <Tap key={o.code} className='city-map__item' onTap={() => onOutlineTap?.(o.code)}>{o.name}</Tap>
      ))}
    </View>
  )
}
