import { Text, View } from '@tarojs/components'
import { useEffect, useState, type ReactNode } from 'react'
import { useRouter } from '@tarojs/taro'
import type { PublicCaseDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { PublicReplies, PublicTimeline, PublishedPhotos } from '../../../../components/PublicCase'
import { plainTime } from '../../../../lib/time'
import { ApiError, errorText } from '../../../../services/api'
import { nav } from '../../../../services/platform'
import { PUBLIC_HOME, STATUS_LABEL, publicApi, reportersText } from '../../api'
import './index.scss'

type State = { kind: 'loading' } | { kind: 'ok'; c: PublicCaseDto } | { kind: 'missing' } | { kind: 'error'; text: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function Links() {
  return (
    <View className='pubcase__links'>
      <Tap id='pubcase-public' className='btn btn--ghost' onTap={() => void nav.to(PUBLIC_HOME)}><Text>查看更多公开案件</Text></Tap>
      <Tap id='pubcase-report' className='btn btn--primary' onTap={() => void nav.to('/pages/report/index')}><Text>我也要随手拍</Text></Tap>
    </View>
  )
}

/**
 * 案件公开信息 (issue 13, item 3): one registered case as anyone may see it: category, place (the street
 * only for a report made anonymously), status, the public steps and replies, the photos staff published and
 * how many people reported it. Never the reporter.
 */
export default function PublicCase() {
  const id = useRouter().params.id ?? ''
  const [state, setState] = useState<State>({ kind: 'loading' })

  useEffect(() => {
    if (!UUID.test(id)) return setState({ kind: 'missing' })
    publicApi.one(id).then(
      (c) => setState({ kind: 'ok', c }),
      (err) => setState(err instanceof ApiError && err.status === 404 ? { kind: 'missing' } : { kind: 'error', text: errorText(err) }),
    )
  }, [id])

  const frame = (body: ReactNode) => <AppShell title='案件公开信息' className='pubcase page--column'>{body}</AppShell>
  if (state.kind === 'loading') return frame(<Text className='muted'>正在加载…</Text>)
  if (state.kind === 'missing') {
    return frame(
      <>
        <View className='card' id='pubcase-missing'>
          <Text className='section-title'>案件不存在或尚未公开</Text>
          <Text className='muted'>案件受理后才会公开。请从公开地图或列表中查看。</Text>
        </View>
        <Links />
      </>,
    )
  }
  if (state.kind === 'error') return frame(<><View className='error' role='alert'>{state.text}</View><Links /></>)
  const c = state.c
  return frame(
    <>
      <View className='card' id='pubcase-summary'>
        <View className='pubcase__head'>
          <Text className='case-view__title' id='pubcase-category'>{c.category.name}</Text>
          <Text className={`chip ${c.open ? 'chip--orange' : 'chip--green'}`}>{c.open ? STATUS_LABEL.open : STATUS_LABEL.closed}</Text>
        </View>
        <Text className='pubcase__status' id='pubcase-status'>{c.statusText}</Text>
        <Text className='pubcase__line'>位置：{c.place}</Text>
        <Text className='pubcase__line'>上报时间：{plainTime(c.reportedAt)}</Text>
        <Text className='pubcase__line' id='pubcase-supporters'>{reportersText(c.supporters)}</Text>
        {c.description && <Text className='case-view__desc pubcase__desc'>{c.description}</Text>}
      </View>
      <PublishedPhotos photos={c.photos} idPrefix='pubcase' />
      <PublicTimeline steps={c.timeline} />
      <PublicReplies title='部门回复' replies={c.replies} />
      <Links />
    </>,
  )
}
