import { Text } from '@tarojs/components'
import AppShell from '../../../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='我的积分'><Text>我的积分</Text></AppShell>
}
