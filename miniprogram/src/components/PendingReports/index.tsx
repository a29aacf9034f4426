import { Text, View } from '@tarojs/components'
import { outbox } from '../../services/outbox'

/** Reports kept on the phone until the network lets them through (services/outbox), as cards. */
export default function PendingReports() {
  return (
    <>
      {outbox.list().map((p) => (
        <View key={p.key} className='card card--pending'>
          <Text>待发送：{p.fields.description}</Text>
          <Text className='muted'>网络恢复后自动提交（已尝试 {p.attempts} 次）</Text>
        </View>
      ))}
    </>
  )
}
