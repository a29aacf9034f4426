import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import AppShell from '../../../../components/AppShell'
import CaseCard from '../../../../components/CaseCard'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { byUrgency, countLevels } from '../../../../lib/inbox'
import { dutyText } from '../../../../lib/labels'
import { patrols } from '../../../../lib/roles'
import { api } from '../../../../services/api'
import { nav } from '../../../../services/platform'
import { session } from '../../../../services/session'
import HistoryList from './HistoryList'
import TaskMap from './TaskMap'
import './index.scss'

type View_ = 'todo' | 'done' | 'map'
const VIEWS: { key: View_; label: string }[] = [
  { key: 'todo', label: '待办' },
  { key: 'done', label: '已办' },
  { key: 'map', label: '任务地图' },
]

const openTask = (id: string) => nav.to(`/packages/staff/pages/task/index?id=${id}`)

/**
 * An inspector's tasks (issue 12, item 4): 待办, most urgent on top; 已办, what they acted on, searchable; and
 * 任务地图, today's open tasks as markers coloured by SLA, each with 导航 and 查看.
 */
export default function Inbox() {
  const user = useRequiredUser('/packages/staff/pages/inbox/index')
  const inspector = patrols(user)
  const [view, setView] = useState<View_>('todo')
  // Inspectors also re-read /me: today's A/B duty changes at midnight, a stored session does not.
  const { data, error } = useRemote(async () => {
    const [tasks, me] = await Promise.all([api.tasks(), inspector ? session.refreshUser() : null])
    return { items: tasks.sort(byUrgency), me }
  }, !!user)
  const items = data?.items ?? []
  const n = countLevels(items)
  const duty = (data?.me ?? user)?.duty
  return (
    <AppShell title='我的任务' tab='todo' className='inbox'>
      <View className='card inbox__head'>
        <View className='inbox__who'>
          <Text className='section-title inbox__name'>{user?.name ?? ''}</Text>
          {duty && <Text id='duty' className={`chip ${duty.onDuty ? 'chip--green' : 'chip--grey'}`}>{dutyText(duty)}</Text>}
        </View>
        <View className='inbox__counts'>
          <Text className='due due--overdue'>超时 {n.overdue}</Text>
          <Text className='due due--red'>红灯 {n.red}</Text>
          <Text className='due due--yellow'>黄灯 {n.yellow}</Text>
          <Text className='due due--green'>正常 {n.green}</Text>
        </View>
      </View>
      <View className='inbox__views' role='tablist' aria-label='任务视图'>
        {VIEWS.map((v) => (
          <Tap key={v.key} id={`inbox-${v.key}`} role='tab' selected={view === v.key}
            className={`inbox__view ${view === v.key ? 'inbox__view--on' : ''}`} onTap={() => setView(v.key)}>
            <Text>{v.label}{v.key === 'todo' && data ? ` ${items.length}` : ''}</Text>
          </Tap>
        ))}
      </View>
      {error && <Text className='error'>{error}</Text>}
      {view === 'todo' && (
        <View id='todo-list' role='tabpanel' aria-label='待办'>
          {data && !items.length && (
            <EmptyState title='暂无待办任务' hint='新派到本网格的案件会出现在这里' {...(inspector ? { action: { label: '去巡查', onTap: () => void nav.relaunch('/packages/staff/pages/patrol/index') } } : {})} />
          )}
          {items.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => openTask(x.id)} />)}
        </View>
      )}
      {view === 'done' && <HistoryList onOpen={openTask} />}
      {view === 'map' && <TaskMap items={items} loaded={!!data} onOpen={openTask} />}
    </AppShell>
  )
}
