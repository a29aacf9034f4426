import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import type { CaseDto, UserDto } from '@finecity/types'
import AppShell from '../../components/AppShell'
import CaseCard from '../../components/CaseCard'
import Tap from '../../components/Tap'
import { ROLE_LABEL } from '../../lib/labels'
import { isAdmin, isHandler, isLeader, isOperator, patrols, usesConsole } from '../../lib/roles'
import { api } from '../../services/api'
import { flushOutbox, outbox } from '../../services/outbox'
import { nav } from '../../services/platform'
import { session } from '../../services/session'

const NOTICES = [
  '大连标准：简易问题 24 小时内办结，复杂问题 72 小时内办结。',
  '上报时请拍清问题全貌，并确认定位准确，便于网格员快速到场。',
]

export default function Home() {
  const [user, setUser] = useState<UserDto | null>(null)
  const [recent, setRecent] = useState<CaseDto[]>([])
  const [pending, setPending] = useState(0)

  useDidShow(() => {
    const u = session.user()
    setUser(u)
    setPending(outbox.list().length)
    if (!u) return
    void flushOutbox().then(() => setPending(outbox.list().length))
    api.listCases({ mine: true, pageSize: 3 }).then((p) => setRecent(p.items), () => setRecent([]))
  })

  const open = (c: CaseDto) => nav.to(`/pages/case/index?id=${c.id}`)
  return (
    <AppShell title='随手拍' tab='home' className='home page--column'>
      {/* Named by its visible text (the icon glyph is decoration): 随手拍 拍照上报身边的城市管理问题 */}
      <Tap id='snap' className='snap' onTap={() => nav.to('/pages/report/index')}>
        <Text className='snap__icon' aria-hidden='true'>拍</Text>
        <Text className='snap__title'>随手拍</Text>
        <Text className='snap__sub'>拍照上报身边的城市管理问题</Text>
      </Tap>
      {pending > 0 && <Text id='pending-banner' className='banner'>有 {pending} 条上报等待网络恢复后自动发送</Text>}

      {user && isAdmin(user) && (
        <View className='card entry-grid' role='navigation' aria-label='管理后台'>
          <Tap id='entry-admin-staff' className='entry' onTap={() => nav.to('/packages/admin/pages/staff/index')}><Text>人员管理</Text></Tap>
          <Tap id='entry-admin-audit' className='entry' onTap={() => nav.to('/packages/admin/pages/audit/index')}><Text>审计日志</Text></Tap>
          <Tap id='entry-admin-duty' className='entry' onTap={() => nav.to('/packages/admin/pages/duty/index')}><Text>排班</Text></Tap>
          <Tap id='entry-admin-calendar' className='entry' onTap={() => nav.to('/packages/admin/pages/calendar/index')}><Text>工作日历</Text></Tap>
          <Tap id='entry-admin-categories' className='entry' onTap={() => nav.to('/packages/admin/pages/categories/index')}><Text>类别与时限</Text></Tap>
          <Tap id='entry-admin-org' className='entry' onTap={() => nav.to('/packages/admin/pages/org/index')}><Text>网格</Text></Tap>
        </View>
      )}
      {user && (isHandler(user) || usesConsole(user) || isLeader(user) || isOperator(user) || patrols(user)) && (
        <View className='card entry-grid'>
          {isHandler(user) && <Tap id='entry-inbox' className='entry' label='我的任务' onTap={() => nav.to('/packages/staff/pages/inbox/index')}><Text>我的任务</Text></Tap>}
          {patrols(user) && <Tap id='entry-patrol' className='entry' label='巡查上报' onTap={() => nav.to('/packages/staff/pages/patrol/index')}><Text>巡查上报</Text></Tap>}
          {usesConsole(user) && <Tap id='entry-console' className='entry' label='指挥工作台' onTap={() => nav.to('/packages/staff/pages/console/index')}><Text>指挥工作台</Text></Tap>}
          {isOperator(user) && <Tap id='entry-hotline' className='entry' label='12319 话务台' onTap={() => nav.to('/packages/staff/pages/hotline/index')}><Text>12319 话务台</Text></Tap>}
          {isLeader(user) && <Tap id='entry-dashboard' className='entry' label='数据看板' onTap={() => nav.to('/packages/leader/pages/dashboard/index')}><Text>数据看板</Text></Tap>}
        </View>
      )}

      <View className='section'>
        <View className='row'>
          <Text className='section-title'>我的上报</Text>
          {user && <Tap id='my-reports' className='link' label='查看全部上报' onTap={() => nav.to('/pages/mine/index')}><Text>全部</Text></Tap>}
        </View>
        {!user && <Text className='muted'>登录后可查看上报进度</Text>}
        {user && !recent.length && <Text className='muted'>还没有上报，发现问题随手拍一下</Text>}
        {recent.map((c) => <CaseCard key={c.id} c={c} forResident onOpen={open} />)}
      </View>

      <View className='section'>
        <Text className='section-title'>通知</Text>
        {NOTICES.map((n) => <Text key={n} className='notice'>{n}</Text>)}
      </View>

      <View className='account'>
        {user ? (
          <>
            <Text className='muted'>{user.name}（{user.roles.map((r) => ROLE_LABEL[r]).join('、')}）</Text>
            <Tap id='logout' className='link' label='切换账号' onTap={() => { session.logout(); nav.relaunch('/pages/login/index') }}><Text>切换账号</Text></Tap>
          </>
        ) : (
          <Tap id='login' className='btn btn--ghost' label='登录' onTap={() => nav.to('/pages/login/index')}><Text>登录</Text></Tap>
        )}
      </View>
    </AppShell>
  )
}
