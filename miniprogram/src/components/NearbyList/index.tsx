import { Image, Text, View } from '@tarojs/components'
import type { NearbyCaseDto } from '@finecity/types'
import { nearbyDistance, nearbyLine, reportersText } from '../../lib/pin-picker'
import { STATE_LABEL } from '../../lib/labels'
import Tap from '../Tap'
import './index.scss'

interface Props {
  items: NearbyCaseDto[]
  /** The duplicate rule's distance (metres) and window (hours) the list was drawn with. */
  distanceM: number
  windowHours: number
  /** The case whose 我也遇到 is being sent. */
  busyId: string | null
  onFollow: (c: NearbyCaseDto) => void
  onOpen: (c: NearbyCaseDto) => void
}

/**
 * "Someone already reported this" (issue 13, item 2): open cases of the chosen category near the pin, with
 * 我也遇到 to follow one instead of reporting it again. Public fields only: category, distance, state, a
 * published thumbnail, how many people reported it.
 */
export default function NearbyList({ items, distanceM, windowHours, busyId, onFollow, onOpen }: Props) {
  if (!items.length) return null
  return (
    <View id='nearby' className='card nearby' role='region' aria-label='附近已有人反映的同类问题'>
      <Text className='section-title'>附近已有人反映（{items.length}）</Text>
      <Text className='muted'>{distanceM} 米内、{windowDays(windowHours)}内的同类问题。是同一处问题就点“我也遇到”，办理进展会通知您；不是的话，照常提交即可。</Text>
      <View role='list' className='nearby__list'>
        {items.map((c) => (
          <View key={c.id} role='listitem' className='nearby__item'>
            {/* The thumbnail is the same as the words beside it: hidden from screen readers. */}
            <View className='nearby__thumb' aria-hidden='true'>
              {c.thumbUrl ? <Image className='nearby__img' src={c.thumbUrl} mode='aspectFill' /> : <Text className='nearby__noimg'>暂无公开照片</Text>}
            </View>
            <View className='nearby__body'>
              <Text className='nearby__title'>{c.category.name}</Text>
              <Text className='nearby__meta'>{nearbyDistance(c.distanceM)} · {STATE_LABEL[c.state]}</Text>
              <Text className='nearby__meta'>{reportersText(c.supporters)}</Text>
            </View>
            {c.following ? (
              <Tap id={`nearby-open-${c.id}`} className='btn btn--ghost nearby__btn' label={`查看进展：${nearbyLine(c)}`} onTap={() => onOpen(c)}>
                <Text>查看进展</Text>
              </Tap>
            ) : (
              <Tap id={`follow-${c.id}`} className='btn btn--primary nearby__btn' label={`我也遇到：${nearbyLine(c)}`} disabled={busyId !== null} onTap={() => onFollow(c)}>
                <Text>{busyId === c.id ? '提交中…' : '我也遇到'}</Text>
              </Tap>
            )}
          </View>
        ))}
      </View>
    </View>
  )
}

/** 72 小时 → 3 天; what people say. */
const windowDays = (h: number) => (h % 24 === 0 ? `${h / 24} 天` : `${h} 小时`)
