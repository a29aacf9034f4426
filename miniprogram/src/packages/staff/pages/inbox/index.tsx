import { Text, View } from '@tarojs/components'
import CaseCard from '../../../../components/CaseCard'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { byUrgency, countLevels } from '../../../../lib/inbox'
import { api } from '../../../../services/api'
import { nav } from '../../../../services/platform'
import { session } from '../../../../services/session'

/** An inspector's inbox: what to act on, the one about to go red on top. */
export default function Inbox() {
  const user = useRequiredUser('/packages/staff/pages/inbox/index')
  const { data, error } = useRemote(async () => (await api.tasks()).sort(byUrgency), !!user)
  const items = data ?? []
  const n = countLevels(items)
  const duty = session.duty()
  return (
    <View className='page inbox'>
      <View className='card inbox__head'>
        <Text className='section-title'>{user?.name ?? ''}</Text>
        {duty && <Text id='duty' className='chip chip--blue'>{duty} 岗</Text>}
        <View className='inbox__counts'>
          <Text className='due due--overdue'>超时 {n.overdue}</Text>
          <Text className='due due--red'>红灯 {n.red}</Text>
          <Text className='due due--yellow'>黄灯 {n.yellow}</Text>
          <Text className='due due--green'>正常 {n.green}</Text>
        </View>
      </View>
      {error && <Text className='error'>{error}</Text>}
      {data && !items.length && <Text className='muted'>暂无待办任务</Text>}
      {items.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => nav.to(`/packages/staff/pages/task/index?id=${x.id}`)} />)}
    </View>
  )
}
