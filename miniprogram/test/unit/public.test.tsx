import type { jest } from '@jest/globals'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { PublicCaseDto, PublicCaseListDto, PublicMapDto, TrackingDto, UserDto } from '@finecity/types'
import { routerParams, storageMap } from './__mocks__/taro'
import PublicHome from '../../src/packages/public/pages/index/index'
import PublicCase from '../../src/packages/public/pages/case/index'
import Track from '../../src/pages/track/index'
import { lightboxPhotos } from '../../src/components/PublicCase'
import { dateRangeError as dateError } from '../../src/lib/time'
import {
  activeCount, caseLabel, filterQuery, pageInfo, quickRange, reportersText,
} from '../../src/packages/public/api'
import { session } from '../../src/services/session'
import { categories } from './fixtures'

// The public pages (issue 13, items 3 and 4): /public's map, filters and list, the public case page, and the
// tracking page's published photos. No page sends a stored session's token.

type Req = { url: string; method: string; header?: Record<string, string> }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
const ID = '0b6f3c1e-5a2d-4c8e-9f10-2a3b4c5d6e7f'
const resident: UserDto = { id: 'r1', name: '市民', roles: ['resident'], orgNodeCode: null }

const item: PublicCaseListDto['items'][number] = {
  id: ID, category: { code: '06010', name: '暴露垃圾' }, open: true, statusText: '已派遣，等待处置', place: '中山区 桃源街道 桃源社区',
  point: { lat: 38.91, lng: 121.64 }, reportedAt: '2026-12-02 10:00', thumbUrl: null,
}
const closedItem = { ...item, id: ID.replace('0b6f', '1c70'), category: { code: '08020', name: '路灯不亮' }, open: false, statusText: '已结案' }
const list: PublicCaseListDto = { items: [item, closedItem], total: 25, totalCapped: false, page: 1, pageSize: 20 }
const map: PublicMapDto = { points: [{ id: ID, lat: 38.91, lng: 121.64, open: true, categoryName: '暴露垃圾' }, { id: closedItem.id, lat: 38.92, lng: 121.65, open: false, categoryName: '路灯不亮' }], truncated: false }
const one: PublicCaseDto = {
  ...item, description: '人行道上有一堆垃圾', timeline: [{ title: '已收到', at: '2026-12-02 10:00' }, { title: '受理', at: '2026-12-02 10:30' }],
  replies: [{ body: '已安排清运', at: '2026-12-02 11:00' }],
  photos: [{ kind: 'before', url: '/api/v1/photos/p1/full?sig=x', thumbUrl: '/api/v1/photos/p1/thumb?sig=x' }, { kind: 'after', url: '/api/v1/photos/p2/full?sig=x', thumbUrl: '/api/v1/photos/p2/thumb?sig=x' }],
  supporters: 2,
}

function serve(o: Req) {
  const path = o.url.split('?')[0]
  if (path === '/api/v1/categories') return ok({ standardRef: 'GB/T 47678.5', categories })
  if (path === '/api/v1/public/districts') return ok({ districts: [{ code: '210202', name: '中山区' }, { code: '210203', name: '西岗区' }] })
  if (path === '/api/v1/public/cases') return ok(list)
  if (path === '/api/v1/public/map') return ok(map)
  if (path === `/api/v1/public/cases/${ID}`) return ok(one)
  return Promise.resolve({ statusCode: 404, data: { error: { code: 'not_found', message: '案件不存在或尚未公开' } }, header: {} })
}

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  request.mockImplementation(serve)
})
afterEach(() => {
  for (const k of Object.keys(routerParams)) delete routerParams[k]
})

describe('the public filters in words and query strings', () => {
  it('builds the list and map query from the set filters only, with the page for the list', () => {
    expect(filterQuery({})).toBe('')
    expect(filterQuery({}, 1)).toBe('?page=1&pageSize=20')
    expect(filterQuery({ categoryCode: '06010', categoryName: '暴露垃圾', status: 'closed', districtCode: '210202', from: '2026-12-01', to: '2026-12-03' }, 2))
      .toBe('?categoryCode=06010&status=closed&districtCode=210202&from=2026-12-01&to=2026-12-03&page=2&pageSize=20')
    expect(filterQuery({ districtCode: 'PZ-GXQ' })).toBe('?districtCode=PZ-GXQ')
  })

  it('gives quick ranges as Beijing dates, today included', () => {
    // 2026-12-03 17:30 UTC is already 12-04 in Beijing.
    const now = new Date('2026-12-03T17:30:00Z')
    expect(quickRange('week', now)).toEqual({ from: '2026-11-28', to: '2026-12-04' })
    expect(quickRange('month', now)).toEqual({ from: '2026-11-05', to: '2026-12-04' })
    expect(quickRange('quarter', now).to).toBe('2026-12-04')
  })

  it('refuses impossible and reversed dates in words', () => {
    expect(dateError('', '')).toBeNull()
    expect(dateError('2026-12-01', '')).toBeNull()
    expect(dateError('2026-02-30', '')).toBe('日期格式为 2026-12-03')
    expect(dateError('2026-12-3', '')).toBe('日期格式为 2026-12-03')
    expect(dateError('2026-12-03', '2026-12-01')).toBe('开始日期不能晚于结束日期')
  })

  it('counts the set filters, says the page and names a case', () => {
    expect(activeCount({})).toBe(0)
    expect(activeCount({ status: 'open', from: '2026-12-01', categoryCode: '06010' })).toBe(3)
    expect(pageInfo(25, 2)).toEqual({ text: '共 25 件 · 第 2/2 页', prev: true, next: false })
    expect(pageInfo(0, 1)).toEqual({ text: '共 0 件 · 第 1/1 页', prev: false, next: false })
    // Past the server's count cap: at least this many.
    expect(pageInfo(10_000, 3, 20, true)).toEqual({ text: '共 10000+ 件 · 第 3/500+ 页', prev: true, next: true })
    expect(caseLabel({ category: '暴露垃圾', open: true })).toBe('暴露垃圾，办理中')
    expect(caseLabel(closedItem)).toBe('路灯不亮，已结案，中山区 桃源街道 桃源社区')
    expect(reportersText(0)).toBe('已有 1 人反映')
    expect(reportersText(2)).toBe('已有 3 人反映')
    const photos = lightboxPhotos(one.photos)
    expect([photos.before.map((p) => p.url), photos.after.map((p) => p.url)]).toEqual([[one.photos[0]!.url], [one.photos[1]!.url]])
  })
})

describe('/public', () => {
  const urls = () => request.mock.calls.map((c) => c[0].url)

  it('loads the cases, the map points and the filter choices once, without a stored token', async () => {
    session.save({ token: 'tok', user: resident })
    render(<PublicHome />)
    expect(await screen.findByText('共 25 件 · 第 1/2 页', { selector: '#pub-total' })).toBeTruthy()
    expect(screen.getByText('中山区 桃源街道 桃源社区', { selector: `#pub-case-${ID} *` })).toBeTruthy()
    // Markers: what and its status, open amber and closed green.
    expect(screen.getByText('暴露垃圾，办理中，黄灯')).toBeTruthy()
    expect(screen.getByText('路灯不亮，已结案，正常')).toBeTruthy()
    expect(urls().sort()).toEqual(['/api/v1/categories', '/api/v1/public/cases?page=1&pageSize=20', '/api/v1/public/districts', '/api/v1/public/map'])
    expect(request.mock.calls.every((c) => !c[0].header?.authorization)).toBe(true)
  })

  it('applies a filter to the list (from page 1) and the map, and opens a case from the list', async () => {
    render(<PublicHome />)
    await screen.findByText('共 25 件 · 第 1/2 页', { selector: '#pub-total' })
    fireEvent.click(document.getElementById('pub-next')!)
    await waitFor(() => expect(urls()).toContain('/api/v1/public/cases?page=2&pageSize=20'))
    // The filters start folded on a phone.
    expect(document.getElementById('public-filters')).toBeNull()
    fireEvent.click(document.getElementById('pub-filters-toggle')!)
    fireEvent.click(await screen.findByText('已结案', { selector: '#pf-status-closed *' }))
    fireEvent.click(await screen.findByText('西岗区'))
    await waitFor(() => expect(urls()).toContain('/api/v1/public/cases?status=closed&districtCode=210203&page=1&pageSize=20'))
    expect(urls()).toContain('/api/v1/public/map?status=closed&districtCode=210203')
    expect(screen.getByText('筛选（已选 2 项）')).toBeTruthy()
    fireEvent.input(document.getElementById('pf-from')!, { target: { value: '2026-12-09' } })
    fireEvent.input(document.getElementById('pf-to')!, { target: { value: '2026-12-01' } })
    expect(await screen.findByText('开始日期不能晚于结束日期')).toBeTruthy()
    expect(urls().some((u) => u.includes('to=2026-12-01'))).toBe(false)
    fireEvent.click(document.getElementById(`pub-case-${ID}`)!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: `/packages/public/pages/case/index?id=${ID}` })
  })

  it('picks a category by typing and clears it', async () => {
    render(<PublicHome />)
    await screen.findByText('共 25 件 · 第 1/2 页', { selector: '#pub-total' })
    fireEvent.click(document.getElementById('pub-filters-toggle')!)
    const cat = categories[0]!
    fireEvent.input(await waitFor(() => document.getElementById('pf-category')!), { target: { value: cat.name } })
    fireEvent.click(await waitFor(() => document.getElementById(`pf-category-${cat.code}`)!))
    await waitFor(() => expect(urls()).toContain(`/api/v1/public/cases?categoryCode=${cat.code}&page=1&pageSize=20`))
    expect(screen.getByText(cat.name, { selector: '#pf-category-chosen' })).toBeTruthy()
    fireEvent.click(document.getElementById('pf-category-clear')!)
    await waitFor(() => expect(document.getElementById('pf-category')).toBeTruthy())
  })

  it('says so when nothing matches, and offers to clear the filters', async () => {
    request.mockImplementation((o) => (o.url.startsWith('/api/v1/public/cases') ? ok({ items: [], total: 0, page: 1, pageSize: 20 }) : serve(o)))
    render(<PublicHome />)
    expect(await screen.findByText('没有符合条件的案件')).toBeTruthy()
    expect(screen.getByText('案件受理后会在这里公开')).toBeTruthy()
  })
})

describe('the public case page', () => {
  it('shows category, place, status, steps, replies, published photos and how many reported it; never a token', async () => {
    session.save({ token: 'tok', user: resident })
    routerParams.id = ID
    render(<PublicCase />)
    expect(await screen.findByText('已派遣，等待处置')).toBeTruthy()
    expect(screen.getByText('暴露垃圾', { selector: '#pubcase-category' })).toBeTruthy()
    expect(screen.getByText('位置：中山区 桃源街道 桃源社区')).toBeTruthy()
    expect(screen.getByText('已有 3 人反映')).toBeTruthy()
    expect(screen.getByText('已安排清运')).toBeTruthy()
    expect(screen.getAllByRole('listitem').map((li) => li.textContent?.replace('2026年', ''))).toEqual(['已收到12月2日 10:00', '受理12月2日 10:30'])
    expect(screen.getByLabelText('处置前照片 1，查看大图')).toBeTruthy()
    expect(screen.getByLabelText('处置后照片 1，查看大图')).toBeTruthy()
    expect(request.mock.calls.map((c) => [c[0].url, c[0].header?.authorization])).toEqual([[`/api/v1/public/cases/${ID}`, undefined]])
    fireEvent.click(document.getElementById('pubcase-public')!)
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/public/pages/index/index' })
  })

  it('says a case is not public for a bad id without asking, and for an unknown one', async () => {
    routerParams.id = 'nope'
    const { unmount } = render(<PublicCase />)
    expect(await screen.findByText('案件不存在或尚未公开')).toBeTruthy()
    expect(request).not.toHaveBeenCalled()
    unmount()
    routerParams.id = ID.replace('0b6f', 'ffff')
    render(<PublicCase />)
    expect(await screen.findByText('案件不存在或尚未公开')).toBeTruthy()
  })
})

describe('the tracking page with published photos', () => {
  it('shows the photos staff published, and no photo section when there are none', async () => {
    const view: TrackingDto = {
      caseNo: 'DL20261202-000007', categoryName: '暴露垃圾', statusText: '已结案', place: '中山区 桃源街道',
      timeline: [{ title: '已收到', at: '2026-12-02 10:00' }], replies: [], photos: [one.photos[1]!],
    }
    routerParams.t = 'a'.repeat(43)
    request.mockImplementation(() => ok(view))
    const { unmount } = render(<Track />)
    expect(await screen.findByText('现场照片')).toBeTruthy()
    expect(screen.getByLabelText('处置后照片 1，查看大图')).toBeTruthy()
    expect(screen.getByText('暂无公开照片')).toBeTruthy() // no before-photo published
    unmount()
    request.mockImplementation(() => ok({ ...view, photos: [] }))
    render(<Track />)
    expect(await screen.findByText('DL20261202-000007')).toBeTruthy()
    expect(screen.queryByText('现场照片')).toBeNull()
  })
})
