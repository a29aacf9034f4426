import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { MyPointsDto, PointsKind } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import EmptyState from '../../../../components/ui/EmptyState'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { errorText } from '../../../../services/api'
import { nav, ui } from '../../../../services/platform'
import { residentApi } from '../../../../services/resident-api'
import { readTime } from '../../lib/read-time'
import '../../resident.scss'

const KIND_LABEL: Record<PointsKind, string> = { registered: '上报被受理', first_finder: '首先发现' }
const H2 = { role: 'heading', 'aria-level': 2 } as object

/** 我的积分: totals, what earned them, the rules, and whether I show on the monthly 市民监督员 list. */
export default function MyPointsPage() {
  const user = useRequiredUser('/packages/resident/pages/points/index')
  const { data, setData, error } = useRemote(() => residentApi.myPoints(), !!user)
  return (
    <AppShell title='我的积分' className='resident page--column'>
      {error && <Text className='error'>{error}</Text>}
      {data && (
        <>
          <View className='points__figures'>
            <View className='points__figure'><Text className='muted'>累计积分</Text><Text className='points__num'>{data.total}</Text></View>
            <View className='points__figure'><Text className='muted'>本月积分</Text><Text className='points__num'>{data.month}</Text></View>
          </View>
          <Listing data={data} onChange={setData} />
          <View className='card'>
            <Text className='section-title' {...H2}>积分记录</Text>
            {!data.entries.length && <EmptyState title='还没有积分' hint='上报的问题被受理后就有积分' action={{ label: '去上报', onTap: () => void nav.relaunch('/pages/report/index') }} />}
            {data.entries.map((e) => (
              <View key={`${e.caseId}-${e.kind}`} className='points__entry'>
                <View className='points__entry-main'>
                  <Text>{KIND_LABEL[e.kind]} · {e.category}</Text>
                  <Text className='muted'>{e.caseNo} · {readTime(e.at)}</Text>
                </View>
                <Text className='points__plus'>+{e.points}</Text>
              </View>
            ))}
          </View>
          <Rules rules={data.rules} />
        </>
      )}
    </AppShell>
  )
}

/** 在榜单中显示: on by default; off leaves the public list at once. */
function Listing({ data, onChange }: { data: MyPointsDto; onChange: (d: MyPointsDto) => void }) {
  const [busy, setBusy] = useState(false)
  const listed = !data.optedOut
  const flip = async () => {
    setBusy(true)
    try {
      onChange(await residentApi.setListed(!listed))
      ui.toast(listed ? '已不在榜单中显示' : '已在榜单中显示', 'success')
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card'>
      <Tap id='points-listed' role='switch' selected={listed} disabled={busy} className={`switch-row ${listed ? 'switch-row--on' : ''}`} onTap={() => void flip()}>
        <View className='switch-row__label'>
          <Text className='switch-row__text'>在榜单中显示</Text>
          <Text className='muted'>榜单只显示部分隐藏的昵称，如“张*”</Text>
        </View>
        <View className='switch-row__knob' aria-hidden='true'><Text>{listed ? '开' : '关'}</Text></View>
      </Tap>
      <Tap id='points-ranking' role='link' className='link points__ranking' onTap={() => void nav.to('/packages/public/pages/ranking/index')}>
        <Text>查看本月市民监督员榜单</Text>
      </Tap>
    </View>
  )
}

function Rules({ rules }: { rules: MyPointsDto['rules'] }) {
  return (
    <View className='card'>
      <Text className='section-title' {...H2}>积分规则</Text>
      <Text className='points__rule'>· 您上报的问题被受理（立案），得 {rules.registered} 分。</Text>
      <Text className='points__rule'>· 您是第一个上报这个问题的人，再得 {rules.firstFinder} 分。</Text>
      <Text className='points__rule'>· 不予受理的上报、与他人重复而被合并的上报，不得分。</Text>
      <Text className='points__rule'>· 每月按当月积分排出各区的“市民监督员”榜单。</Text>
    </View>
  )
}
