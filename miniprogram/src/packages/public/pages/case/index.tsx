import { Text } from '@tarojs/components'
import AppShell from '../../../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='案件公开信息'><Text>案件公开信息</Text></AppShell>
}
