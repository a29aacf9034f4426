import './weapp-env'
import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { AssessmentMapDto, AssessmentTrendDto, Indicators, ScorecardDto, StatsOverviewDto } from '@finecity/types'
import { INDICATOR_KEYS } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import Dashboard from '../../src/packages/leader/pages/dashboard/index'
import { session } from '../../src/services/session'

// The leader dashboard as the weapp draws it (no TARO_ENV=h5 here): the same figures as tables, no canvas.
type Req = { url: string }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const urls = () => request.mock.calls.map((c) => c[0].url)

const scope = (code: string) => (code === '210202001' ? { code, name: '海军广场街道', level: 'street' as const } : { code: '210202', name: '中山区', level: 'district' as const })

function stats(code: string, period: string): StatsOverviewDto {
  return {
    scope: scope(code), period: period as StatsOverviewDto['period'], from: '2026-11-01T00:00:00+08:00', asOf: '2026-11-27T08:00:00.000Z',
    today: { reported: 6, closed: 4 }, figures: { reported: 120, closed: 100, closedOnTime: 91, onTimeRate: 91, open: 35, overdue: 3 }, units: [],
  }
}

function trend(code: string): AssessmentTrendDto {
  return {
    period: 'month', at: '2026-11', label: '2026年11月', bucket: 'day', scope: scope(code), asOf: '2026-11-03T08:00:00.000Z',
    points: [{ date: '2026-11-01', label: '11月1日', reported: 0, closed: 0 }, { date: '2026-11-02', label: '11月2日', reported: 2, closed: 1 }],
    totals: { reported: 2, closed: 1 },
  }
}

const square = (x: number): AssessmentMapDto['features'][number]['geometry'] => ({ type: 'Polygon', coordinates: [[[x, 38.9], [x + 0.01, 38.9], [x + 0.01, 38.91], [x, 38.91], [x, 38.9]]] })
function map(code: string): AssessmentMapDto {
  const below = code === '210202001'
    ? [{ code: '21020200101', name: '第1社区', level: 'community' as const, open: 2, overdue: 0, hasChildren: true }]
    : [{ code: '210202001', name: '海军广场街道', level: 'street' as const, open: 3, overdue: 1, hasChildren: true }, { code: '210202002', name: '人民路街道', level: 'street' as const, open: 0, overdue: 0, hasChildren: true }]
  return {
    type: 'FeatureCollection', asOf: '2026-11-03T08:00:00.000Z', canGoUp: code === '210202001', unmapped: [],
    scope: { ...scope(code), parentCode: null, open: 3, overdue: 1 },
    features: below.map((p, i) => ({ type: 'Feature', id: p.code, geometry: square(121.6 + i / 50), properties: p })),
  }
}

const indicators = (onTimeRate: number | null): Indicators => ({ ...Object.fromEntries(INDICATOR_KEYS.map((k) => [k, 0])), onTimeRate } as Indicators)
function scorecard(level: string): ScorecardDto {
  return {
    period: 'month', at: '2026-11', level: level as ScorecardDto['level'], formulaVersion: '1', version: 0, published: false, publishedAt: null, reason: null, label: '2026年11月',
    rows: [
      { orgNodeCode: '210202002', name: '人民路街道', indicators: indicators(80), score: 71.5, rank: 2 },
      { orgNodeCode: '210202001', name: '海军广场街道', indicators: indicators(100), score: 93.3, rank: 1 },
    ],
  }
}

function answer(o: Req) {
  const u = new URL(o.url, 'http://h')
  const q = u.searchParams
  const code = q.get('orgNodeCode') ?? '210202'
  const data = u.pathname.endsWith('/stats/overview') ? stats(code, q.get('period') ?? 'month')
    : u.pathname.endsWith('/trend') ? trend(code)
      : u.pathname.endsWith('/map') ? map(code)
        : scorecard(q.get('level') ?? '')
  return Promise.resolve({ statusCode: 200, data, header: {} })
}

beforeEach(() => {
  storageMap.clear()
  request.mockReset().mockImplementation(answer)
  session.save({ token: 'tok', user: { id: 'l1', name: '中山区领导', roles: ['leader'], orgNodeCode: '210202' } })
})

describe('leader dashboard (weapp: tables instead of charts)', () => {
  it('loads the figures, trend, map and the streets\' scorecard once each, and shows them as text', async () => {
    const { container } = render(<Dashboard />)
    await screen.findByText('中山区 · 本月')
    await screen.findByText('1. 海军广场街道')
    expect([...urls()].sort()).toEqual([
      '/api/v1/assessment/map', `/api/v1/assessment/scorecards?period=month&at=${new URL(urls().find((x) => x.includes('scorecards'))!, 'http://h').searchParams.get('at')}&level=street`,
      '/api/v1/assessment/trend?period=month', '/api/v1/stats/overview?period=month',
    ])
    expect(screen.getByLabelText('超时未办 3 件').textContent).toBe('3超时未办')
    expect(container.querySelector('#panel-trend')?.textContent).toContain('11月2日21')
    expect(container.querySelector('#panel-trend')?.textContent).toContain('合计上报 2 件，办结 1 件')
    expect(screen.getByText('93.3 分')).toBeTruthy()
    const cards = [...container.querySelectorAll('.unit-card')].map((c) => c.textContent)
    expect(cards[0]).toContain('1. 海军广场街道 · 综合指标值 93.3')
    expect(cards[0]).toContain('按期结案率(%) 100')
    expect(cards[1]).toContain('2. 人民路街道 · 综合指标值 71.5')
    expect(container.querySelector('canvas')).toBeNull()
  })

  it('looks into a region when its row is tapped and goes back up, keeping the period', async () => {
    render(<Dashboard />)
    fireEvent.click(await screen.findByRole('button', { name: '海军广场街道：在办 3 件，超期 1 件' }))
    await screen.findByText('海军广场街道 · 本月')
    expect(await screen.findByRole('button', { name: '第1社区：在办 2 件，超期 0 件' })).toBeTruthy()
    expect(urls()).toContain('/api/v1/assessment/map?orgNodeCode=210202001')
    expect(urls().some((x) => x.includes('level=community&orgNodeCode=210202001'))).toBe(true)
    fireEvent.click(screen.getByRole('tab', { name: '按季统计' }))
    await waitFor(() => expect(urls()).toContain('/api/v1/assessment/trend?period=quarter&orgNodeCode=210202001'))
    fireEvent.click(screen.getAllByRole('button', { name: '返回上一级' })[0]!)
    await screen.findByText('中山区 · 本季度')
  })

  it('keeps the other panels when the scorecard is refused, and says why in Chinese', async () => {
    request.mockImplementation((o: Req) => (o.url.includes('/scorecards')
      ? Promise.resolve({ statusCode: 422, data: { error: { code: 'assessment.period_invalid', message: '时间与周期不符' } }, header: {} })
      : answer(o)))
    render(<Dashboard />)
    expect((await screen.findAllByText('考核数据暂不可用：时间与周期不符')).length).toBe(2)
    expect(screen.getByText('合计上报 2 件，办结 1 件')).toBeTruthy()
  })
})
