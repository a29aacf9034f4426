import type { UserDto } from '@finecity/types'
import { has, isOperator, patrols, usesConsole, isHandler } from '../../lib/roles'

/** Which tab of the role's tab bar a page belongs to (none: a page reached from another, e.g. a case). */
export type ShellTab = 'home' | 'report' | 'mine' | 'todo' | 'patrol' | 'map' | 'leader' | 'bigscreen' | 'admin'

export interface TabItem {
  key: ShellTab
  label: string
  url: string
}

/** Whose tab bar: residents (and guests), staff at work, leaders, admins, 12319 operators. */
export type ShellKind = 'resident' | 'staff' | 'leader' | 'admin' | 'operator'

export const PAGES = {
  home: '/pages/home/index',
  report: '/pages/report/index',
  mine: '/pages/mine/index',
  inbox: '/packages/staff/pages/inbox/index',
  console: '/packages/staff/pages/console/index',
  patrol: '/packages/staff/pages/patrol/index',
  map: '/packages/staff/pages/map/index',
  hotline: '/packages/staff/pages/hotline/index',
  dashboard: '/packages/leader/pages/dashboard/index',
  bigscreen: '/packages/leader/pages/bigscreen/index',
  admin: '/packages/admin/pages/staff/index',
} as const

/**
 * The tab bar a user gets. Admins first (they also count as leaders), then the leader role itself; district,
 * street and city staff are dispatchers at the console even though they may read the leader's dashboard.
 */
export function shellKind(u: UserDto | null): ShellKind {
  if (!u) return 'resident'
  if (has(u, ['admin'])) return 'admin'
  if (has(u, ['leader'])) return 'leader'
  if (usesConsole(u) || isHandler(u) || patrols(u)) return 'staff'
  if (isOperator(u)) return 'operator'
  return 'resident'
}

const MINE: TabItem = { key: 'mine', label: '我的', url: PAGES.mine }

/** The tabs, in order; the first is the user's home page. */
export function tabsFor(u: UserDto | null): TabItem[] {
  switch (shellKind(u)) {
    case 'admin':
      return [{ key: 'admin', label: '管理', url: PAGES.admin }, { key: 'leader', label: '概览', url: PAGES.dashboard }, MINE]
    case 'leader':
      return [{ key: 'leader', label: '概览', url: PAGES.dashboard }, { key: 'bigscreen', label: '大屏', url: PAGES.bigscreen }, MINE]
    case 'operator':
      return [{ key: 'todo', label: '话务台', url: PAGES.hotline }, MINE]
    case 'staff':
      return [
        // 待办: the dispatcher's console, or the inspector's inbox.
        { key: 'todo', label: '待办', url: usesConsole(u) ? PAGES.console : PAGES.inbox },
        // 巡查 only for those who patrol (grid inspectors, companies' inspectors, enforcement): a dispatcher has no patrol.
        ...(patrols(u) ? [{ key: 'patrol' as const, label: '巡查', url: PAGES.patrol }] : []),
        { key: 'map', label: '地图', url: PAGES.map },
        MINE,
      ]
    default:
      return [{ key: 'home', label: '首页', url: PAGES.home }, { key: 'report', label: '上报', url: PAGES.report }, MINE]
  }
}

/** Where 首页 goes for this user: the first tab (residents' home, the inbox or console, the dashboard, the admin roster). */
export function homeFor(u: UserDto | null): string {
  return tabsFor(u)[0]!.url
}
