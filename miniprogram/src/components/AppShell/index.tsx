import { View } from '@tarojs/components'
import type { ReactNode } from 'react'

/** Which tab of the role's tab bar a page belongs to (none: a page reached from another, e.g. a case). */
export type ShellTab = 'home' | 'report' | 'mine' | 'todo' | 'patrol' | 'map' | 'leader'

export interface AppShellProps {
  /** The page's title, shown in the H5 title bar (the weapp shows its own navigation bar). */
  title: string
  /** The tab this page is; pages without one show back and home only. */
  tab?: ShellTab
  /** Desk layout: the page fills the window and its panes scroll on their own (console at ≥ 1280 px). */
  desk?: boolean
  className?: string
  children: ReactNode
}

/** Every page's frame: title bar with back and home (H5), the role's tab bar, and the page itself. */
export default function AppShell({ className, children }: AppShellProps) {
  return <View className={`page ${className ?? ''}`}>{children}</View>
}
