import { Text, View } from '@tarojs/components'
import CaseCard from '../../../../components/CaseCard'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { byUrgency, countLevels } from '../../../../lib/inbox'
import { dutyText } from '../../../../lib/labels'
import { patrols } from '../../../../lib/roles'
import { api } from '../../../../services/api'
import { nav } from '../../../../services/platform'
import { session } from '../../../../services/session'

/** An inspector's inbox: what to act on, the one about to go red on top. */
export default function Inbox() {
  const user = useRequiredUser('/packages/staff/pages/inbox/index')
  const inspector = patrols(user)
  // Inspectors also re-read /me: today's A/B duty changes at midnight, a stored session does not.
  const { data, error } = useRemote(async () => {
    const [tasks, me] = await Promise.all([api.tasks(), inspector ? session.refreshUser() : null])
    return { items: tasks.sort(byUrgency), me }
  }, !!user)
  const items = data?.items ?? []
  const n = countLevels(items)
  const duty = (data?.me ?? user)?.duty
  return (
    <View className='page inbox'>
      <View className='card inbox__head'>
        <Text className='section-title'>{user?.name ?? ''}</Text>
        {duty && <Text id='duty' className={`chip ${duty.onDuty ? 'chip--green' : 'chip--grey'}`}>{dutyText(duty)}</Text>}
        <View className='inbox__counts'>
          <Text className='due due--overdue'>超时 {n.overdue}</Text>
          <Text className='due due--red'>红灯 {n.red}</Text>
          <Text className='due due--yellow'>黄灯 {n.yellow}</Text>
          <Text className='due due--green'>正常 {n.green}</Text>
        </View>
      </View>
      {inspector && (
        <Tap id='inbox-patrol' className='btn btn--ghost' label='巡查上报' onTap={() => nav.to('/packages/staff/pages/patrol/index')}>
          <Text>巡查上报</Text>
        </Tap>
      )}
      {error && <Text className='error'>{error}</Text>}
      {data && !items.length && <Text className='muted'>暂无待办任务</Text>}
      {items.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => nav.to(`/packages/staff/pages/task/index?id=${x.id}`)} />)}
    </View>
  )
}
