import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import type { TrackingDto } from '@finecity/types'
import AppShell from '../../components/AppShell'
import Tap from '../../components/Tap'
import { PublicReplies, PublicTimeline, PublishedPhotos } from '../../components/PublicCase'
import { nav, requestJson } from '../../services/platform'

type State = { kind: 'loading' } | { kind: 'ok'; view: TrackingDto } | { kind: 'missing' } | { kind: 'error'; text: string }

/** The link token: 43 base64url characters (32 random bytes). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/

/** To the app's home page, where anyone can report a problem too (随手拍). */
function Home() {
  return <Tap id='track-home' className='btn btn--ghost btn--block' onTap={() => nav.relaunch('/pages/home/index')}><Text>返回首页</Text></Tap>
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
      <PublicTimeline steps={v.timeline} />
      <PublicReplies title='回复' replies={v.replies} />
      {v.photos.length > 0 && <PublishedPhotos photos={v.photos} idPrefix='track' />}
      <View className='section'><Text className='muted'>如有疑问，请拨打 12319 城管服务热线。</Text></View>
      <Home />
    </AppShell>
  )
}
