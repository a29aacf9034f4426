import { Text } from '@tarojs/components'
import AppShell from '../../../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='市民监督员榜'><Text>市民监督员榜</Text></AppShell>
}
