import type { jest } from '@jest/globals'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { UserDto } from '@finecity/types'
import { routerParams, storageMap } from './__mocks__/taro'
import Console from '../../src/packages/staff/pages/console/index'
import Inbox from '../../src/packages/staff/pages/inbox/index'
import Patrol from '../../src/packages/staff/pages/patrol/index'
import Home from '../../src/pages/home/index'
import Report from '../../src/pages/report/index'
import { outbox } from '../../src/services/outbox'
import { session } from '../../src/services/session'
import { aCase, categories } from './fixtures'

type Req = { url: string; method: string }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
const urls = () => request.mock.calls.map((c) => c[0].url)
const page = (items: unknown[], total = items.length) => ({ items, total, page: 1, pageSize: 50 })

const inspector: UserDto = { id: 'i1', name: '网格员A', roles: ['inspector'], orgNodeCode: '210202001010001', duty: { slot: 'A', onDuty: false } }
const login = (user: UserDto) => session.save({ token: 'tok', user })

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  ;(Taro.navigateTo as jest.Mock).mockClear()
  ;(Taro.setNavigationBarTitle as jest.Mock).mockClear()
})
afterEach(() => {
  for (const k of Object.keys(routerParams)) delete routerParams[k]
})

describe('console queues', () => {
  it('lets the server narrow each queue: pending extensions, red and overdue, with exact totals', async () => {
    login({ id: 'd1', name: '派遣员', roles: ['district'], orgNodeCode: '210202' })
    request.mockImplementation(() => ok(page([aCase({ pendingExtension: { hours: 24, reason: '材料未到' } })], 7)))
    render(<Console />)
    const lists = () => urls().filter((u) => u.startsWith('/api/v1/cases?'))
    await waitFor(() => expect(lists()).toEqual(['/api/v1/cases?state=submitted&sort=sla&page=1&pageSize=50']))
    expect(urls()).toContain('/api/v1/cases/queue-counts')
    fireEvent.click(screen.getByRole('tab', { name: /^延期审批/ }))
    await waitFor(() => expect(lists()).toHaveLength(2))
    fireEvent.click(screen.getByRole('tab', { name: /^超时督办/ }))
    await waitFor(() => expect(lists()).toHaveLength(3))
    expect(lists().slice(1)).toEqual(['/api/v1/cases?pendingExtension=true&sort=sla&page=1&pageSize=50', '/api/v1/cases?due=red%2Coverdue&sort=sla&page=1&pageSize=50'])
    expect(await screen.findByText('共 7 件 · 按时限紧急程度排序')).toBeTruthy()
  })
})

describe('inspector inbox', () => {
  it('shows today\'s A/B duty as the server says it now, not as stored at login', async () => {
    login(inspector)
    request.mockImplementation((o: Req) => (o.url === '/api/v1/me'
      ? ok({ user: { ...inspector, duty: { slot: 'A', onDuty: true } } })
      : ok({ items: [aCase({ caseNo: 'DL20261127-000009' })] })))
    const { container } = render(<Inbox />)
    expect(container.querySelector('#duty')?.textContent).toBe('A 岗 · 今日备班')
    await screen.findByRole('button', { name: /DL20261127-000009/ })
    await waitFor(() => expect(container.querySelector('#duty')?.textContent).toBe('A 岗 · 今日值班'))
    expect(urls().sort()).toEqual(['/api/v1/me', '/api/v1/tasks'])
    expect(session.user()?.duty).toEqual({ slot: 'A', onDuty: true })
  })

  it('offers the patrol from an empty inbox', async () => {
    login(inspector)
    request.mockImplementation((o: Req) => (o.url === '/api/v1/me' ? ok({ user: inspector }) : ok({ items: [] })))
    render(<Inbox />)
    await screen.findByText('暂无待办任务')
    fireEvent.click(screen.getByRole('button', { name: '去巡查' }))
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/packages/staff/pages/patrol/index' })
  })

  it('asks nothing more of a community handler, who has no duty slot and does not patrol', async () => {
    login({ id: 'c1', name: '社区', roles: ['community'], orgNodeCode: '210202001010', duty: null })
    request.mockImplementation(() => ok({ items: [] }))
    const { container } = render(<Inbox />)
    await screen.findByText('暂无待办任务')
    expect(urls()).toEqual(['/api/v1/tasks'])
    expect(container.querySelector('#duty')).toBeNull()
    expect(screen.queryByRole('button', { name: '去巡查' })).toBeNull()
  })
})

describe('patrol self-report', () => {
  it('lists the inspector\'s finds of the day and the reports waiting for the network, and opens the report form', async () => {
    login(inspector)
    outbox.save([{ key: 'rpt-1', fields: { categoryCode: '06010', description: '井盖松动', lat: 38.9, lng: 121.6, anonymous: false }, photos: [], createdAt: '2026-11-27T02:00:00Z', attempts: 1 }])
    const finds = [aCase({ id: 'p1', source: 'patrol', description: '巡查发现占道经营' })]
    request.mockImplementation(() => ok({ day: '2026-11-27', open: null, sessions: [], seconds: 0, checkins: [], finds, coverage: { grids: 1, visited: 0, items: [] } }))
    render(<Patrol />)
    fireEvent.click(await screen.findByRole('button', { name: /DL20261127-000001/ }))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/case/index?id=p1' })
    expect(urls()).toEqual(['/api/v1/patrols/today'])
    expect(screen.getByText('今日发现（1 件）')).toBeTruthy()
    expect(screen.getByText('巡查发现占道经营')).toBeTruthy()
    expect(screen.getByText('待发送：井盖松动')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '发现问题，立即上报' }))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/report/index?from=patrol' })
  })

  it('names the report form 巡查上报 when it is opened from a patrol', async () => {
    login(inspector)
    routerParams.from = 'patrol'
    request.mockImplementation((o: Req) => (o.url === '/api/v1/categories' ? ok({ categories }) : ok({ templates: {} })))
    ;(Taro.getLocation as jest.Mock).mockImplementation(() => Promise.resolve({ latitude: 38.89, longitude: 121.64, accuracy: 20 }))
    render(<Report />)
    await screen.findByText(/已定位/)
    expect(Taro.setNavigationBarTitle).toHaveBeenCalledWith({ title: '巡查上报' })
  })

  it('has an entry on the home page for inspectors only', async () => {
    request.mockImplementation(() => ok(page([])))
    login(inspector)
    const { unmount } = render(<Home />)
    fireEvent.click(await screen.findByRole('button', { name: '巡查上报' }))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/staff/pages/patrol/index' })
    unmount()
    login({ id: 'r1', name: '市民', roles: ['resident'], orgNodeCode: null })
    render(<Home />)
    await screen.findByText('还没有上报，发现问题随手拍一下')
    expect(screen.queryByRole('button', { name: '巡查上报' })).toBeNull()
  })
})
