import './weapp-env'
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { NearbyCaseDto, PinPlaceDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import Report from '../../src/pages/report/index'
import NearbyList from '../../src/components/NearbyList'
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../src/lib/coords'
import { distanceM } from '../../src/lib/geo'
import {
  CITY_CENTRE, PLACE_DEBOUNCE_MS, debounce, deviceText, initialPicker, nearbyDistance, nearbyLine, nearbyMarkers, nearbyQuery, nudge, pickerReducer,
  pinBlocksSubmit, placeText, reportersText, shouldLookUp,
} from '../../src/lib/pin-picker'
import { session } from '../../src/services/session'
import { categories } from './fixtures'

const place: PinPlaceDto = { districtName: '中山区', streetName: '桃源街道', communityName: '桃源街道第3社区', gridName: '桃源街道第3社区网格07', label: '中山区 · 桃源街道 · 桃源街道第3社区 · 桃源街道第3社区网格07' }
const here = { lat: 38.892326, lng: 121.6386 }
const item = (over: Partial<NearbyCaseDto> = {}): NearbyCaseDto => ({
  id: '33333333-3333-4333-8333-333333333333', category: { code: '06010', name: '暴露垃圾' }, distanceM: 118, point: { lat: 38.8934, lng: 121.6386 }, state: 'registered', thumbUrl: null, supporters: 2, following: false, ...over,
})

describe('the pin picker state', () => {
  const located = pickerReducer(initialPicker(), { type: 'located', at: here, accuracy: 12.4 })

  it('starts on the city centre, locating, and asks the locator nothing until the device answers', () => {
    const s = initialPicker()
    expect(s.pin).toEqual(CITY_CENTRE)
    expect(s.device).toBe('locating')
    expect(shouldLookUp(s)).toBe(false)
    expect(pinBlocksSubmit(s)).toBe('正在定位，请稍候，或拖动地图选择问题位置')
    expect(deviceText(s)).toBe('正在获取您的位置…')
  })

  it('moves the pin to the device position and waits for the locator', () => {
    expect(located).toMatchObject({ device: 'located', accuracy: 12.4, pin: here, place: 'checking', seq: 1, via: 'device' })
    expect(shouldLookUp(located)).toBe(true)
    expect(deviceText(located)).toBe('已定位到您的位置（精度约 12 米），拖动地图让图钉对准问题所在处')
    expect(placeText(located)).toBe('正在识别图钉位置…')
    expect(pinBlocksSubmit(located)).toBeNull()
  })

  it('with location denied, keeps the city centre, looks it up, and asks for a pin placed by hand', () => {
    const denied = pickerReducer(initialPicker(), { type: 'denied' })
    expect(denied).toMatchObject({ device: 'denied', pin: CITY_CENTRE, seq: 0 })
    expect(shouldLookUp(denied)).toBe(true)
    expect(deviceText(denied)).toContain('请拖动地图或用下方的方向按钮')
    expect(pinBlocksSubmit(denied)).toBe('请先拖动地图，把图钉移到问题所在处')
    const moved = pickerReducer(denied, { type: 'moved', at: { lat: 38.9151234567, lng: 121.6150000001 } })
    expect(moved.pin).toEqual({ lat: 38.915123, lng: 121.615 })
    expect(pinBlocksSubmit(moved)).toBeNull()
  })

  it('takes the locator\'s answer for the current pin only', () => {
    const inside = pickerReducer(located, { type: 'place', seq: 1, place })
    expect(inside).toMatchObject({ place: 'inside', label: place.label })
    expect(placeText(inside)).toBe(`图钉位置：${place.label}`)
    const moved = pickerReducer(inside, { type: 'moved', at: { lat: 38.9, lng: 121.7 } })
    expect(moved).toMatchObject({ place: 'checking', seq: 2, label: undefined, via: 'hand' })
    // The answer about the previous pin arrives late: dropped.
    expect(pickerReducer(moved, { type: 'place', seq: 1, place })).toBe(moved)
    expect(pickerReducer(moved, { type: 'refused', seq: 1, message: 'x' })).toBe(moved)
  })

  it('moves the map to a position found and to each arrow step, from the latest pin; a drag leaves the view alone', () => {
    expect(located.view).toEqual({ at: here, n: 1 })
    const twice = pickerReducer(pickerReducer(located, { type: 'nudged', dir: 'north' }), { type: 'nudged', dir: 'north' })
    expect(distanceM(here, twice.pin)).toBeCloseTo(30, 0)
    expect(twice).toMatchObject({ seq: 3, via: 'hand', view: { at: twice.pin, n: 1 } })
    const dragged = pickerReducer(twice, { type: 'moved', at: { lat: 38.9, lng: 121.6 } })
    expect(dragged.view).toBe(twice.view)
    // 重新定位 to the same point: the view's count moves the map back even though the point is unchanged.
    expect(pickerReducer(dragged, { type: 'located', at: here }).view).toEqual({ at: here, n: 2 })
  })

  it('a map that stops where it already was changes nothing (no second lookup)', () => {
    expect(pickerReducer(located, { type: 'moved', at: { lat: here.lat + 1e-8, lng: here.lng } })).toBe(located)
  })

  it('refuses a pin outside the service area with the server\'s message, and blocks submitting', () => {
    const outside = pickerReducer(located, { type: 'refused', seq: 1, message: '该位置不在大连市服务范围内' })
    expect(outside.place).toBe('outside')
    expect(placeText(outside)).toBe('该位置不在大连市服务范围内')
    expect(pinBlocksSubmit(outside)).toBe('该位置不在大连市服务范围内')
    expect(nearbyQuery(outside, '06010')).toBeNull()
  })

  it('a failed lookup does not block: the server checks the report\'s point anyway', () => {
    const failed = pickerReducer(located, { type: 'failed', seq: 1, message: '网络不可用，请稍后重试' })
    expect(failed.place).toBe('unknown')
    expect(pinBlocksSubmit(failed)).toBeNull()
    expect(placeText(failed)).toBe('暂时无法识别图钉位置，提交后由系统核对')
  })

  it('builds the nearby query only with a category and a pin inside the area', () => {
    const inside = pickerReducer(located, { type: 'place', seq: 1, place })
    expect(nearbyQuery(located, '06010')).toBeNull()
    expect(nearbyQuery(inside, '')).toBeNull()
    expect(nearbyQuery(inside, '06010')).toEqual({ lat: here.lat, lng: here.lng, categoryCode: '06010' })
  })
})

describe('words and steps', () => {
  it('says distances to 10 m, as people say them', () => {
    expect(nearbyDistance(118)).toBe('约 120 米')
    expect(nearbyDistance(4)).toBe('不到 10 米')
    expect(nearbyDistance(10)).toBe('约 10 米')
    expect(nearbyDistance(1260)).toBe('约 1.3 公里')
    expect(nearbyDistance(Number.NaN)).toBe('')
  })

  it('counts the first reporter in 已有 N 人反映', () => {
    expect(reportersText(0)).toBe('已有 1 人反映')
    expect(reportersText(2)).toBe('已有 3 人反映')
    expect(nearbyLine(item())).toBe('暴露垃圾，约 120 米，已受理，已有 3 人反映')
  })

  it('nudges the pin by about 15 m in each direction', () => {
    for (const dir of ['north', 'south', 'east', 'west'] as const) {
      const next = nudge(here, dir)
      expect(distanceM(here, next)).toBeGreaterThan(14)
      expect(distanceM(here, next)).toBeLessThan(16)
    }
    expect(nudge(here, 'north').lat).toBeGreaterThan(here.lat)
    expect(nudge(here, 'west').lng).toBeLessThan(here.lng)
  })

  it('puts each nearby case on the map at its point, named as the list names it', () => {
    expect(nearbyMarkers([item(), item({ id: 'b', point: { lat: 38.9, lng: 121.6 } })])).toEqual([
      { id: '33333333-3333-4333-8333-333333333333', lat: 38.8934, lng: 121.6386, colour: 'none', label: '暴露垃圾，约 120 米，已受理，已有 3 人反映' },
      { id: 'b', lat: 38.9, lng: 121.6, colour: 'none', label: '暴露垃圾，约 120 米，已受理，已有 3 人反映' },
    ])
  })
})

describe('debounce', () => {
  beforeEach(() => { jest.useFakeTimers() })
  afterEach(() => { jest.useRealTimers() })

  it('runs once, with the last arguments, after the calls stop', () => {
    const seen: number[] = []
    const d = debounce((n: number) => seen.push(n), PLACE_DEBOUNCE_MS)
    d(1)
    jest.advanceTimersByTime(300)
    d(2)
    jest.advanceTimersByTime(399)
    expect(seen).toEqual([])
    jest.advanceTimersByTime(1)
    expect(seen).toEqual([2])
  })

  it('now runs at once and drops the pending call', () => {
    const seen: number[] = []
    const d = debounce((n: number) => seen.push(n), 100)
    d(1)
    d.now(2)
    jest.advanceTimersByTime(500)
    expect(seen).toEqual([2])
  })

  it('cancel drops the pending call', () => {
    const seen: number[] = []
    const d = debounce((n: number) => seen.push(n), 100)
    d(1)
    d.cancel()
    jest.advanceTimersByTime(500)
    expect(seen).toEqual([])
  })
})

// ---- The page (weapp paths: Taro.request, getLocation in GCJ-02; the map is the plain list stand-in) ----

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const mock = (f: unknown) => f as AnyMock
const request = mock(Taro.request)
type Req = { url: string; method: string; data?: unknown }
const calls = (part: string) => request.mock.calls.map((c) => c[0] as Req).filter((o) => o.url.includes(part))
const OUTSIDE = { lat: 39.5, lng: 122.5 }
let followed = 0

function routes(o: Req) {
  const ok = (data: unknown, statusCode = 200) => Promise.resolve({ statusCode, data, header: {} })
  if (o.url === '/api/v1/categories') return ok({ standardRef: 'GB/T 47678.5', categories })
  if (o.url.startsWith('/api/v1/map/place')) {
    const lat = Number(new URL(o.url, 'http://x').searchParams.get('lat'))
    return lat > 39 ? ok({ error: { code: 'location.outside_service_area', message: '该位置不在大连市服务范围内' } }, 422) : ok(place)
  }
  if (o.url.startsWith('/api/v1/cases/nearby')) return ok({ items: [item({ supporters: followed })], distanceM: 150, windowHours: 72 })
  if (o.url.endsWith('/follow')) { followed += 1; return ok({ caseId: item().id, following: true, supporters: followed }) }
  if (o.url === '/api/v1/subscriptions/templates') return ok({ templates: {} })
  return Promise.resolve({ statusCode: 404, data: null, header: {} })
}

const option = (root: HTMLElement, name: string) => [...root.querySelectorAll('.category-option')].find((e) => e.textContent?.includes(name))!

describe('the report page\'s pin picker', () => {
  beforeEach(() => {
    storageMap.clear()
    followed = 0
    request.mockReset().mockImplementation(routes)
    const gcj = wgs84ToGcj02(here)
    mock(Taro.getLocation).mockReset().mockResolvedValue({ latitude: gcj.lat, longitude: gcj.lng, accuracy: 20 })
    mock(Taro.showToast).mockClear()
    mock(Taro.redirectTo).mockClear()
    session.save({ token: 'tok', user: { id: 'u1', name: '市民', roles: ['resident'], orgNodeCode: null } })
  })

  it('locates, names the pin\'s place once, lists nearby cases for the chosen category and follows one with 我也遇到', async () => {
    const { container } = render(<Report />)
    await screen.findByText(`图钉位置：${place.label}`)
    expect(screen.getByText(/^已定位到您的位置（精度约 20 米）/)).toBeTruthy()
    // One lookup, for the device's point back in WGS-84 (the weapp locates in GCJ-02).
    expect(calls('/api/v1/map/place')).toHaveLength(1)
    const asked = new URL(calls('/api/v1/map/place')[0]!.url, 'http://x').searchParams
    const back = gcj02ToWgs84(wgs84ToGcj02(here))
    expect([Number(asked.get('lat')), Number(asked.get('lng'))]).toEqual([back.lat, back.lng])
    expect(calls('/api/v1/cases/nearby')).toHaveLength(0)

    fireEvent.click(option(container, '暴露垃圾'))
    await screen.findByText('已有 1 人反映')
    expect(calls('/api/v1/cases/nearby')[0]!.url).toBe(`/api/v1/cases/nearby?lat=${back.lat}&lng=${back.lng}&categoryCode=06010`)
    expect(screen.getByText('约 120 米 · 已受理')).toBeTruthy()
    expect(container.querySelector('#submit')!.textContent).toBe('仍然提交上报')

    fireEvent.click(container.querySelector(`#follow-${item().id}`)!)
    await waitFor(() => expect(mock(Taro.redirectTo).mock.calls[0]?.[0]).toEqual({ url: `/pages/case/index?id=${item().id}` }))
    expect(calls('/follow')[0]).toMatchObject({ method: 'POST', url: `/api/v1/cases/${item().id}/follow` })
    expect(mock(Taro.showToast).mock.calls.map((c) => (c[0] as { title: string }).title)).toContain('已关注，进展会通知您')
  })

  it('refuses a pin outside the service area with the server\'s message and blocks submitting', async () => {
    const gcj = wgs84ToGcj02(OUTSIDE)
    mock(Taro.getLocation).mockResolvedValue({ latitude: gcj.lat, longitude: gcj.lng, accuracy: 20 })
    const { container } = render(<Report />)
    await waitFor(() => expect(container.querySelector('#submit-blocked')?.textContent).toBe('该位置不在大连市服务范围内，请移动图钉后再提交'))
    expect(container.querySelector('#submit')!.getAttribute('aria-disabled')).toBe('true')
  })

  it('with location denied, opens on the city centre with a hint; the arrow buttons move the pin, debounced into one lookup', async () => {
    mock(Taro.getLocation).mockRejectedValue(new Error('getLocation:fail auth deny'))
    const { container } = render(<Report />)
    await screen.findByText(`图钉位置：${place.label}`)
    expect(container.querySelector('#location-text')!.textContent).toContain('没能获取您的位置')
    expect(calls('/api/v1/map/place')[0]!.url).toBe(`/api/v1/map/place?lat=${CITY_CENTRE.lat}&lng=${CITY_CENTRE.lng}`)
    // Three quick presses: the pin moves three steps north and the locator is asked once, about the last.
    for (let i = 0; i < 3; i++) fireEvent.click(screen.getByLabelText('图钉向北移 15 米'))
    await waitFor(() => expect(calls('/api/v1/map/place')).toHaveLength(2), { timeout: 2000 })
    await act(() => new Promise((r) => setTimeout(r, PLACE_DEBOUNCE_MS + 100)))
    expect(calls('/api/v1/map/place')).toHaveLength(2)
    const lat = Number(new URL(calls('/api/v1/map/place')[1]!.url, 'http://x').searchParams.get('lat'))
    expect(distanceM(CITY_CENTRE, { lat, lng: CITY_CENTRE.lng })).toBeCloseTo(45, 0)
  })

  it('keeps the draft text when the page is left', async () => {
    const { container } = render(<Report />)
    await screen.findByText(`图钉位置：${place.label}`)
    fireEvent.click(option(container, '暴露垃圾'))
    await waitFor(() => expect((storageMap.get('finecity.report-draft') as { categoryCode: string }).categoryCode).toBe('06010'))
  })
})

describe('the nearby list', () => {
  it('offers 我也遇到 on a case the resident does not follow yet, and 查看进展 on one they follow or reported', () => {
    const followed: string[] = []
    const opened: string[] = []
    const mineId = '44444444-4444-4444-8444-444444444444'
    const { container } = render(
      <NearbyList items={[item(), item({ id: mineId, following: true, thumbUrl: '/api/v1/photos/p1/thumb?sig=x' })]} distanceM={50} windowHours={72} busyId={null}
        onFollow={(c) => followed.push(c.id)} onOpen={(c) => opened.push(c.id)} />,
    )
    expect(container.textContent).toContain('50 米内、3 天内的同类问题')
    expect(screen.getByLabelText('我也遇到：暴露垃圾，约 120 米，已受理，已有 3 人反映')).toBeTruthy()
    fireEvent.click(container.querySelector(`#follow-${item().id}`)!)
    fireEvent.click(container.querySelector(`#nearby-open-${mineId}`)!)
    expect(followed).toEqual([item().id])
    expect(opened).toEqual([mineId])
    expect(container.querySelector(`#follow-${mineId}`)).toBeNull()
  })

  it('shows nothing when no case is near', () => {
    const { container } = render(<NearbyList items={[]} distanceM={50} windowHours={72} busyId={null} onFollow={() => {}} onOpen={() => {}} />)
    expect(container.textContent).toBe('')
  })
})
