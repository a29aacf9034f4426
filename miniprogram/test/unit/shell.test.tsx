import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import Taro from '@tarojs/taro'
import type { UserDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import AppShell, { homeFor, tabsFor } from '../../src/components/AppShell'
import RateForm from '../../src/components/RateForm'
import StarRating from '../../src/components/ui/StarRating'
import EmptyState from '../../src/components/ui/EmptyState'
import { progressLine } from '../../src/pages/case/ResidentCase'
import { ACTION_DONE, ACTION_LABEL } from '../../src/lib/labels'
import { expectedText, plainTime, shortTime } from '../../src/lib/time'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

const request = Taro.request as unknown as jest.Mock<(o: unknown) => Promise<unknown>>
const depth = Taro.getCurrentPages as unknown as jest.Mock<() => unknown[]>
const login = (roles: UserDto['roles'], orgNodeCode?: string) => session.save({ token: 'tok', user: { id: 'u1', name: '张三', roles, ...(orgNodeCode ? { orgNodeCode } : {}) } as UserDto })

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  depth.mockReturnValue([{}])
  for (const f of [Taro.showToast, Taro.reLaunch, Taro.navigateBack] as unknown as jest.Mock[]) f.mockClear()
})

describe('tabs by role', () => {
  it('residents: 首页 · 上报 · 我的; inspectors: 待办 (inbox) · 巡查 · 地图 · 我的; dispatchers: 待办 (console) without 巡查', () => {
    expect(tabsFor(null).map((t) => t.label)).toEqual(['首页', '上报', '我的'])
    login(['inspector'], '210202001010001')
    expect(tabsFor(session.user()).map((t) => `${t.label} ${t.url}`)).toEqual([
      '待办 /packages/staff/pages/inbox/index', '巡查 /packages/staff/pages/patrol/index', '地图 /packages/staff/pages/map/index', '我的 /pages/mine/index',
    ])
    login(['district'], '210202')
    expect(tabsFor(session.user()).map((t) => t.label)).toEqual(['待办', '地图', '我的'])
    expect(homeFor(session.user())).toBe('/packages/staff/pages/console/index')
  })
  it('leaders land on the dashboard, admins on their admin page', () => {
    login(['leader'], '210202')
    expect(homeFor(session.user())).toBe('/packages/leader/pages/dashboard/index')
    login(['admin'], '210200')
    expect(homeFor(session.user())).toBe('/packages/admin/pages/staff/index')
  })
})

describe('AppShell', () => {
  it('titles the page, marks the current tab and switches tabs by relaunching', () => {
    render(<AppShell title='我的' tab='mine'><span>内容</span></AppShell>)
    expect(screen.getByRole('heading', { level: 1, name: '我的' })).toBeTruthy()
    expect(screen.getByRole('main').textContent).toBe('内容')
    const tabs = screen.getAllByRole('tab')
    expect(tabs.map((t) => `${t.textContent}:${t.getAttribute('aria-selected')}`)).toEqual(['首页:false', '上报:false', '我的:true'])
    fireEvent.click(screen.getByRole('tab', { name: '上报' }))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/report/index' })
  })
  it('a page opened from a message (no history): back and home both go to the role\'s home', () => {
    login(['inspector'], '210202001010001')
    render(<AppShell title='上报详情'><span /></AppShell>)
    fireEvent.click(screen.getByRole('button', { name: '返回' }))
    expect(Taro.navigateBack).not.toHaveBeenCalled()
    expect(Taro.reLaunch).toHaveBeenLastCalledWith({ url: '/packages/staff/pages/inbox/index' })
    fireEvent.click(screen.getByRole('button', { name: '首页' }))
    expect(Taro.reLaunch).toHaveBeenCalledTimes(2)
  })
  it('with history, back goes back; the home page itself shows neither back nor home', () => {
    depth.mockReturnValue([{}, {}])
    const { unmount } = render(<AppShell title='上报详情'><span /></AppShell>)
    fireEvent.click(screen.getByRole('button', { name: '返回' }))
    expect(Taro.navigateBack).toHaveBeenCalled()
    unmount()
    depth.mockReturnValue([{}])
    render(<AppShell title='随手拍' tab='home'><span /></AppShell>)
    expect(screen.queryByRole('button', { name: '返回' })).toBeNull()
    expect(screen.queryByRole('button', { name: '首页' })).toBeNull()
  })
})

describe('StarRating', () => {
  function Harness() {
    const [v, setV] = useState<number | null>(null)
    return <StarRating value={v} onChange={setV} />
  }
  it('is a radio group with nothing checked until chosen; keys move the choice', () => {
    render(<Harness />)
    const group = screen.getByRole('radiogroup', { name: '满意度' })
    const radios = screen.getAllByRole('radio')
    expect(radios.map((r) => r.id)).toEqual(['score-1', 'score-2', 'score-3', 'score-4', 'score-5'])
    expect(radios.every((r) => r.getAttribute('aria-checked') === 'false')).toBe(true)
    expect(radios[3]!.getAttribute('aria-label')).toBe('4 星，满意')
    fireEvent.keyDown(radios[2]!, { key: 'Enter' })
    expect(screen.getByRole('radio', { name: '3 星，一般' }).getAttribute('aria-checked')).toBe('true')
    fireEvent.keyDown(group, { key: 'ArrowRight' })
    expect(screen.getByRole('radio', { name: '4 星，满意' }).getAttribute('aria-checked')).toBe('true')
    expect(document.activeElement?.id).toBe('score-4')
    fireEvent.keyDown(group, { key: 'Home' })
    expect(screen.getByRole('radio', { name: '1 星，非常不满意' }).getAttribute('aria-checked')).toBe('true')
    expect(screen.getByText('1 星 · 非常不满意')).toBeTruthy()
  })
})

describe('RateForm', () => {
  it('asks the resident to choose stars before anything is sent', () => {
    render(<RateForm c={aCase({ state: 'closed', allowedActions: ['rate'] })} onDone={() => {}} />)
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }))
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请先选择星级' }))
    expect(screen.getByText('请先选择星级')).toBeTruthy()
    expect(request).not.toHaveBeenCalled()
    // No staff wording in the resident's form.
    expect(document.body.textContent).not.toContain('理由')
  })
  it('posts the score and comment as the rate action and hands back the rated case', async () => {
    const rated = aCase({ state: 'closed', rating: { score: 4, comment: '及时' } })
    request.mockResolvedValueOnce({ statusCode: 200, data: { case: rated }, header: {} })
    const onDone = jest.fn()
    const c = aCase({ state: 'closed', allowedActions: ['rate'] })
    render(<RateForm c={c} onDone={onDone} />)
    fireEvent.click(screen.getByRole('radio', { name: '4 星，满意' }))
    fireEvent.change(screen.getByLabelText('评价内容（选填）'), { target: { value: ' 及时 ' } })
    fireEvent.click(screen.getByRole('button', { name: '提交评价' }))
    await screen.findByText('提交评价')
    await new Promise((r) => setTimeout(r, 0))
    expect(request.mock.calls[0]![0]).toMatchObject({ url: `/api/v1/cases/${c.id}/actions/rate`, method: 'POST', data: { score: 4, comment: '及时' } })
    expect(onDone).toHaveBeenCalledWith(rated)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: ACTION_DONE.rate }))
  })
})

describe('EmptyState', () => {
  it('says what is empty, why, and offers one way forward', () => {
    const onTap = jest.fn()
    render(<EmptyState title='还没有上报' hint='拍张照片就能上报' action={{ label: '去上报', onTap }} />)
    expect(screen.getByText('还没有上报')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '去上报' }))
    expect(onTap).toHaveBeenCalled()
  })
})

describe('copy', () => {
  const now = new Date('2026-12-03T01:00:00Z')
  it('times in words, Beijing time, the year only when it is not this year', () => {
    expect(shortTime('2026-12-03T06:05:00Z', now)).toBe('12月3日 14:05')
    expect(shortTime('2026-12-31T16:30:00Z', now)).toBe('2027年1月1日 00:30')
    expect(plainTime('2026-12-02 10:30', now)).toBe('12月2日 10:30')
  })
  it('the resident reads when the case will be done, from the clock', () => {
    const deadline = { dueAt: '2026-12-03T06:05:00Z', nationalDueAt: null, startedAt: '2026-12-02T06:05:00Z', calendar: 'natural' as const, level: 'yellow' as const, used: 0.6 }
    expect(expectedText(deadline, now)).toBe('预计 12月3日 14:05 前办结')
    expect(expectedText({ ...deadline, level: 'overdue' }, new Date('2026-12-03T07:00:00Z'))).toBe('已超过承诺时限（12月3日 14:05），正在加紧办理')
    expect(progressLine(aCase({ state: 'in_progress', deadline }), now).text).toBe('预计 12月3日 14:05 前办结')
    expect(progressLine(aCase({ state: 'closed', closedAt: '2026-12-02T09:00:00Z' }), now).text).toBe('已于 12月2日 17:00 办结')
  })
  it('action labels read well with 成功 (no 处置完成成功)', () => {
    for (const label of Object.values(ACTION_LABEL)) expect(`${label}成功`).not.toMatch(/完成成功/)
  })
})
