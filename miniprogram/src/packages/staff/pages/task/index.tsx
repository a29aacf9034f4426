import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import AppShell from '../../../../components/AppShell'
import CaseView from '../../../../components/CaseView'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { gcj02ToWgs84, type LatLng } from '../../../../lib/coords'
import { distanceM } from '../../../../lib/geo'
import { distanceText } from '../../../../lib/labels'
import { api, errorText } from '../../../../services/api'
import { locate, ui } from '../../../../services/platform'
import { NavButton } from '../../navigate'
import './index.scss'

/** A preview only: the server decides "on site" with its own radius. */
const NEAR_M = 200

export default function Task() {
  const id = useRouter().params.id ?? ''
  const user = useRequiredUser(`/packages/staff/pages/task/index?id=${id}`)
  const { data, setData, error } = useRemote(() => api.getCase(id), !!user && !!id)
  const [checkIn, setCheckIn] = useState<{ at: LatLng; distanceM: number } | null>(null)

  // On-site check-in: the located WGS-84 point goes with sign and handle; the server records it with its
  // own distance and on-site verdict (config checkIn.radiusM), which the timeline then shows.
  const checkInHere = async () => {
    if (!data) return
    try {
      const p = await locate()
      const at = p.datum === 'wgs84' ? { lat: p.lat, lng: p.lng } : gcj02ToWgs84({ lat: p.lat, lng: p.lng })
      setCheckIn({ at, distanceM: distanceM(at, data.location) })
    } catch (err) {
      ui.toast(`定位失败：${errorText(err)}`)
    }
  }
  const open = !!data && ['dispatched', 'in_progress'].includes(data.state)
  return (
    <AppShell title='任务详情' className='task'>
      {error && <Text className='error'>{error}</Text>}
      {data && !data.locationPending && (
        <View className='card task__site'>
          <View className='task__where'>
            <Text className='task__where-label'>问题位置</Text>
            <Text className='task__where-text'>{data.location.address || data.grid?.name || '地图上的标记点'}</Text>
          </View>
          <View className='task__site-actions'>
            <NavButton c={data} className='task__site-btn' />
            {open && <Tap id='check-in' className='btn btn--ghost task__site-btn' label='现场打卡' onTap={checkInHere}><Text>现场打卡</Text></Tap>}
          </View>
          {open && checkIn && (
            <Text id='check-in-result' className='muted'>
              {checkIn.distanceM <= NEAR_M ? '已到达现场' : '距离问题点较远'}：{distanceText(checkIn.distanceM)}，{data.state === 'dispatched' ? '签收和' : ''}提交处置时一并记录
            </Text>
          )}
        </View>
      )}
      {data && <CaseView c={data} onChange={setData} checkIn={checkIn?.at} />}
    </AppShell>
  )
}
