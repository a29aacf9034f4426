import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import AppShell from '../../../../components/AppShell'
import EmptyState from '../../../../components/ui/EmptyState'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { residentApi } from '../../../../services/resident-api'
import { beijingMonth } from '../../../../lib/time'
import { monthLabel, shiftMonth } from './month'
import './index.scss'

const H2 = { role: 'heading', 'aria-level': 2 } as object

/** The monthly 市民监督员 list per district (no login): masked nicknames and points, a month switcher. */
export default function RankingPage() {
  const { params } = useRouter()
  const now = beijingMonth()
  const [month, setMonth] = useState(/^\d{4}-\d{2}$/.test(params.month ?? '') && params.month! <= now ? params.month! : now)
  const [district, setDistrict] = useState('all')
  const { data, error } = useRemote(() => residentApi.topReporters(month), true, [month])
  const pickMonth = (m: string) => { setMonth(m); setDistrict('all') }
  // Districts with someone on the list this month: the chips to choose from, and what is shown.
  const listed = data?.districts.filter((d) => d.rows.length) ?? []
  const shown = listed.filter((d) => district === 'all' || d.districtCode === district)
  return (
    <AppShell title='市民监督员榜' className='ranking page--column'>
      <View className='card ranking__months'>
        <Tap id='month-prev' className='btn btn--ghost ranking__step' onTap={() => pickMonth(shiftMonth(month, -1))}><Text>上个月</Text></Tap>
        <Text className='ranking__month' aria-live='polite'>{monthLabel(month)}</Text>
        <Tap id='month-next' className='btn btn--ghost ranking__step' disabled={month >= now} onTap={() => pickMonth(shiftMonth(month, 1))}><Text>下个月</Text></Tap>
      </View>
      {listed.length > 1 && (
        <View className='chips' role='tablist' aria-label='选择区'>
          {[{ districtCode: 'all', districtName: '全部' }, ...listed].map((d) => (
            <Tap key={d.districtCode} id={`district-${d.districtCode}`} role='tab' selected={d.districtCode === district}
              className={`chip chip--choice ${d.districtCode === district ? 'chip--on' : ''}`} onTap={() => setDistrict(d.districtCode)}>
              <Text>{d.districtName}</Text>
            </Tap>
          ))}
        </View>
      )}
      {data && <Text className='muted'>按当月上报被受理的积分排名，昵称部分隐藏；不愿上榜的市民不显示。</Text>}
      {error && <Text className='error'>{error}</Text>}
      {data && !listed.length && <EmptyState title={`${monthLabel(month)}还没有上榜的市民监督员`} hint='上报的问题被受理后即可获得积分' />}
      {shown.map((d) => (
        <View key={d.districtCode} className='card'>
          <Text className='section-title' {...H2}>{d.districtName}</Text>
          <View role='list'>
            {d.rows.map((r) => (
              <View key={`${r.rank}-${r.nickname}`} className='ranking__row' role='listitem'>
                <Text className={`ranking__rank ${r.rank <= 3 ? 'ranking__rank--top' : ''}`}>{r.rank}</Text>
                <Text className='ranking__name'>{r.nickname}</Text>
                <Text className='ranking__points'>{r.points} 分</Text>
              </View>
            ))}
          </View>
        </View>
      ))}
    </AppShell>
  )
}
