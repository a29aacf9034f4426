import { Text, View } from '@tarojs/components'
import CaseCard from '../../../../components/CaseCard'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { api } from '../../../../services/api'
import PendingReports from '../../../../components/PendingReports'
import { nav } from '../../../../services/platform'

/**
 * An inspector's patrol (巡查上报): report what they find with the same form residents use (photos, place,
 * category; the server records the source 'patrol' for a staff reporter), and follow their own reports.
 */
export default function Patrol() {
  const user = useRequiredUser('/packages/staff/pages/patrol/index')
  const { data, error } = useRemote(() => api.listCases({ mine: true, source: 'patrol', pageSize: 50 }), !!user)
  return (
    <View className='page patrol'>
      <Tap id='patrol-report' className='btn btn--primary btn--block' label='巡查发现问题，立即上报' onTap={() => nav.to('/pages/report/index?from=patrol')}>
        <Text>发现问题，立即上报</Text>
      </Tap>
      <View className='section'>
        <Text className='section-title'>我的巡查上报{data ? `（${data.total} 件）` : ''}</Text>
        {user && <PendingReports />}
        {error && <Text className='error'>{error}</Text>}
        {data && !data.items.length && <Text className='muted'>还没有巡查上报，巡查中发现问题请随手上报</Text>}
        {data?.items.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => nav.to(`/pages/case/index?id=${x.id}`)} />)}
      </View>
    </View>
  )
}
