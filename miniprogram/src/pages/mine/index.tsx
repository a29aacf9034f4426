import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CaseState } from '@finecity/types'
import AppShell from '../../components/AppShell'
import CaseCard from '../../components/CaseCard'
import Tap from '../../components/Tap'
import { useRemote } from '../../hooks/use-remote'
import { useRequiredUser } from '../../hooks/use-session'
import EmptyState from '../../components/ui/EmptyState'
import { ROLE_LABEL } from '../../lib/labels'
import { api } from '../../services/api'
import { session } from '../../services/session'
import './index.scss'
import PendingReports from '../../components/PendingReports'
import { shellKind } from '../../components/AppShell'
import { care, nav } from '../../services/platform'

const FILTERS: { key: string; label: string; states?: CaseState[] }[] = [
  { key: 'all', label: '全部' },
  { key: 'open', label: '处理中', states: ['submitted', 'registered', 'dispatched', 'in_progress', 'handled', 'suspended'] },
  { key: 'closed', label: '已办结', states: ['closed'] },
  { key: 'other', label: '未受理/合并', states: ['rejected', 'merged'] },
]

export default function Mine() {
  const user = useRequiredUser('/pages/mine/index')
  const [filter, setFilter] = useState('all')
  const states = FILTERS.find((f) => f.key === filter)?.states
  const { data, error } = useRemote(() => api.listCases({ mine: true, state: states, pageSize: 50 }), !!user, [filter])
  // A resident's own account pages; staff accounts are the city's (the server answers them 403).
  const resident = shellKind(user) === 'resident'

  return (
    <AppShell title='我的' tab='mine' className='mine page--column'>
      {user && (
        <View className='card mine__account'>
          <View className='mine__who'>
            <Text className='mine__name'>{user.name}</Text>
            <Text className='muted'>{user.roles.map((r) => ROLE_LABEL[r]).join('、')}</Text>
          </View>
          <Tap id='mine-logout' className='link' onTap={() => { session.logout(); void nav.relaunch('/pages/login/index') }}><Text>切换账号</Text></Tap>
        </View>
      )}
      {user && <MineMenu resident={resident} />}
      <Text className='section-title'>我的上报</Text>
      <View className='chips' role='tablist' aria-label='按状态筛选'>
        {FILTERS.map((f) => (
          <Tap key={f.key} id={`filter-${f.key}`} className={`chip chip--choice ${f.key === filter ? 'chip--on' : ''}`} role='tab' selected={f.key === filter} onTap={() => setFilter(f.key)}><Text>{f.label}</Text></Tap>
        ))}
      </View>
      <PendingReports />
      {error && <Text className='error'>{error}</Text>}
      {data && !data.items.length && (filter === 'all'
        ? <EmptyState title='还没有上报' hint='发现身边的城市管理问题，拍张照片就能上报' action={{ label: '去上报', onTap: () => void nav.relaunch('/pages/report/index') }} />
        : <EmptyState title='没有符合条件的上报' hint='换个状态看看' />)}
      {data?.items.map((c) => <CaseCard key={c.id} c={c} forResident onOpen={(x) => nav.to(`/pages/case/index?id=${x.id}`)} />)}
    </AppShell>
  )
}

/** 我的积分, 我的数据, the privacy guide, and the 关怀模式 switch (applied at once, kept on this device). */
function MineMenu({ resident }: { resident: boolean }) {
  const [caring, setCaring] = useState(care.on())
  const flip = () => {
    care.set(!caring)
    setCaring(!caring)
  }
  const link = (id: string, text: string, url: string) => (
    <Tap id={id} role='link' className='mine-menu__item' onTap={() => void nav.to(url)}>
      <Text className='mine-menu__text'>{text}</Text>
      <View className='mine-menu__chevron' aria-hidden='true' />
    </Tap>
  )
  return (
    <View className='card mine-menu'>
      {resident && link('mine-points', '我的积分', '/packages/resident/pages/points/index')}
      {resident && link('mine-data', '我的数据', '/packages/resident/pages/data/index')}
      {link('mine-privacy', '隐私保护指引', '/pages/privacy/index')}
      <Tap id='care-switch' role='switch' selected={caring} className={`mine-menu__item switch-row ${caring ? 'switch-row--on' : ''}`} onTap={flip}>
        <View className='switch-row__label'>
          <Text className='switch-row__text'>关怀模式</Text>
          <Text className='muted'>大字体、高对比度</Text>
        </View>
        <View className='switch-row__knob' aria-hidden='true'><Text>{caring ? '开' : '关'}</Text></View>
      </Tap>
    </View>
  )
}
