import './weapp-env'
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import Report from '../../src/pages/report/index'
import { session } from '../../src/services/session'
import { prefetchSubscribeTemplates, resetSubscribeTemplates } from '../../src/services/subscribe'
import { aCase, categories } from './fixtures'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const mock = (f: unknown) => f as AnyMock
const request = mock(Taro.request)
const subscribe = mock(Taro.requestSubscribeMessage)
const saveFile = jest.fn(({ tempFilePath, success }: { tempFilePath: string; success: (r: { savedFilePath: string }) => void }) => success({ savedFilePath: tempFilePath }))

let subscriptionsAnswer: { statusCode: number; data: unknown }
function routes(o: { url: string }) {
  const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
  if (o.url === '/api/v1/categories') return ok({ categories })
  if (o.url === '/api/v1/subscriptions/templates') return ok({ templates: { case_progress: 'tpl-progress', case_closed: 'tpl-closed' } })
  if (o.url === '/api/v1/subscriptions') return Promise.resolve({ ...subscriptionsAnswer, header: {} })
  if (o.url === '/api/v1/reports') return Promise.resolve({ statusCode: 201, data: { case: aCase({ id: 'c-new' }) }, header: {} })
  return Promise.resolve({ statusCode: 404, data: null, header: {} })
}

beforeEach(() => {
  storageMap.clear()
  resetSubscribeTemplates()
  for (const f of Object.values(Taro)) if (typeof f === 'function' && 'mockClear' in f) (f as AnyMock).mockClear()
  request.mockReset().mockImplementation(routes)
  subscribe.mockReset().mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'tpl-progress': 'accept' })
  subscriptionsAnswer = { statusCode: 200, data: { credits: { 'tpl-progress': 1 } } }
  mock(Taro.getLocation).mockResolvedValue({ latitude: 38.89, longitude: 121.64, accuracy: 20 })
  mock(Taro.chooseMedia).mockResolvedValue({ tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg', size: 1000 }] })
  mock(Taro.compressImage).mockResolvedValue({ tempFilePath: 'wxfile://tmp/a-small.jpg' })
  mock(Taro.getFileSystemManager).mockReturnValue({ saveFile, readFileSync: () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0]).buffer, unlinkSync: () => {} })
  session.save({ token: 'tok', user: { id: 'u1', name: '市民', roles: ['resident'], orgNodeCode: null } })
  storageMap.set('finecity.report-draft', { categoryCode: '06010', description: '人行道上有垃圾', address: '', anonymous: false })
})

/** Render the report page with a photo and a position, the template ids already cached. */
async function readyForm() {
  let container!: HTMLElement
  await act(async () => {
    container = render(<Report />).container
    await prefetchSubscribeTemplates()
  })
  await screen.findByText(/已定位/)
  fireEvent.click(container.querySelector('#pick-photos')!)
  await screen.findByText(/现场照片（1\//)
  return container.querySelector('#submit')!
}

const calls = (url: string) => request.mock.calls.filter((c) => (c[0] as { url: string }).url === url)

describe('subscribe-message consent on the submit tap (weapp)', () => {
  it('asks for case_progress within the tap, before submitting, then posts the answer', async () => {
    const submit = await readyForm()
    expect(calls('/api/v1/subscriptions/templates')).toHaveLength(1)
    saveFile.mockClear()

    fireEvent.click(submit)
    // Synchronously inside the tap (nothing awaited first), with the id cached at page load.
    expect(subscribe).toHaveBeenCalledTimes(1)
    expect(subscribe.mock.calls[0]![0]).toEqual({ tmplIds: ['tpl-progress'] })
    expect(saveFile).not.toHaveBeenCalled()
    expect(calls('/api/v1/reports')).toHaveLength(0)

    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/case/index?id=c-new' }))
    const [post] = calls('/api/v1/subscriptions')
    expect(post![0]).toMatchObject({ method: 'POST', data: { results: { 'tpl-progress': 'accept' } }, header: { authorization: 'Bearer tok' } })
    const [report] = calls('/api/v1/reports')
    expect(subscribe.mock.invocationCallOrder[0]!).toBeLessThan(request.mock.invocationCallOrder[request.mock.calls.indexOf(report!)]!)
  })

  it.each([
    ['the dialog fails', () => { subscribe.mockReset().mockRejectedValue({ errMsg: 'requestSubscribeMessage:fail', errCode: 20004 }) }, 0],
    ['recording the answer fails', () => { subscriptionsAnswer = { statusCode: 500, data: { error: { code: 'internal', message: 'boom' } } } }, 1],
    ['the answer never arrives (network)', () => { request.mockImplementation((o: { url: string }) => (o.url === '/api/v1/subscriptions' ? Promise.reject({ errMsg: 'request:fail' }) : routes(o))) }, 1],
  ])('still sends the report when %s', async (_name, arrange, posts) => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
    arrange()
    const submit = await readyForm()
    fireEvent.click(submit)
    expect(subscribe).toHaveBeenCalledWith({ tmplIds: ['tpl-progress'] })
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/case/index?id=c-new' }))
    expect(calls('/api/v1/reports')).toHaveLength(1)
    await waitFor(() => expect(calls('/api/v1/subscriptions')).toHaveLength(posts))
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '上报成功' }))
    warn.mockRestore()
  })

  it('submits without a prompt when the template ids could not be loaded', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {})
    request.mockImplementation((o: { url: string }) => (o.url === '/api/v1/subscriptions/templates' ? Promise.reject({ errMsg: 'request:fail' }) : routes(o)))
    const submit = await readyForm()
    fireEvent.click(submit)
    await waitFor(() => expect(Taro.redirectTo).toHaveBeenCalledWith({ url: '/pages/case/index?id=c-new' }))
    expect(subscribe).not.toHaveBeenCalled()
    expect(warn).toHaveBeenCalled()
    warn.mockRestore()
  })
})
