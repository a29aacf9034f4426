import type { jest } from '@jest/globals'
import { beforeEach, describe, expect, it } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { StatsOverviewDto, StatsPeriod } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import Dashboard from '../../src/packages/leader/pages/dashboard/index'
import { session } from '../../src/services/session'

type Req = { url: string }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const urls = () => request.mock.calls.map((c) => c[0].url)

const figures = (reported: number, closed: number, closedOnTime: number, open: number, overdue: number) =>
  ({ reported, closed, closedOnTime, onTimeRate: closed ? Math.round((closedOnTime / closed) * 1000) / 10 : null, open, overdue })

function overview(period: StatsPeriod): StatsOverviewDto {
  return {
    scope: { code: '210202', name: '中山区', level: 'district' }, period,
    from: '2026-11-01T00:00:00+08:00', asOf: '2026-11-27T08:00:00.000Z',
    today: { reported: 6, closed: 4 },
    figures: { ...figures(120, 100, 91, 35, 3), onTimeRate: 91 },
    units: [
      { code: '210202001', name: '海军广场街道', level: 'street', ...figures(40, 20, 20, 8, 0) },
      { code: '210202002', name: '人民路街道', level: 'street', ...figures(50, 40, 30, 12, 2) },
      { code: '210202003', name: '桃源街道', level: 'street', ...figures(3, 0, 0, 3, 1) },
    ],
  }
}

beforeEach(() => {
  storageMap.clear()
  request.mockReset().mockImplementation((o: Req) => {
    const period = (new URL(o.url, 'http://h').searchParams.get('period') ?? 'month') as StatsPeriod
    return Promise.resolve({ statusCode: 200, data: overview(period), header: {} })
  })
  session.save({ token: 'tok', user: { id: 'l1', name: '中山区领导', roles: ['leader'], orgNodeCode: '210202' } })
})

describe('leader dashboard', () => {
  it('shows the month by default from one stats request: today, overdue, the on-time rate and the units ranked', async () => {
    const { container } = render(<Dashboard />)
    await screen.findByText('中山区 · 本月')
    expect(urls()).toEqual(['/api/v1/stats/overview?period=month'])
    expect(screen.getByLabelText('今日新增 6 件').textContent).toBe('6今日新增')
    expect(screen.getByLabelText('今日办结 4 件').textContent).toBe('4今日办结')
    expect(screen.getByLabelText('超时未办 3 件').textContent).toBe('3超时未办')
    expect(screen.getByLabelText('本月按期结案率 91%').textContent).toBe('91%按期结案率（本月）')
    expect(container.querySelector('#stats-period')?.textContent).toContain('本月上报 120 件，办结 100 件（按期 91 件）；当前在办 35 件')

    const rows = [...container.querySelectorAll('.bar-row')]
    // Streets open their own figures: each row is a button named by what it shows.
    expect(rows.map((r) => r.getAttribute('role'))).toEqual(['button', 'button', 'button'])
    expect(rows.map((r) => r.textContent)).toEqual([
      '1. 海军广场街道100% · 办结 20（按期 20）· 上报 40',
      '2. 人民路街道75% · 办结 40（按期 30）· 上报 50 · 超时 2',
      '3. 桃源街道— · 办结 0（按期 0）· 上报 3 · 超时 1',
    ])
    const bars = rows.map((r) => (r.querySelector('.bar__fill') as HTMLElement).style.width)
    expect(bars).toEqual(['100%', '75%', '0%'])
    expect(rows[2].textContent).toContain('— · 办结 0（按期 0）· 上报 3 · 超时 1')
  })

  it('asks for another period when a chip is tapped', async () => {
    render(<Dashboard />)
    await screen.findByText('中山区 · 本月')
    fireEvent.click(screen.getByRole('tab', { name: '按周统计' }))
    await screen.findByText('中山区 · 本周')
    fireEvent.click(screen.getByRole('tab', { name: '按年统计' }))
    await screen.findByText('中山区 · 本年')
    expect(urls()).toEqual(['/api/v1/stats/overview?period=month', '/api/v1/stats/overview?period=week', '/api/v1/stats/overview?period=year'])
    expect(screen.getByLabelText('本年按期结案率 91%')).toBeTruthy()
  })

  it('opens a ranked unit\'s own figures and goes back up, keeping the period', async () => {
    request.mockImplementation((o: Req) => {
      const q = new URL(o.url, 'http://h').searchParams
      const base = overview((q.get('period') ?? 'month') as StatsPeriod)
      if (q.get('orgNodeCode') !== '210202001') return Promise.resolve({ statusCode: 200, data: base, header: {} })
      const street: StatsOverviewDto = {
        ...base, scope: { code: '210202001', name: '海军广场街道', level: 'street' },
        units: [{ code: '21020200101', name: '海军广场街道第1社区', level: 'community', ...figures(40, 20, 20, 8, 0) }],
      }
      return Promise.resolve({ statusCode: 200, data: street, header: {} })
    })
    render(<Dashboard />)
    fireEvent.click(await screen.findByRole('button', { name: /海军广场街道/ }))
    await screen.findByText('海军广场街道 · 本月')
    expect(screen.getByRole('button', { name: /海军广场街道第1社区/ })).toBeTruthy()
    fireEvent.click(screen.getByRole('tab', { name: '按周统计' }))
    await screen.findByText('海军广场街道 · 本周')
    fireEvent.click(screen.getByRole('button', { name: '返回上一级' }))
    await screen.findByText('中山区 · 本周')
    expect(urls()).toEqual([
      '/api/v1/stats/overview?period=month',
      '/api/v1/stats/overview?period=month&orgNodeCode=210202001',
      '/api/v1/stats/overview?period=week&orgNodeCode=210202001',
      '/api/v1/stats/overview?period=week',
    ])
  })

  it('reads a grid\'s row without offering to open it (nothing is below a grid)', async () => {
    request.mockImplementation(() => Promise.resolve({ statusCode: 200, header: {}, data: {
      ...overview('month'), scope: { code: '21020200101', name: '海军广场街道第1社区', level: 'community' },
      units: [{ code: '210202001010001', name: '网格01', level: 'grid', ...figures(4, 2, 2, 1, 0) }],
    } }))
    const { container } = render(<Dashboard />)
    await screen.findByText('海军广场街道第1社区 · 本月')
    const row = container.querySelector('.bar-row')!
    expect(row.getAttribute('role')).toBeNull()
    expect(row.getAttribute('aria-label')).toBe('第 1 名 网格01，按期结案率 100%，办结 2 件其中按期 2 件，上报 4 件，超时 0 件')
  })

  it('shows the server\'s refusal instead of figures', async () => {
    request.mockReset().mockResolvedValue({ statusCode: 403, data: { error: { code: 'auth.forbidden', message: '没有查看统计的权限' } }, header: {} })
    const { container } = render(<Dashboard />)
    await waitFor(() => expect(screen.getByText('没有查看统计的权限')).toBeTruthy())
    expect(container.querySelector('.stats')).toBeNull()
    expect(container.querySelector('.bar-row')).toBeNull()
  })
})
