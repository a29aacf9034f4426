import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { HotlineCaseDto, PlaceDto, TrackingDto, UserDto } from '@finecity/types'
import { routerParams, storageMap } from './__mocks__/taro'
import Hotline from '../../src/packages/staff/pages/hotline/index'
import Track from '../../src/pages/track/index'
import { session } from '../../src/services/session'
import { categories } from './fixtures'

// The 12319 call centre's 话务台 and the caller's public tracking page (issue 11, item 3).

type Req = { url: string; method: string; header?: Record<string, string> }
type FetchArgs = [string, { method: string; headers: Record<string, string>; body: FormData }]
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const fetchMock = jest.fn<(...a: unknown[]) => Promise<unknown>>()
const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
const answer = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body), headers: new Map<string, string>() })

const TOKEN = 'a'.repeat(43)
const operator: UserDto = { id: 'h1', name: '12319话务员01（演示）', roles: ['hotline'], orgNodeCode: '210200' }
const filed: HotlineCaseDto = {
  caseId: 'c1', caseNo: 'DL20261202-000007', callerName: '张*', callerPhone: '138****1234', categoryName: '暴露垃圾', state: 'submitted',
  place: '中山区 桃源街道', address: '中山路 100 号', locationPending: false, urgent: false, createdAt: '2026-12-02T02:00:00.000Z',
}
const places: PlaceDto[] = [{ code: '210202', name: '中山区', level: 'district', point: { lat: 38.91, lng: 121.64 }, hasChildren: true }]

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  fetchMock.mockReset()
  ;(globalThis as { fetch?: unknown }).fetch = fetchMock
})
afterEach(() => {
  for (const k of Object.keys(routerParams)) delete routerParams[k]
})

describe('the public tracking page', () => {
  const view: TrackingDto = {
    caseNo: 'DL20261202-000007', categoryName: '暴露垃圾', statusText: '已派遣，等待处置', place: '中山区 桃源街道',
    timeline: [{ title: '已收到', at: '2026-12-02 10:00' }, { title: '受理', at: '2026-12-02 10:30' }, { title: '派遣', at: '2026-12-02 11:00' }],
    replies: [{ body: '已安排维修，预计明天修复', at: '2026-12-02 11:30' }],
    photos: [],
  }

  it('shows status, steps and public replies without logging in, and sends no token of a stored session', async () => {
    session.save({ token: 'tok', user: operator })
    routerParams.t = TOKEN
    request.mockImplementation(() => ok(view))
    render(<Track />)
    expect(await screen.findByText('已派遣，等待处置')).toBeTruthy()
    expect(screen.getByText('DL20261202-000007')).toBeTruthy()
    // Times in words (the year only when it is not this year's).
    expect(screen.getAllByRole('listitem').map((li) => li.textContent?.replace('2026年', ''))).toEqual(['已收到12月2日 10:00', '受理12月2日 10:30', '派遣12月2日 11:00'])
    expect(screen.getByText('已安排维修，预计明天修复')).toBeTruthy()
    expect(request.mock.calls.map((c) => [c[0].url, c[0].header?.authorization])).toEqual([[`/api/v1/track/${TOKEN}`, undefined]])
    expect(Taro.redirectTo).not.toHaveBeenCalled()
  })

  it('says the link is not valid for a malformed token without asking the server, and for an unknown one', async () => {
    routerParams.t = 'short'
    const { unmount } = render(<Track />)
    expect(await screen.findByText('查询链接无效')).toBeTruthy()
    expect(request).not.toHaveBeenCalled()
    unmount()
    routerParams.t = TOKEN
    request.mockImplementation(() => Promise.resolve({ statusCode: 404, data: { error: { code: 'not_found', message: '查询链接无效或已失效' } }, header: {} }))
    render(<Track />)
    expect(await screen.findByText('查询链接无效')).toBeTruthy()
  })
})

describe('the 12319 话务台', () => {
  const serve = (o: Req) => {
    if (o.url === '/api/v1/categories') return ok({ categories })
    if (o.url.startsWith('/api/v1/hotline/cases')) return ok({ items: [filed], total: 1, page: 1, pageSize: 20 })
    if (o.url.startsWith('/api/v1/places')) return ok({ items: places })
    return ok({})
  }

  it('lists what was filed with callers masked', async () => {
    session.save({ token: 'tok', user: operator })
    request.mockImplementation(serve)
    render(<Hotline />)
    expect(await screen.findByText('来电人 张* 138****1234')).toBeTruthy()
    expect(screen.getByText('已登记来电（共 1 件）')).toBeTruthy()
  })

  it('files the call with a place picked by name, then shows the case number and that the SMS went out', async () => {
    session.save({ token: 'tok', user: operator })
    request.mockImplementation(serve)
    fetchMock.mockImplementation(async () => answer(201, { caseId: 'c2', caseNo: 'DL20261202-000008', replayed: false, locationPending: false, smsSent: true }))
    render(<Hotline />)
    fireEvent.change(screen.getByLabelText('来电人姓名'), { target: { value: '张三' } })
    fireEvent.change(screen.getByLabelText('来电人手机号'), { target: { value: '13812341234' } })
    fireEvent.click(await screen.findByRole('button', { name: '用此地：中山区' }))
    expect(screen.getByText('已选：中山区')).toBeTruthy()
    fireEvent.click(await screen.findByRole('button', { name: /暴露垃圾/ }))
    fireEvent.change(screen.getByLabelText('问题描述'), { target: { value: '小区门口有垃圾' } })
    fireEvent.click(screen.getByRole('button', { name: '登记并发送短信' }))
    expect(await screen.findByText('DL20261202-000008')).toBeTruthy()
    expect(screen.getByText(/已向来电人发送短信/)).toBeTruthy()
    const post = fetchMock.mock.calls.find((c) => c[0] === '/api/v1/hotline/cases') as unknown as FetchArgs
    const form = post[1].body
    expect([form.get('callerName'), form.get('callerPhone'), form.get('lat'), form.get('lng'), form.get('categoryCode'), form.get('address')]).toEqual(['张三', '13812341234', '38.91', '121.64', '06010', null])
    expect(post[1].headers['Idempotency-Key']).toMatch(/^rpt-/)
    expect(post[1].headers.authorization).toBe('Bearer tok')
  })

  it('asks for what is missing before sending anything', async () => {
    session.save({ token: 'tok', user: operator })
    request.mockImplementation(serve)
    render(<Hotline />)
    fireEvent.change(screen.getByLabelText('来电人姓名'), { target: { value: '张三' } })
    fireEvent.change(screen.getByLabelText('来电人手机号'), { target: { value: '1381234' } })
    fireEvent.click(screen.getByRole('button', { name: '登记并发送短信' }))
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请填写来电人的 11 位手机号' })))
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('tells other staff the page is the operators\'', async () => {
    session.save({ token: 'tok', user: { id: 'd1', name: '派遣员', roles: ['district'], orgNodeCode: '210202' } })
    request.mockImplementation(serve)
    render(<Hotline />)
    expect(await screen.findByText('仅 12319 话务员可使用话务台')).toBeTruthy()
    expect(request.mock.calls.map((c) => c[0].url)).not.toContain('/api/v1/hotline/cases?page=1&pageSize=20')
  })
})
