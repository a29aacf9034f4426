// The public view of one case, as the public case page and the tracking page (/t/<token>) both show it
// (issue 13, items 3 and 4): the public steps, the staff's public replies, and the photos staff published
// (处置前 / 处置后; a tap opens the side-by-side comparison).
import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { PhotoDto } from '@finecity/types'
import Tap from '../Tap'
import Lightbox from '../ui/Lightbox'
import { plainTime } from '../../lib/time'
import './index.scss'

type PublicPhoto = { kind: 'before' | 'after'; url: string; thumbUrl: string }

/** The published photos as the Lightbox takes them (it reads the kind and URLs; the id tells them apart). */
export function lightboxPhotos(photos: PublicPhoto[]): { before: PhotoDto[]; after: PhotoDto[] } {
  const all = photos.map((p, i) => ({ id: `p${i}`, kind: p.kind, url: p.url, thumbUrl: p.thumbUrl, width: 0, height: 0 }))
  return { before: all.filter((p) => p.kind === 'before'), after: all.filter((p) => p.kind === 'after') }
}

/** 现场照片: before and after columns of thumbnails (ids `<idPrefix>-photo-p<n>`), and the Lightbox they open. */
export function PublishedPhotos({ photos, idPrefix }: { photos: PublicPhoto[]; idPrefix: string }) {
  const [shown, setShown] = useState<PhotoDto | null>(null)
  const { before, after } = lightboxPhotos(photos)
  const column = (title: string, list: PhotoDto[]) => (
    <View className='before-after__col'>
      <Text className='public-case__sub'>{title}</Text>
      {list.length ? (
        <View className='photo-row'>
          {list.map((p, i) => (
            <Tap key={p.id} id={`${idPrefix}-photo-${p.id}`} className='public-case__photo' label={`${title}照片 ${i + 1}，查看大图`} onTap={() => setShown(p)}>
              <Image className={`thumb thumb--${p.kind}`} src={p.thumbUrl} mode='aspectFill' lazyLoad {...({ 'aria-hidden': 'true', alt: '' } as object)} />
            </Tap>
          ))}
        </View>
      ) : (
        <Text className='muted'>暂无公开照片</Text>
      )}
    </View>
  )
  return (
    <View className='section'>
      <Text className='section-title'>现场照片</Text>
      <View className='card before-after'>
        {column('处置前', before)}
        {column('处置后', after)}
      </View>
      <Lightbox open={!!shown} before={before} after={after} start={shown} onClose={() => setShown(null)} />
    </View>
  )
}

/** 办理进度: the public steps, oldest first, in Beijing time. */
export function PublicTimeline({ steps }: { steps: { title: string; at: string }[] }) {
  return (
    <View className='section'>
      <Text className='section-title'>办理进度</Text>
      <View className='card' role='list' aria-label='办理进度'>
        {steps.map((s, i) => (
          <View key={`${s.title}-${i}`} className='timeline__item' role='listitem'>
            <View className='timeline__dot' aria-hidden='true' />
            <View className='timeline__body'>
              <View className='timeline__head'>
                <Text className='timeline__title'>{s.title}</Text>
                <Text className='muted'>{plainTime(s.at)}</Text>
              </View>
            </View>
          </View>
        ))}
      </View>
    </View>
  )
}

/** The staff's replies marked public, signed as the city's (never a person's name). */
export function PublicReplies({ title, replies }: { title: string; replies: { body: string; at: string }[] }) {
  return (
    <View className='section'>
      <Text className='section-title'>{title}</Text>
      {!replies.length && <Text className='muted'>暂无回复</Text>}
      {replies.map((r, i) => (
        <View key={i} className='card'>
          <Text className='case-view__desc'>{r.body}</Text>
          <Text className='muted'>城市管理部门 · {plainTime(r.at)}</Text>
        </View>
      ))}
    </View>
  )
}
