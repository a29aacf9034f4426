import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { PARTNER_CHANNEL_LABELS, type PartnerChannel } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { has } from '../../../../lib/roles'
import { shortTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { ui, windowWidth } from '../../../../services/platform'
import { channelsApi, type UnlocatedCaseDto } from '../../channels-api'
import ChannelNav, { Pager } from '../../ChannelNav'
import PlacePicker, { type PickedPlace } from '../../components/PlacePicker'
import '../../channels.scss'

const PAGE_SIZE = 20

/** Where the ticket came from, for people: 12345 市长热线, 12319 城管服务热线, 民意网 … */
function channelText(c: UnlocatedCaseDto): string {
  if (c.channelName) return c.channelName
  const id = c.channel ?? ''
  if (id in PARTNER_CHANNEL_LABELS) return PARTNER_CHANNEL_LABELS[id as PartnerChannel]
  if (id.startsWith('tp-')) return '第三方巡查公司'
  if (id === 'open311') return '开放接口'
  return '其他渠道'
}

function Row({ c, onLocated }: { c: UnlocatedCaseDto; onLocated: () => void }) {
  const [open, setOpen] = useState(false)
  const [place, setPlace] = useState<PickedPlace | null>(null)
  const [busy, setBusy] = useState(false)
  const locate = async () => {
    if (!place) return ui.toast('请先选择地点或输入坐标')
    setBusy(true)
    try {
      await channelsApi.locate(c.caseId, place.point)
      ui.toast('已定位', 'success')
      onLocated()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card' id={`unlocated-${c.caseNo}`}>
      <View className='hotline__item-head'>
        <Text className='case-card__title'>{c.caseNo}</Text>
        <Text className='chip chip--orange'>待定位</Text>
      </View>
      <Text className='unlocated__address'>地址：{c.address || '（来件未写地址）'}</Text>
      <Text className='unlocated__content'>{c.content}</Text>
      <View className='hotline__meta'>
        <Text>来自 {channelText(c)}</Text>
        <Text>收到 {shortTime(c.receivedAt ?? c.createdAt)}</Text>
      </View>
      {open ? (
        <View className='section'>
          <PlacePicker id={`place-${c.caseNo}`} value={place} onChange={setPlace} emptyText='请按地址选择所在的街道、社区或网格' />
          <View className='row'>
            <Tap className='btn btn--ghost' onTap={() => setOpen(false)}><Text>取消</Text></Tap>
            <Tap id={`locate-${c.caseNo}`} className='btn btn--primary' disabled={busy || !place} onTap={locate}><Text>{busy ? '定位中…' : '定位'}</Text></Tap>
          </View>
        </View>
      ) : (
        <Tap id={`open-${c.caseNo}`} className='btn btn--ghost' label={`确定位置：${c.caseNo}`} onTap={() => setOpen(true)}><Text>确定位置</Text></Tap>
      )}
    </View>
  )
}

/**
 * 待定位 (issue 11, item 1): tickets whose address matched no place wait at the city platform. The
 * dispatcher picks the place (区 → 街道 → 社区 → 网格, or coordinates) and the case is routed like any other.
 */
export default function Unlocated() {
  const user = useRequiredUser('/packages/staff/pages/unlocated/index')
  const allowed = has(user, ['city', 'district'])
  const [page, setPage] = useState(1)
  const list = useRemote(() => channelsApi.unlocated(page), allowed, [page])
  const wide = windowWidth() >= 960
  if (!user) return <View className='page' />
  return (
    <AppShell title='待定位' className={`unlocated ${wide ? 'channels--wide' : ''}`}>
      <ChannelNav current='unlocated' user={user} />
      {!allowed && <Text className='error'>仅市、区平台调度员可处理待定位案件</Text>}
      {allowed && (
        <View className='channels__main'>
          <Text className='section-title'>待定位案件{list.data ? `（共 ${list.data.total} 件）` : ''}</Text>
          <Text className='muted'>外部渠道来件的地址未能匹配到具体位置。请根据地址选择所在社区或网格，或在“高级”中输入坐标。</Text>
          {list.error && <Text className='error'>{list.error}</Text>}
          {list.data && !list.data.items.length && <Text className='muted' id='unlocated-empty'>没有待定位的案件</Text>}
          {list.data?.items.map((c) => <Row key={c.caseId} c={c} onLocated={() => void list.reload()} />)}
          {list.data && <Pager page={page} pages={Math.ceil(list.data.total / PAGE_SIZE)} onPage={setPage} />}
        </View>
      )}
    </AppShell>
  )
}
