import { Text } from '@tarojs/components'
import AppShell from '../../../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='我的数据'><Text>我的数据</Text></AppShell>
}
