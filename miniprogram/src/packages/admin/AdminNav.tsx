import { Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import Tap from '../../components/Tap'
import { nav } from '../../services/platform'

export const ADMIN_PAGES = [
  { key: 'staff', label: '人员管理' },
  { key: 'audit', label: '审计日志' },
  { key: 'duty', label: '排班' },
  { key: 'calendar', label: '工作日历' },
  { key: 'categories', label: '类别与时限' },
  { key: 'org', label: '网格' },
] as const

export type AdminPage = (typeof ADMIN_PAGES)[number]['key']

/** The admin console's sections; the current one is marked (aria-current) and not a link. */
export default function AdminNav({ current }: { current: AdminPage }) {
  return (
    <View className='admin-nav' role='navigation' aria-label='管理后台'>
      {ADMIN_PAGES.map((p) =>
        p.key === current ? (
          <Text key={p.key} className='admin-nav__item admin-nav__item--on' aria-current='page'>{p.label}</Text>
        ) : (
          <Tap key={p.key} id={`admin-nav-${p.key}`} className='admin-nav__item' role='link' onTap={() => void nav.redirect(`/packages/admin/pages/${p.key}/index`)}>
            <Text>{p.label}</Text>
          </Tap>
        ),
      )}
    </View>
  )
}

/** A cell of an admin table (a row of cards on a phone, a table row on a desktop). */
export function Cell({ className, role = 'cell', children }: { className?: string; role?: 'cell' | 'columnheader'; children: ReactNode }) {
  return <View className={`admin-cell ${className ?? ''}`} role={role}>{children}</View>
}

/** The page's one h1. */
export function AdminTitle({ children }: { children: ReactNode }) {
  return <View className='admin-title' role='heading' aria-level={1}>{children}</View>
}
