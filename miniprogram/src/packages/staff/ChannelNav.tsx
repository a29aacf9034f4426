import { Text, View } from '@tarojs/components'
import type { UserDto } from '@finecity/types'
import Tap from '../../components/Tap'
import { has } from '../../lib/roles'
import { nav } from '../../services/platform'

type Key = 'console' | 'unlocated' | 'callbacks'

const PAGES: { key: Key; label: string; path: string }[] = [
  { key: 'console', label: '指挥工作台', path: '/packages/staff/pages/console/index' },
  { key: 'unlocated', label: '待定位', path: '/packages/staff/pages/unlocated/index' },
  { key: 'callbacks', label: '回调失败', path: '/packages/staff/pages/callbacks/index' },
]

/** The platform desk's pages for intake from other channels (issue 11); the current one is marked, not a link. */
export default function ChannelNav({ current, user }: { current: Key; user: UserDto | null }) {
  const shown = PAGES.filter((p) => p.key !== 'unlocated' || has(user, ['city', 'district']))
  return (
    <View className='channel-nav' role='navigation' aria-label='工作台'>
      {shown.map((p) =>
        p.key === current ? (
          <Text key={p.key} className='channel-nav__item channel-nav__item--on' aria-current='page'>{p.label}</Text>
        ) : (
          <Tap key={p.key} id={`channel-nav-${p.key}`} className='channel-nav__item' role='link' onTap={() => void nav.redirect(p.path)}><Text>{p.label}</Text></Tap>
        ),
      )}
    </View>
  )
}

export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  if (pages <= 1) return null
  return (
    <View className='channel-pager'>
      <Tap id='page-prev' className='btn btn--ghost' disabled={page <= 1} onTap={() => onPage(page - 1)}><Text>上一页</Text></Tap>
      <Text>第 {page} / {pages} 页</Text>
      <Tap id='page-next' className='btn btn--ghost' disabled={page >= pages} onTap={() => onPage(page + 1)}><Text>下一页</Text></Tap>
    </View>
  )
}
