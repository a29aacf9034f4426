import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import CaseCard from '../../../../components/CaseCard'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { api, errorText } from '../../../../services/api'
import PendingReports from '../../../../components/PendingReports'
import { gcj02ToWgs84 } from '../../../../lib/coords'
import { has } from '../../../../lib/roles'
import { locate, nav, NetworkError, ui } from '../../../../services/platform'
import { companyApi } from '../../company-api'

/**
 * 日巡查 check-in (issue 11): "签到" posts where the inspector stands; the server finds the grid (a company's
 * inspector only in its contracted grids). A check-in is not queued offline: it must say when the inspector was
 * there, and the server stamps it on arrival.
 */
function CheckIn() {
  const [busy, setBusy] = useState(false)
  const [last, setLast] = useState<string | null>(null)
  const checkIn = async () => {
    setBusy(true)
    try {
      const p = await locate()
      const at = p.datum === 'wgs84' ? { lat: p.lat, lng: p.lng } : gcj02ToWgs84({ lat: p.lat, lng: p.lng })
      const done = await companyApi.checkIn(at)
      setLast(`已在“${done.gridName}”签到`)
      ui.toast('签到成功', 'success')
    } catch (err) {
      ui.toast(err instanceof NetworkError ? '网络不可用，请到有信号处再签到' : `签到失败：${errorText(err)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='section'>
      <Tap id='patrol-checkin' className='btn btn--ghost btn--block' disabled={busy} label='日巡查签到：在当前位置签到' onTap={checkIn}>
        <Text>{busy ? '定位中…' : '签到（记录本网格今日巡查）'}</Text>
      </Tap>
      {last && <Text className='muted' id='patrol-checkin-result'>{last}</Text>}
    </View>
  )
}

/**
 * An inspector's patrol (巡查上报): report what they find with the same form residents use (photos, place,
 * category; the server records the source 'patrol' for a staff reporter), and follow their own reports.
 */
export default function Patrol() {
  const user = useRequiredUser('/packages/staff/pages/patrol/index')
  const company = has(user, ['third_party'])
  // The server records a staff report's source by role: 'patrol' for grid inspectors (report-case.ts).
  const source = company ? 'third_party' : has(user, ['enforcement']) ? 'enforcement' : 'patrol'
  const { data, error } = useRemote(() => api.listCases({ mine: true, source, pageSize: 50 }), !!user)
  return (
    <View className='page patrol'>
      <Tap id='patrol-report' className='btn btn--primary btn--block' label='巡查发现问题，立即上报' onTap={() => nav.to('/pages/report/index?from=patrol')}>
        <Text>发现问题，立即上报</Text>
      </Tap>
      {has(user, ['third_party', 'inspector', 'enforcement']) && <CheckIn />}
      {company && (
        <Tap id='patrol-company-month' className='btn btn--ghost btn--block' label='查看本公司月评估' onTap={() => nav.to('/packages/staff/pages/company/index')}>
          <Text>本公司月评估</Text>
        </Tap>
      )}
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
