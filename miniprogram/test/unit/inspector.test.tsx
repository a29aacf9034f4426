import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { PatrolTodayDto, TaskHistoryItemDto, UserDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import Inbox from '../../src/packages/staff/pages/inbox/index'
import Patrol from '../../src/packages/staff/pages/patrol/index'
import { amapMarkerUrl } from '../../src/packages/staff/navigate'
import { flushPatrolOutbox, newSessionId, patrolOutbox } from '../../src/packages/staff/inspector-api'
import { wgs84ToGcj02 } from '../../src/lib/coords'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

// The inspector's app (issue 12, item 4) in H5: 待办 · 已办 · 地图 in the inbox, 导航 links in GCJ-02, and the
// patrol page with its sessions and the patrol outbox.

type Req = { url: string; method: string; data?: unknown }
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test shapes the answers it needs
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<any>>
const ok = (data: unknown, statusCode = 200) => Promise.resolve({ statusCode, data, header: {} })
const offline = () => Promise.reject({ errMsg: 'request:fail net::ERR_INTERNET_DISCONNECTED' })
const calls = () => request.mock.calls.map((c) => c[0])
const urls = () => calls().map((c) => `${c.method} ${c.url}`)

const inspector: UserDto = { id: 'i1', name: '网格员A', roles: ['inspector'], orgNodeCode: '210202001010001', duty: { slot: 'A', onDuty: true } }
const done = (over: Partial<TaskHistoryItemDto> = {}): TaskHistoryItemDto => ({
  ...aCase({ state: 'handled' }), myLastAction: { action: 'handle', at: '2026-11-27T06:05:00.000Z' }, ...over,
})
const history = (items: TaskHistoryItemDto[], total = items.length, page = 1) => ({ items, total, page, pageSize: 20 })
const today = (over: Partial<PatrolTodayDto> = {}): PatrolTodayDto => ({
  day: '2026-11-27', open: null, sessions: [], seconds: 0, checkins: [], finds: [], coverage: { grids: 1, visited: 0, items: [{ gridCode: '210202001010001', gridName: '海军广场街道第1社区网格01', checkins: 0 }] }, ...over,
})

beforeEach(() => {
  storageMap.clear()
  session.save({ token: 'tok', user: inspector })
  request.mockReset()
  ;(Taro.navigateTo as jest.Mock).mockClear()
  ;(Taro.showToast as jest.Mock).mockClear()
})

describe('the inbox: 待办 · 已办 · 任务地图', () => {
  const routes = (o: Req) => {
    if (o.url === '/api/v1/me') return ok({ user: inspector })
    if (o.url === '/api/v1/tasks') return ok({ items: [aCase({ id: 'a1', caseNo: 'DL20261127-000001' }), aCase({ id: 'a2', caseNo: 'DL20261127-000002', deadline: { ...aCase().deadline!, level: 'red' }, location: { lat: 38.9, lng: 121.65, address: '人民路 1 号' } })] })
    if (o.url.startsWith('/api/v1/tasks/history')) {
      if (o.url.includes('q=')) return ok(history([done({ id: 'h9', caseNo: 'DL20261127-000009' })]))
      if (o.url.includes('page=2')) return ok(history([done({ id: 'h2', caseNo: 'DL20261126-000002' })], 21, 2))
      return ok(history([done({ id: 'h1', caseNo: 'DL20261127-000005', myLastAction: { action: 'return', at: '2026-11-27T06:05:00.000Z' } })], 21))
    }
    return ok(null, 404)
  }

  it('shows 已办 with what the inspector did and when, searches as they type and pages on', async () => {
    request.mockImplementation(routes)
    const { container } = render(<Inbox />)
    await screen.findByRole('button', { name: /DL20261127-000002/ })
    expect(screen.getByRole('tab', { name: '待办 2' }).getAttribute('aria-selected')).toBe('true')
    fireEvent.click(screen.getByRole('tab', { name: '已办' }))
    await screen.findByText('我已退回 · 11月27日 14:05')
    expect(screen.getByText('共 21 件')).toBeTruthy()
    expect(urls()).toContain('GET /api/v1/tasks/history?pageSize=20')

    fireEvent.click(screen.getByRole('button', { name: '加载更多（还有 20 件）' }))
    await screen.findByRole('button', { name: /DL20261126-000002/ })
    expect(urls()).toContain('GET /api/v1/tasks/history?page=2&pageSize=20')
    expect(screen.getByRole('button', { name: /DL20261127-000005/ })).toBeTruthy()

    fireEvent.input(screen.getByLabelText('搜索已办'), { target: { value: 'DL20261127-000009' } })
    await screen.findByRole('button', { name: /DL20261127-000009/ })
    expect(urls()).toContain('GET /api/v1/tasks/history?q=DL20261127-000009&pageSize=20')
    expect(screen.queryByRole('button', { name: /DL20261127-000005/ })).toBeNull()
    expect(screen.getByText('找到 1 件')).toBeTruthy()

    fireEvent.click(container.querySelector('#done-h9')!)
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/staff/pages/task/index?id=h9' })
  })

  it('says so when nothing was found', async () => {
    request.mockImplementation((o: Req) => (o.url.startsWith('/api/v1/tasks/history') ? ok(history([])) : routes(o)))
    render(<Inbox />)
    fireEvent.click(await screen.findByRole('tab', { name: /已办/ }))
    await screen.findByText('还没有已办任务')
  })

  it('puts today\'s tasks on the map; a marker shows its case with 导航 (GCJ-02 link) and 查看', async () => {
    request.mockImplementation(routes)
    const { container } = render(<Inbox />)
    await screen.findByRole('button', { name: /DL20261127-000002/ })
    fireEvent.click(screen.getByRole('tab', { name: '任务地图' }))
    const map = container.querySelector('#task-map')!
    expect(map.getAttribute('aria-label')).toBe('今日待办任务地图')
    fireEvent.click(screen.getByRole('button', { name: '暴露垃圾 DL20261127-000002，红灯' }))
    const link = container.querySelector('#nav-a2') as HTMLAnchorElement
    const g = wgs84ToGcj02({ lat: 38.9, lng: 121.65 })
    expect(link.tagName).toBe('A')
    expect(link.getAttribute('target')).toBe('_blank')
    const href = new URL(link.href)
    expect(href.origin + href.pathname).toBe('https://uri.amap.com/marker')
    const [lng, lat] = href.searchParams.get('position')!.split(',').map(Number)
    expect(lng).toBeCloseTo(g.lng, 6)
    expect(lat).toBeCloseTo(g.lat, 6)
    expect(Math.abs(lng! - 121.65)).toBeGreaterThan(0.003) // converted, not the WGS-84 point
    expect(href.searchParams.get('coordinate')).toBe('gaode')
    expect(href.searchParams.get('name')).toBe('人民路 1 号')
    expect(link.href).toBe(amapMarkerUrl({ caseNo: 'DL20261127-000002', category: aCase().category, location: { lat: 38.9, lng: 121.65, address: '人民路 1 号' } }))
    fireEvent.click(screen.getByRole('button', { name: '查看DL20261127-000002' }))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/staff/pages/task/index?id=a2' })
  })
})

describe('the patrol page', () => {
  it('starts a patrol with a phone-made id and the time pressed, and stops that session', async () => {
    let open: PatrolTodayDto['open'] = null
    request.mockImplementation((o: Req) => {
      if (o.url === '/api/v1/patrols/today') return ok(today({ open, sessions: open ? [open] : [] }))
      if (o.url === '/api/v1/patrols' && o.method === 'POST') {
        const b = o.data as { id: string; at: string }
        open = { id: b.id, startedAt: b.at, stoppedAt: null, seconds: 0 }
        return ok(open, 201)
      }
      if (o.url.endsWith('/stop')) return ok({ ...open!, stoppedAt: new Date().toISOString(), seconds: 60 })
      return ok(null, 404)
    })
    const { container } = render(<Patrol />)
    await screen.findByText('今日已签到 0 / 1 个网格（0%）')
    const before = Date.now()
    fireEvent.click(container.querySelector('#patrol-start')!)
    await screen.findByText('巡查中')
    const start = calls().find((c) => c.url === '/api/v1/patrols')!.data as { id: string; at: string }
    expect(start.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(Date.parse(start.at)).toBeGreaterThanOrEqual(before - 1000)
    fireEvent.click(container.querySelector('#patrol-stop')!)
    await waitFor(() => expect(urls()).toContain(`POST /api/v1/patrols/${start.id}/stop`))
  })

  it('keeps start, check-in and stop on the phone while offline, shows them, and sends them in order later', async () => {
    request.mockImplementation(offline)
    ;(Taro.getLocation as jest.Mock).mockImplementation(() => Promise.resolve({ latitude: 38.9, longitude: 121.65, accuracy: 10 }))
    const { container } = render(<Patrol />)
    await waitFor(() => expect(container.querySelector('#patrol-start')).not.toBeNull())
    fireEvent.click(container.querySelector('#patrol-start')!)
    await screen.findByText('巡查中（待发送）')
    fireEvent.click(container.querySelector('#patrol-checkin')!)
    await waitFor(() => expect(patrolOutbox.list()).toHaveLength(2))
    fireEvent.click(container.querySelector('#patrol-stop')!)
    await waitFor(() => expect(patrolOutbox.list()).toHaveLength(3))
    await screen.findByText('待发送（3）')
    expect(container.querySelector('#patrol-pending')!.textContent).toMatch(/开始巡查 · .*签到 · .*结束巡查 · /)
    const [s, c, e] = patrolOutbox.list()
    expect([s!.kind, c!.kind, e!.kind]).toEqual(['start', 'checkin', 'stop'])
    expect((e as { sessionId: string }).sessionId).toBe((s as { sessionId: string }).sessionId)

    // The network is back: the server had another session open already, so the stop goes to that one.
    request.mockReset().mockImplementation((o: Req) => {
      if (o.url === '/api/v1/patrols') return ok({ id: 'srv-open', startedAt: '2026-11-27T01:00:00.000Z', stoppedAt: null, seconds: 0 })
      if (o.url === '/api/v1/patrol/checkins') return ok({ id: 'c1', gridCode: '210202001010001', gridName: '网格01', day: '2026-11-27', at: (o.data as { at: string }).at, companyId: null }, 201)
      if (o.url.endsWith('/stop')) return ok({ id: 'srv-open', startedAt: '2026-11-27T01:00:00.000Z', stoppedAt: '2026-11-27T02:00:00.000Z', seconds: 3600 })
      return ok(today())
    })
    await act(async () => { await flushPatrolOutbox() })
    expect(urls()).toEqual(['POST /api/v1/patrols', 'POST /api/v1/patrol/checkins', 'POST /api/v1/patrols/srv-open/stop'])
    const sent = calls().map((x) => (x.data as { at?: string } | undefined)?.at)
    expect(sent.every((at) => typeof at === 'string')).toBe(true)
    expect(calls()[1]!.data).toMatchObject({ lat: 38.9, lng: 121.65 }) // H5 locates in WGS-84, the API's datum
    expect(patrolOutbox.list()).toEqual([])
  })

  it('drops an action the server refuses and tells the inspector', async () => {
    request.mockImplementation((o: Req) => (o.url === '/api/v1/patrols' ? ok({ error: { code: 'auth.forbidden', message: '只有巡查人员可以开始巡查' } }, 403) : ok(today())))
    const { container } = render(<Patrol />)
    await screen.findByText('未在巡查')
    fireEvent.click(container.querySelector('#patrol-start')!)
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '开始巡查失败：只有巡查人员可以开始巡查' })))
    expect(patrolOutbox.list()).toEqual([])
  })

  it('makes v4 UUIDs', () => {
    expect(newSessionId(() => 0)).toBe('00000000-0000-4000-8000-000000000000')
    expect(new Set(Array.from({ length: 50 }, () => newSessionId())).size).toBe(50)
  })
})
