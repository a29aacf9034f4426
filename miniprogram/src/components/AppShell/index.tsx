import { Text, View } from '@tarojs/components'
import { useEffect, useState, type ReactNode } from 'react'
import { PRODUCT_SHORT } from '../../lib/brand'
import { IS_H5, care, nav, privacy, windowWidth } from '../../services/platform'
import { session } from '../../services/session'
import PrivacySheet from '../PrivacySheet'
import Tap from '../Tap'
import { homeFor, shellKind, tabsFor, type ShellTab, type TabItem } from './tabs'
import './index.scss'

export type { ShellTab, TabItem } from './tabs'
export { homeFor, tabsFor, shellKind, PAGES } from './tabs'

/** From this window width (CSS px) the tabs sit in the header and the desk layout applies. */
export const DESK_WIDTH = 1280

// H5: staff at work are not asked for the residents' consent (see privacy.exemptWhen).
privacy.exemptWhen(() => shellKind(session.user()) !== 'resident')

/** The title is the page's one top-level heading (Taro's <Text> has no heading element of its own). */
const HEADING = { role: 'heading', 'aria-level': 1 } as object

export interface AppShellProps {
  /** The page's title, shown in the H5 title bar (the weapp shows its own navigation bar). */
  title: string
  /** The tab this page is; pages without one show back and home only. */
  tab?: ShellTab
  /** Desk layout: the page fills the window and its panes scroll on their own (console at ≥ 1280 px). */
  desk?: boolean
  className?: string
  children: ReactNode
  /** Shown at the right of the H5 title bar, before 首页 (e.g. the console's user, unit and duty). */
  actions?: ReactNode
  /** No tab bar on this page (a full-screen view such as the big screen, or a form that needs the room). */
  noTabs?: boolean
}

/** The role's tabs as a tab list; the current one is marked (aria-selected). */
function Tabs({ items, tab, placement }: { items: TabItem[]; tab?: ShellTab; placement: 'top' | 'bottom' }) {
  return (
    <View className={`shell-tabs shell-tabs--${placement}`} role='tablist' aria-label='主导航'>
      {items.map((t) => (
        <Tap key={t.key} id={`tab-${t.key}`} role='tab' selected={t.key === tab}
          className={`shell-tabs__tab ${t.key === tab ? 'shell-tabs__tab--on' : ''}`}
          onTap={() => { if (t.key !== tab) void nav.relaunch(t.url) }}>
          <Text className='shell-tabs__label'>{t.label}</Text>
        </Tap>
      ))}
    </View>
  )
}

/**
 * Every page's frame. H5: a title bar with back (to the previous page, or home when the page was opened
 * directly, e.g. from a message) and home (the role's home page), and the role's tabs, at the bottom on
 * phones and in the header from 1280 px. Weapp: WeChat draws the navigation bar (each page's
 * navigationBarTitleText), so only the tab bar is ours. Taro's own H5 navigation bar (window.navigationStyle
 * 'default') is not used: its back and home are <div>s with click listeners, without a role, a name or
 * keyboard focus, its home is app.config's first page for everyone, and it shows back or home, never both.
 */
export default function AppShell({ title, tab, desk, className, children, actions, noTabs }: AppShellProps) {
  const user = session.user()
  const items = noTabs ? [] : tabsFor(user)
  const home = homeFor(user)
  const onHome = !!tab && items.find((t) => t.key === tab)?.url === home
  const wide = windowWidth() >= DESK_WIDTH
  const top = IS_H5 && (wide || !!desk)
  const back = () => { if (nav.depth() > 1) void nav.back(); else void nav.relaunch(home) }
  const goHome = () => void nav.relaunch(home)
  const tabbed = items.length > 0 && !top
  // 关怀模式: read on every render, so the switch in 我的 applies at once; H5 marks <html> too, for what
  // is drawn outside the page (body, toasts).
  const [caring, setCaring] = useState(care.on)
  useEffect(() => care.subscribe(setCaring), [])
  useEffect(() => {
    if (IS_H5 && typeof document !== 'undefined') document.documentElement.classList.toggle('care', caring)
  })
  return (
    <View className={`shell ${desk ? 'shell--desk' : ''} ${tabbed ? 'shell--tabbed' : ''} ${IS_H5 ? 'shell--h5' : ''} ${caring ? 'care' : ''}`}>
      {IS_H5 && (
        <View className='shell-bar' role='banner'>
          {!(onHome && nav.depth() <= 1) && (
            <Tap id='shell-back' className='shell-bar__btn' label='返回' onTap={back}>
              <View className='shell-bar__chevron' aria-hidden='true' />
            </Tap>
          )}
          {wide && title !== PRODUCT_SHORT && <Text className='shell-bar__brand' aria-hidden='true'>{PRODUCT_SHORT}</Text>}
          <Text className='shell-bar__title' {...HEADING}>{title}</Text>
          {top && items.length > 0 && <Tabs items={items} tab={tab} placement='top' />}
          {actions && <View className='shell-bar__actions'>{actions}</View>}
          {!onHome && (
            <Tap id='shell-home' className='shell-bar__btn shell-bar__btn--home' onTap={goHome}>
              <View className='shell-bar__house' aria-hidden='true' />
              <Text className='shell-bar__btn-text'>首页</Text>
            </Tap>
          )}
        </View>
      )}
      <View className={`page ${className ?? ''}`} role={IS_H5 ? 'main' : undefined}>{children}</View>
      {tabbed && <Tabs items={items} tab={tab} placement='bottom' />}
      <PrivacySheet />
    </View>
  )
}
