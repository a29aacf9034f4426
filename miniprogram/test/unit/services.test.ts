import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import { api, ApiError } from '../../src/services/api'
import { flushOutbox, outbox, submitReport } from '../../src/services/outbox'
import { requestSubscribe } from '../../src/services/platform'
import { session } from '../../src/services/session'

type FetchArgs = [string, { method: string; headers: Record<string, string>; body: FormData }]
const fetchMock = jest.fn<(...a: unknown[]) => Promise<unknown>>()
const request = Taro.request as unknown as jest.Mock<(o: unknown) => Promise<unknown>>

function answer(status: number, body: unknown) {
  return { status, text: async () => JSON.stringify(body), headers: new Map<string, string>() }
}
const photoBlob = { blob: async () => new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' }) }
const fields = { categoryCode: '06010', description: '垃圾', lat: 38.892326, lng: 121.6386, anonymous: false }

beforeEach(() => {
  storageMap.clear()
  session.logout()
  fetchMock.mockReset()
  request.mockReset()
  ;(globalThis as { fetch?: unknown }).fetch = fetchMock
  session.save({ token: 'tok', user: { id: 'u1', name: '市民', roles: ['resident'], orgNodeCode: null } })
})

describe('API client', () => {
  it('sends the bearer token and maps an error body to its stable code', async () => {
    request.mockResolvedValueOnce({ statusCode: 409, data: { error: { code: 'case.transition_not_allowed', message: '当前状态不能签收' } }, header: {} })
    const err = await api.act('id-1', 'sign').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 409, code: 'case.transition_not_allowed', message: '当前状态不能签收' })
    expect(request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/cases/id-1/actions/sign', method: 'POST', header: { authorization: 'Bearer tok' } })
  })
  it('builds list filters into the query string', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { items: [], total: 0, page: 1, pageSize: 20 }, header: {} })
    await api.listCases({ state: ['submitted', 'registered'], q: '井盖', mine: true })
    expect((request.mock.calls[0]![0] as { url: string }).url).toBe('/api/v1/cases?state=submitted%2Cregistered&q=%E4%BA%95%E7%9B%96&mine=true')
  })
  it('treats a missing sandbox as "no demo accounts", not an error', async () => {
    request.mockResolvedValueOnce({ statusCode: 404, data: { error: { code: 'not_found', message: '接口不存在' } }, header: {} })
    await expect(api.sandboxAccounts()).resolves.toBeNull()
  })
  it('reads subscribe template ids and posts the consent results', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { templates: { case_progress: 'tpl-1' } }, header: {} })
    request.mockResolvedValueOnce({ statusCode: 200, data: { credits: { 'tpl-1': 2 } }, header: {} })
    await expect(api.subscriptionTemplates()).resolves.toEqual({ case_progress: 'tpl-1' })
    await expect(api.recordSubscriptions({ 'tpl-1': 'accept' })).resolves.toEqual({ 'tpl-1': 2 })
    expect(request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/subscriptions/templates', method: 'GET' })
    expect(request.mock.calls[1]![0]).toMatchObject({ url: '/api/v1/subscriptions', method: 'POST', data: { results: { 'tpl-1': 'accept' } }, header: { authorization: 'Bearer tok' } })
  })
})

describe('subscribe-message consent in H5', () => {
  it('has no requestSubscribeMessage there: resolves to no results without calling it', async () => {
    await expect(requestSubscribe(['tpl-1'])).resolves.toEqual({})
    expect(Taro.requestSubscribeMessage).not.toHaveBeenCalled()
  })
})

describe('report outbox (weak network)', () => {
  it('keeps a report whose request failed and retries it with the same Idempotency-Key', async () => {
    fetchMock.mockImplementation(async (url: unknown) => {
      if (String(url).startsWith('blob:') || String(url).startsWith('data:')) return photoBlob
      throw new TypeError('Failed to fetch')
    })
    const first = await submitReport(fields, ['blob:photo-1'], 'rpt-test-0001')
    expect(first.status).toBe('queued')
    expect(outbox.list()).toHaveLength(1)
    expect(outbox.list()[0]!.photos[0]).toMatch(/^data:image\/jpeg;base64,/) // survives a reload

    fetchMock.mockImplementation(async (url: unknown) => {
      if (String(url).startsWith('data:')) return photoBlob
      return answer(201, { case: { id: 'c1', caseNo: 'DL1' } })
    })
    const sent = await flushOutbox()
    expect(sent.map((c) => c.id)).toEqual(['c1'])
    expect(outbox.list()).toHaveLength(0)
    const post = fetchMock.mock.calls.find((c) => c[0] === '/api/v1/reports') as unknown as FetchArgs
    expect(post[1].headers).toMatchObject({ 'Idempotency-Key': 'rpt-test-0001', authorization: 'Bearer tok' })
    expect(post[1].body.getAll('photos')).toHaveLength(1)
    expect(post[1].body.get('categoryCode')).toBe('06010')
  })
  it('drops a report the server refuses (4xx) and shows why', async () => {
    fetchMock.mockImplementation(async (url: unknown) => (String(url).startsWith('/api') ? answer(422, { error: { code: 'location.outside_service_area', message: '不在服务范围内' } }) : photoBlob))
    await expect(submitReport(fields, ['blob:p'])).rejects.toMatchObject({ code: 'location.outside_service_area' })
    expect(outbox.list()).toHaveLength(0)
  })
})
