import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CompanyMonthDto, PatrolCheckinDto, UserDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import CompanyMonth from '../../src/packages/staff/pages/company/index'
import Patrol from '../../src/packages/staff/pages/patrol/index'
import { session } from '../../src/services/session'

// Third-party inspection companies in the mini-program (issue 11): the patrol page's 签到 and the company's month.
type Req = { url: string; method: string; data?: unknown }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const ok = (data: unknown, statusCode = 200) => Promise.resolve({ statusCode, data, header: {} })
const calls = () => request.mock.calls.map((c) => `${c[0].method} ${c[0].url}`)
const tp: UserDto = { id: 't1', name: '第三方采集员01', roles: ['third_party'], orgNodeCode: '210200' }

const month: CompanyMonthDto = {
  companyId: 'demo', name: '大连城市巡查服务有限公司（演示）', month: '2026-11', label: '2026年11月', published: false,
  finds: 12, confirmed: 9, validRate: 75, closed: 7, coverageRate: 62.5, missed: 1, missRate: 7.7, score: 70.1, rank: 1,
  grids: [{ gridCode: '210202001010001', gridName: '网格01', daysVisited: 20, daysDue: 30, finds: 8 }],
  missedCases: [{ caseId: 'c1', caseNo: 'DL20261113-000004', categoryCode: '06010', categoryName: '暴露垃圾', gridCode: '210202001010001', gridName: '网格01', reportedAt: '2026-11-13T02:00:00Z', source: 'enforcement', sourceLabel: '执法巡查' }],
}

beforeEach(() => {
  storageMap.clear()
  session.logout()
  request.mockReset()
  ;(Taro.navigateTo as jest.Mock).mockClear()
})

describe('日巡查 on the patrol page', () => {
  it('checks in where the inspector stands, with the time pressed, and shows the grid covered; links the company\'s month', async () => {
    session.save({ token: 'tok', user: tp })
    ;(Taro.getLocation as jest.Mock).mockImplementation(() => Promise.resolve({ latitude: 38.9, longitude: 121.6, accuracy: 10 }))
    const grid = { gridCode: '210202001010001', gridName: '桃源街道第1社区网格01' }
    let checkins: PatrolCheckinDto[] = []
    request.mockImplementation((o: Req) => {
      if (o.url === '/api/v1/patrol/checkins') {
        checkins = [{ id: 'k1', ...grid, day: '2026-11-25', at: (o.data as { at: string }).at, companyId: 'demo' }]
        return ok(checkins[0], 201)
      }
      return ok({ day: '2026-11-25', open: null, sessions: [], seconds: 0, checkins, finds: [], coverage: { grids: 2, visited: checkins.length, items: [{ ...grid, checkins: checkins.length }] } })
    })
    render(<Patrol />)
    await screen.findByText('今日已签到 0 / 2 个网格（0%）')
    fireEvent.click(screen.getByRole('button', { name: '在当前位置签到' }))
    await screen.findByText('今日已签到 1 / 2 个网格（50%）')
    expect(screen.getByText('已签到 1 次')).toBeTruthy()
    const post = request.mock.calls.find((c) => c[0].url === '/api/v1/patrol/checkins')![0]
    expect(post.method).toBe('POST')
    expect(Object.keys(post.data as object).sort()).toEqual(['at', 'lat', 'lng'])
    expect(calls().filter((c) => c === 'GET /api/v1/patrols/today')).toHaveLength(2)
    fireEvent.click(screen.getByRole('button', { name: '查看本公司月评估' }))
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/packages/staff/pages/company/index' })
  })
})

describe('the company\'s month', () => {
  it('shows the figures, coverage per grid and the 漏查 list of the inspector\'s own company', async () => {
    session.save({ token: 'tok', user: tp })
    request.mockImplementation((o: Req) => (o.url === '/api/v1/patrol/company' ? ok({ company: { id: 'demo' } }) : ok(month)))
    render(<CompanyMonth />)
    expect(await screen.findByText('DL20261113-000004')).toBeTruthy()
    expect(screen.getByText('62.5%')).toBeTruthy()
    expect(screen.getByText('执法巡查')).toBeTruthy()
    expect(screen.getByText('巡查 20/30 天 · 发现 8 件')).toBeTruthy()
    await waitFor(() => expect(calls().some((c) => /^GET \/api\/v1\/companies\/demo\/month\?month=\d{4}-\d{2}$/.test(c))).toBe(true))
  })
})
