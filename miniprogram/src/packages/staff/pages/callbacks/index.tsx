import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { has } from '../../../../lib/roles'
import { shortTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { ui, windowWidth } from '../../../../services/platform'
import { channelsApi, type CallbackDto } from '../../channels-api'
import ChannelNav, { Pager } from '../../ChannelNav'
import '../../channels.scss'

const PAGE_SIZE = 20

function Row({ c, onRetried }: { c: CallbackDto; onRetried: () => void }) {
  const [busy, setBusy] = useState(false)
  const retry = async () => {
    setBusy(true)
    try {
      await channelsApi.retryCallback(c.id)
      ui.toast('已重新发送', 'success')
      onRetried()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card' id={`callback-${c.id}`}>
      <View className='hotline__item-head'>
        <Text className='case-card__title'>{c.caseNo}</Text>
        <Text className='chip chip--orange'>{c.statusText}</Text>
      </View>
      <View className='hotline__meta'>
        <Text>{c.channelName}</Text>
        {c.eventText && <Text>{c.eventText}</Text>}
        <Text>已尝试 {c.attempts} 次</Text>
        <Text>最近 {shortTime(c.lastAttemptAt ?? c.createdAt)}</Text>
      </View>
      {c.lastError && <Text className='callback__error'>{c.lastError}</Text>}
      <Tap id={`retry-${c.id}`} className='btn btn--ghost' disabled={busy} label={`重试：${c.caseNo}`} onTap={retry}><Text>{busy ? '重试中…' : '重试'}</Text></Tap>
    </View>
  )
}

/** Status callbacks to partner platforms that kept failing (issue 11, item 2); a retry starts them again. */
export default function Callbacks() {
  const user = useRequiredUser('/packages/staff/pages/callbacks/index')
  const allowed = has(user, ['city', 'district', 'admin'])
  const [page, setPage] = useState(1)
  const list = useRemote(() => channelsApi.failedCallbacks(page), allowed, [page])
  const wide = windowWidth() >= 960
  if (!user) return <View className='page' />
  return (
    <AppShell title='回调失败' className={`callbacks ${wide ? 'channels--wide' : ''}`}>
      <ChannelNav current='callbacks' user={user} />
      {!allowed && <Text className='error'>仅市、区平台可查看渠道回调</Text>}
      {allowed && (
        <View className='channels__main'>
          <Text className='section-title'>回调失败{list.data ? `（共 ${list.data.total} 条）` : ''}</Text>
          <Text className='muted'>向 12345、民意网等渠道回传办理状态多次失败的记录。确认对方系统恢复后可重试。</Text>
          {list.error && <Text className='error'>{list.error}</Text>}
          {list.data && !list.data.items.length && <Text className='muted' id='callbacks-empty'>没有回调失败的记录</Text>}
          {list.data?.items.map((c) => <Row key={c.id} c={c} onRetried={() => void list.reload()} />)}
          {list.data && <Pager page={page} pages={Math.ceil(list.data.total / PAGE_SIZE)} onPage={setPage} />}
        </View>
      )}
    </AppShell>
  )
}
