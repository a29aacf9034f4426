import { Text } from '@tarojs/components'
import AppShell from '../../components/AppShell'

// Placeholder (issue 13): being built.
export default function Page() {
  return <AppShell title='隐私保护指引'><Text>隐私保护指引</Text></AppShell>
}
