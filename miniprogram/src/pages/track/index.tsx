import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import type { PhotoDto, TrackingDto } from '@finecity/types'
import AppShell from '../../components/AppShell'
import Tap from '../../components/Tap'
import Lightbox from '../../components/ui/Lightbox'
import { plainTime } from '../../lib/time'
import { nav, requestJson } from '../../services/platform'
import './index.scss'

type State = { kind: 'loading' } | { kind: 'ok'; view: TrackingDto } | { kind: 'missing' } | { kind: 'error'; text: string }

/** The link token: 43 base64url characters (32 random bytes). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** To the app's home page, where anyone can report a problem too (随手拍). */
function Home() {
  return <Tap id='track-home' className='btn btn--ghost btn--block' onTap={() => nav.relaunch('/pages/home/index')}><Text>返回首页</Text></Tap>
}

/** The photos staff published, as the Lightbox takes them (it reads the kind and URLs; the id tells them apart). */
function photosOf(v: TrackingDto): PhotoDto[] {
  return v.photos.map((p, i) => ({ id: `p${i}`, kind: p.kind, url: p.url, thumbUrl: p.thumbUrl, width: 0, height: 0 }))
}

/** 处置前 / 处置后 thumbnails; a tap opens the side-by-side comparison. Nothing when none is published. */
function Photos({ photos, onOpen }: { photos: PhotoDto[]; onOpen: (p: PhotoDto) => void }) {
  if (!photos.length) return null
  const column = (title: string, list: PhotoDto[]) => (
    <View className='before-after__col'>
      <Text className='track__sub'>{title}</Text>
      {list.length ? (
        <View className='photo-row'>
          {list.map((p, i) => (
            <Tap key={p.id} id={`track-photo-${p.id}`} className='track__photo' label={`${title}照片 ${i + 1}，查看大图`} onTap={() => onOpen(p)}>
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
        {column('处置前', photos.filter((p) => p.kind === 'before'))}
        {column('处置后', photos.filter((p) => p.kind === 'after'))}
      </View>
    </View>
  )
}

/**
 * 办理进度查询 (issue 11, item 3): the page a 12319 caller opens from the SMS. It needs no login; the
 * unguessable token in the link is the key, and the page shows only the status, the public steps, the
 * public replies and the photos staff published. Since issue 13 every case's reporter gets such a link
 * (/t/<token>, by SMS or the official account).
 */
export default function Track() {
  const token = useRouter().params.t ?? ''
  const [state, setState] = useState<State>({ kind: 'loading' })
  const [shown, setShown] = useState<PhotoDto | null>(null)

  useLoad(() => {
    if (!TOKEN.test(token)) return setState({ kind: 'missing' })
    requestJson('GET', `/api/v1/track/${token}`).then(
      (res) => {
        if (res.status === 200) setState({ kind: 'ok', view: res.data as TrackingDto })
        else if (res.status === 404) setState({ kind: 'missing' })
        else if (res.status === 429) setState({ kind: 'error', text: '查询过于频繁，请稍后再试' })
        else setState({ kind: 'error', text: '暂时无法查询，请稍后再试' })
      },
      () => setState({ kind: 'error', text: '网络不可用，请稍后再试' }),
    )
  })

  if (state.kind === 'loading') return <AppShell title='办理进度查询' noTabs className='track page--column'><Text className='muted'>查询中…</Text></AppShell>
  if (state.kind === 'missing') {
    return (
      <AppShell title='办理进度查询' noTabs className='track page--column'>
        <View className='card' id='track-missing'>
          <Text className='section-title'>查询链接无效</Text>
          <Text className='muted'>请确认链接与短信中的一致。也可拨打 12319 城管服务热线，报案件编号查询。</Text>
        </View>
        <Home />
      </AppShell>
    )
  }
  if (state.kind === 'error') return <AppShell title='办理进度查询' noTabs className='track page--column'><View className='error' role='alert'>{state.text}</View></AppShell>
  const v = state.view
  const photos = photosOf(v)
  return (
    <AppShell title='办理进度查询' noTabs className='track page--column'>
      <View className='card' id='track-summary'>
        <Text className='muted'>案件编号</Text>
        <Text className='case-view__title' id='track-caseno'>{v.caseNo}</Text>
        <View className='row'>
          <Text className='chip chip--blue' id='track-status'>{v.statusText}</Text>
        </View>
        <Text className='case-view__desc'>问题类别：{v.categoryName}</Text>
        <Text className='muted'>位置：{v.place}</Text>
      </View>
      <View className='section'>
        <Text className='section-title'>办理进度</Text>
        <View className='card' role='list' aria-label='办理进度'>
          {v.timeline.map((s, i) => (
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
      <View className='section'>
        <Text className='section-title'>回复</Text>
        {!v.replies.length && <Text className='muted'>暂无回复</Text>}
        {v.replies.map((r, i) => (
          <View key={i} className='card'>
            <Text className='case-view__desc'>{r.body}</Text>
            <Text className='muted'>城市管理部门 · {plainTime(r.at)}</Text>
          </View>
        ))}
      </View>
      <Photos photos={photos} onOpen={setShown} />
      <View className='section'><Text className='muted'>如有疑问，请拨打 12319 城管服务热线。</Text></View>
      <Home />
      <Lightbox open={!!shown} before={photos.filter((p) => p.kind === 'before')} after={photos.filter((p) => p.kind === 'after')} start={shown} onClose={() => setShown(null)} />
    </AppShell>
  )
}
