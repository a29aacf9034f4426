import { Text, View } from '@tarojs/components'
import { useState, type ReactNode } from 'react'
import Tap from '../../components/Tap'
import { errorText } from '../../services/api'
import { nav, ui } from '../../services/platform'

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

/** 上一页 · 第 n / m 页 · 下一页, for the admin lists (shown only when there is more than one page). */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  if (pages <= 1) return null
  return (
    <View className='admin-pager'>
      <Tap id='page-prev' className='btn btn--ghost' disabled={page <= 1} onTap={() => onPage(page - 1)}><Text>上一页</Text></Tap>
      <Text>第 {page} / {pages} 页</Text>
      <Tap id='page-next' className='btn btn--ghost' disabled={page >= pages} onTap={() => onPage(page + 1)}><Text>下一页</Text></Tap>
    </View>
  )
}

/** A busy flag and a runner for the page's actions: one at a time, a failure shown as a Chinese toast. */
export function useBusyRun(): { busy: boolean; run: (fn: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false)
  const run = async (fn: () => Promise<void>) => {
    setBusy(true)
    try {
      await fn()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return { busy, run }
}
