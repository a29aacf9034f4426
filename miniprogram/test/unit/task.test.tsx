import './weapp-env'
import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CaseEventDto } from '@finecity/types'
import { routerParams, storageMap } from './__mocks__/taro'
import Task from '../../src/packages/staff/pages/task/index'
import { wgs84ToGcj02 } from '../../src/lib/coords'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const mock = (f: unknown) => f as AnyMock
const request = mock(Taro.request)
type Req = { url: string; method: string; data?: unknown }

const ID = '11111111-1111-4111-8111-111111111111'
/** The inspector stands 30 m north of the reported point; the weapp locates in GCJ-02. */
const here = { lat: 38.892326 + 30 / 111_195, lng: 121.6386 }
const gcj = wgs84ToGcj02(here)
const signEvent = (checkIn: unknown): CaseEventDto => ({
  seq: 3, action: 'sign', fromState: 'dispatched', toState: 'in_progress', actor: { id: 'i1', role: 'inspector', name: '网格员A' },
  at: '2026-11-27T03:00:00.000Z', note: null, photos: [], data: { checkIn },
})
const signed = aCase({ state: 'in_progress', allowedActions: ['handle'], version: 4, events: [signEvent({ ...here, distanceM: 30, onSite: true })] })
const handled = aCase({ state: 'handled', allowedActions: [], version: 5, events: [signEvent({ ...here, distanceM: 1234, onSite: false })] })

function routes(o: Req) {
  const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
  if (o.url === `/api/v1/cases/${ID}`) return ok({ case: aCase({ allowedActions: ['sign', 'return'] }) })
  if (o.url.endsWith('/actions/sign')) return ok({ case: signed })
  if (o.url.endsWith('/actions/handle')) return ok({ case: handled })
  return Promise.resolve({ statusCode: 404, data: null, header: {} })
}
const call = (suffix: string) => request.mock.calls.map((c) => c[0] as Req).find((o) => o.url.endsWith(suffix))

beforeEach(() => {
  storageMap.clear()
  routerParams.id = ID
  request.mockReset().mockImplementation(routes)
  mock(Taro.getLocation).mockReset().mockResolvedValue({ latitude: gcj.lat, longitude: gcj.lng, accuracy: 15 })
  mock(Taro.showToast).mockClear()
  mock(Taro.chooseMedia).mockResolvedValue({ tempFiles: [{ tempFilePath: 'wxfile://tmp/after.jpg', size: 1000 }] })
  mock(Taro.compressImage).mockResolvedValue({ tempFilePath: 'wxfile://tmp/after-small.jpg' })
  mock(Taro.getFileSystemManager).mockReturnValue({ readFileSync: () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0]).buffer })
  session.save({ token: 'tok', user: { id: 'i1', name: '网格员A', roles: ['inspector'], orgNodeCode: '210202001010001', duty: { slot: 'A', onDuty: true } } })
})

describe('on-site check-in on the task page (weapp)', () => {
  it('sends the located point, back in WGS-84, with sign and then with handle, and shows what the server recorded', async () => {
    const { container } = render(<Task />)
    await waitFor(() => expect(container.querySelector('#act-sign')).not.toBeNull())
    fireEvent.click(container.querySelector('#check-in')!)
    await screen.findByText('已到达现场：约 30 米，签收和提交处置时一并记录')

    fireEvent.click(container.querySelector('#act-sign')!)
    await screen.findByText('现场打卡：距问题点约 30 米')
    const sign = call('/actions/sign')!.data as { lat: number; lng: number }
    expect(sign.lat).toBeCloseTo(here.lat, 5)
    expect(sign.lng).toBeCloseTo(here.lng, 5)
    expect(sign.lat).toBe(Math.round(sign.lat * 1e6) / 1e6) // 6 decimals

    fireEvent.click(container.querySelector('#handle-photos')!)
    await screen.findByText('处置后照片（1/9）')
    fireEvent.click(container.querySelector('#act-handle')!)
    await screen.findByText('不在现场（约 1.2 公里）')
    const body = Buffer.from(call('/actions/handle')!.data as ArrayBuffer).toString('latin1')
    expect(body).toContain(`name="lat"\r\n\r\n${sign.lat}\r\n`)
    expect(body).toContain(`name="lng"\r\n\r\n${sign.lng}\r\n`)
    expect(body).toContain('name="photos"; filename="photo-1.jpg"')
  })

  it('signs without coordinates when the inspector has not checked in', async () => {
    const { container } = render(<Task />)
    await waitFor(() => expect(container.querySelector('#act-sign')).not.toBeNull())
    fireEvent.click(container.querySelector('#act-sign')!)
    await waitFor(() => expect(call('/actions/sign')).toBeDefined())
    expect(call('/actions/sign')!.data).not.toHaveProperty('lat')
    expect(Taro.getLocation).not.toHaveBeenCalled()
  })

  it('says so when locating fails, and sends nothing', async () => {
    mock(Taro.getLocation).mockReset().mockRejectedValue({ errMsg: 'getLocation:fail auth deny' })
    const { container } = render(<Task />)
    await waitFor(() => expect(container.querySelector('#act-sign')).not.toBeNull())
    fireEvent.click(container.querySelector('#check-in')!)
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: expect.stringMatching(/^定位失败/) })))
    expect(container.querySelector('#check-in-result')).toBeNull()
  })
})

describe('导航 on the task page (weapp)', () => {
  it('opens WeChat\'s map at the case\'s place in GCJ-02', async () => {
    mock(Taro.openLocation).mockClear()
    const { container } = render(<Task />)
    await waitFor(() => expect(container.querySelector(`#nav-${ID}`)).not.toBeNull())
    fireEvent.click(container.querySelector(`#nav-${ID}`)!)
    await waitFor(() => expect(Taro.openLocation).toHaveBeenCalled())
    const o = mock(Taro.openLocation).mock.calls[0]![0] as { latitude: number; longitude: number; name: string }
    const g = wgs84ToGcj02({ lat: 38.892326, lng: 121.6386 })
    expect(o.latitude).toBeCloseTo(g.lat, 6)
    expect(o.longitude).toBeCloseTo(g.lng, 6)
    expect(o.name).toBe('暴露垃圾（DL20261127-000001）')
  })
})
