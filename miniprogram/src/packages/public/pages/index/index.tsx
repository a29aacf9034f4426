import { Text } from '@tarojs/components'
import AppShell from '../../../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='城市管理公开'><Text>城市管理公开</Text></AppShell>
}
