import { Image, Text, View } from '@tarojs/components'
import type { CaseEventDto, PhotoDto } from '@finecity/types'
import { actorLine, checkInLine, eventCheckIn, eventTitle } from '../../lib/labels'
import { shortTime } from '../../lib/time'
import Tap from '../Tap'

// The thumbnail is the picture inside a named button ("上报照片 1"): no second name for it (alt="").
const DECORATIVE = process.env.TARO_ENV === 'h5' ? { nativeProps: { alt: '' } } : {}

export function PhotoRow({ photos, onPreview }: { photos: PhotoDto[]; onPreview: (p: PhotoDto) => void }) {
  if (!photos.length) return null
  return (
    <View className='photo-row'>
      {photos.map((p, i) => (
        <Tap key={p.id} className='photo-row__item' label={`${p.kind === 'after' ? '处置后' : '上报'}照片 ${i + 1}`} onTap={() => onPreview(p)}>
          <Image className={`thumb thumb--${p.kind}`} src={p.thumbUrl} mode='aspectFill' lazyLoad {...DECORATIVE} />
        </Tap>
      ))}
    </View>
  )
}

/** The on-site check-in the server recorded with a sign or handle event. */
function CheckIn({ e }: { e: CaseEventDto }) {
  const c = eventCheckIn(e)
  if (!c) return null
  return <Text className={`timeline__checkin ${c.onSite ? '' : 'timeline__checkin--away'}`}>{checkInLine(c)}</Text>
}

/** Every event, oldest first, with its photos (before photos on "上报", after photos on "处置"). */
export default function Timeline({ events, onPreview, forResident = false }: { events: CaseEventDto[]; onPreview: (p: PhotoDto) => void; forResident?: boolean }) {
  return (
    <View className='timeline' role='list'>
      {events.map((e) => (
        <View key={e.seq} className={`timeline__item timeline__item--${e.action}`} role='listitem'>
          <View className='timeline__dot' />
          <View className='timeline__body'>
            <View className='timeline__head'>
              <Text className='timeline__title'>{eventTitle(e)}</Text>
              <Text className='muted'>{shortTime(e.at)}</Text>
            </View>
            <Text className='muted'>{actorLine(e)}</Text>
            {e.note && <Text className='timeline__note'>{e.note}</Text>}
            {/* The inspector's check-in distance is staff work, not the resident's business. */}
            {!forResident && <CheckIn e={e} />}
            <PhotoRow photos={e.photos} onPreview={onPreview} />
          </View>
        </View>
      ))}
    </View>
  )
}
