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
  it('asks the server for pending extensions and deadline colours instead of filtering a page', async () => {
    request.mockResolvedValue({ statusCode: 200, data: { items: [], total: 0, page: 1, pageSize: 50 }, header: {} })
    await api.listCases({ pendingExtension: true, pageSize: 50 })
    await api.listCases({ due: ['red', 'overdue'], q: 'DL2026' })
    await api.listCases({ pendingExtension: false, due: [] })
    const urls = request.mock.calls.map((c) => (c[0] as { url: string }).url)
    expect(urls).toEqual(['/api/v1/cases?pendingExtension=true&pageSize=50', '/api/v1/cases?q=DL2026&due=red%2Coverdue', '/api/v1/cases'])
  })
  it('reads the units one may dispatch to, below the own node or a given parent', async () => {
    const units = [{ code: '210202001', name: '海军广场街道', level: 'street', parentCode: '210202', hasChildren: true }]
    request.mockResolvedValue({ statusCode: 200, data: { items: units }, header: {} })
    await expect(api.orgUnits()).resolves.toEqual(units)
    await api.orgUnits('DEPT-210202-CG')
    expect(request.mock.calls.map((c) => c[0])).toMatchObject([
      { url: '/api/v1/org/units', method: 'GET', header: { authorization: 'Bearer tok' } },
      { url: '/api/v1/org/units?parent=DEPT-210202-CG', method: 'GET' },
    ])
  })
  it('reads the stats overview of a period, optionally of a unit inside the scope', async () => {
    request.mockResolvedValue({ statusCode: 200, data: { period: 'week' }, header: {} })
    await api.statsOverview()
    await api.statsOverview({ period: 'week', orgNodeCode: '210202001' })
    expect(request.mock.calls.map((c) => (c[0] as { url: string }).url)).toEqual(['/api/v1/stats/overview', '/api/v1/stats/overview?period=week&orgNodeCode=210202001'])
  })
  it('re-reads the user (with today\'s duty) from /me and keeps it in the session', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { user: { id: 'u1', name: '网格员', roles: ['inspector'], orgNodeCode: 'G1', duty: { slot: 'B', onDuty: true } } }, header: {} })
    await expect(session.refreshUser()).resolves.toMatchObject({ duty: { slot: 'B', onDuty: true } })
    expect(request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/me', method: 'GET' })
    expect(session.user()?.duty).toEqual({ slot: 'B', onDuty: true })
    expect(session.token()).toBe('tok')
    request.mockRejectedValueOnce({ errMsg: 'request:fail' })
    await expect(session.refreshUser()).resolves.toMatchObject({ name: '网格员' })
  })
  it('sends the check-in point with sign (JSON), rounded to 6 decimals, and nothing without one', async () => {
    request.mockResolvedValue({ statusCode: 200, data: { case: { id: 'id-1' } }, header: {} })
    await api.sign('id-1', '到场', { lat: 38.89232612, lng: 121.63860049 })
    await api.sign('id-1')
    expect(request.mock.calls[0]![0]).toMatchObject({ url: '/api/v1/cases/id-1/actions/sign', method: 'POST', data: { note: '到场', lat: 38.892326, lng: 121.6386 } })
    const plain = (request.mock.calls[1]![0] as { data: Record<string, unknown> }).data
    expect(plain).not.toHaveProperty('lat')
    expect(plain).not.toHaveProperty('lng')
  })
  it('sends the check-in point with handle as multipart text fields beside the after-photos', async () => {
    fetchMock.mockImplementation(async (url: unknown) => (String(url).startsWith('blob:') ? photoBlob : answer(200, { case: { id: 'id-1', state: 'handled' } })))
    await expect(api.handle('id-1', '已清理', ['blob:after-1'], { lat: 38.8923261, lng: 121.6386 })).resolves.toMatchObject({ state: 'handled' })
    const post = fetchMock.mock.calls.find((c) => c[0] === '/api/v1/cases/id-1/actions/handle') as unknown as FetchArgs
    expect(post[1].body.get('lat')).toBe('38.892326')
    expect(post[1].body.get('lng')).toBe('121.6386')
    expect(post[1].body.get('note')).toBe('已清理')
    expect(post[1].body.getAll('photos')).toHaveLength(1)
  })
  it('treats a missing sandbox as "no demo accounts", not an error', async () => {
    request.mockResolvedValueOnce({ statusCode: 404, data: { error: { code: 'not_found', message: '接口不存在' } }, header: {} })
    await expect(api.sandboxAccounts()).resolves.toBeNull()
  })
  it('reads subscribe template ids and posts the consent results', async () => {
    request.mockResolvedValueOnce({ statusCode: 200, data: { templates: { case_progress: 'tpl-1' } }, header: {} })
    request.mockResolvedValueOnce({ statusCode: 200, data: { credits: { 'tpl-1': 2 }, longTerm: {} }, header: {} })
    await expect(api.subscriptionTemplates()).resolves.toEqual({ templates: { case_progress: 'tpl-1' } })
    await expect(api.recordSubscriptions({ 'tpl-1': 'accept' })).resolves.toEqual({ credits: { 'tpl-1': 2 }, longTerm: {} })
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
