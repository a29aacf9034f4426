import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useRouter } from '@tarojs/taro'
import CaseView from '../../../../components/CaseView'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { gcj02ToWgs84 } from '../../../../lib/coords'
import { distanceM } from '../../../../lib/geo'
import { api, errorText } from '../../../../services/api'
import { locate, ui } from '../../../../services/platform'

export default function Task() {
  const id = useRouter().params.id ?? ''
  const user = useRequiredUser(`/packages/staff/pages/task/index?id=${id}`)
  const { data, setData, error } = useRemote(() => api.getCase(id), !!user && !!id)
  const [checkIn, setCheckIn] = useState<string | null>(null)

  // On-site check-in: how far the inspector stands from the reported point (shown, not yet sent: the
  // API has no check-in field; see the README).
  const checkInHere = async () => {
    if (!data) return
    try {
      const p = await locate()
      const here = p.datum === 'wgs84' ? { lat: p.lat, lng: p.lng } : gcj02ToWgs84({ lat: p.lat, lng: p.lng })
      const d = Math.round(distanceM(here, data.location))
      setCheckIn(`${d <= 200 ? '已到达现场' : '距离问题点较远'}：约 ${d} 米`)
    } catch (err) {
      ui.toast(`定位失败：${errorText(err)}`)
    }
  }
  return (
    <View className='page task'>
      {error && <Text className='error'>{error}</Text>}
      {data && ['dispatched', 'in_progress'].includes(data.state) && (
        <View className='card row'>
          <Tap id='check-in' className='btn btn--ghost' label='现场打卡' onTap={checkInHere}><Text>现场打卡</Text></Tap>
          {checkIn && <Text id='check-in-result' className='muted'>{checkIn}</Text>}
        </View>
      )}
      {data && <CaseView c={data} onChange={setData} />}
    </View>
  )
}
