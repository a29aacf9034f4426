import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { OrgUnitDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import ActionPanel from '../../src/components/ActionPanel'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

type Req = { url: string; method: string; data?: Record<string, unknown> }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })

const unit = (code: string, name: string, level: OrgUnitDto['level'], parentCode: string, hasChildren: boolean): OrgUnitDto => ({ code, name, level, parentCode, hasChildren, unitType: null, unitTypeLabel: null })
/** The district dispatcher's tree: streets and departments below 210202, then communities, then grids. */
const CHILDREN: Record<string, OrgUnitDto[]> = {
  '': [unit('210202001', '海军广场街道', 'street', '210202', true), unit('DEPT-210202-CG', '中山区城管局', 'department', '210202', false)],
  '210202001': [unit('210202001010', '海军广场第1社区', 'community', '210202001', true)],
  '210202001010': [unit('210202001010001', '第1社区网格01', 'grid', '210202001010', false), unit('210202001010002', '第1社区网格02', 'grid', '210202001010', false)],
}

function routes(o: Req) {
  const u = new URL(o.url, 'http://h')
  if (u.pathname === '/api/v1/org/units') return ok({ items: CHILDREN[u.searchParams.get('parent') ?? ''] ?? [] })
  if (u.pathname.endsWith('/actions/dispatch')) return ok({ case: aCase({ state: 'dispatched', allowedActions: [] }) })
  return Promise.resolve({ statusCode: 404, data: null, header: {} })
}
const unitRequests = () => request.mock.calls.map((c) => c[0].url).filter((u) => u.startsWith('/api/v1/org/units'))
const dispatchBody = () => request.mock.calls.find((c) => c[0].url.endsWith('/actions/dispatch'))?.[0].data

const registered = () => aCase({ state: 'registered', allowedActions: ['dispatch', 'reject'], complexity: null })

beforeEach(() => {
  storageMap.clear()
  request.mockReset().mockImplementation(routes)
  ;(Taro.showToast as jest.Mock).mockClear()
  session.save({ token: 'tok', user: { id: 'd1', name: '中山区派遣员', roles: ['district'], orgNodeCode: '210202' } })
})

describe('dispatch picker', () => {
  it('drills street → community → grid and dispatches to the grid picked, with the complexity', async () => {
    const onDone = jest.fn()
    render(<ActionPanel c={registered()} onDone={onDone} />)
    expect(screen.getByText('将派往：按网格自动派遣')).toBeTruthy()
    fireEvent.click(await screen.findByRole('button', { name: '查看海军广场街道的下级单位' }))
    fireEvent.click(await screen.findByRole('button', { name: '查看海军广场第1社区的下级单位' }))
    fireEvent.click(await screen.findByRole('button', { name: '派往第1社区网格02' }))
    expect(screen.getByText('海军广场街道 › 海军广场第1社区')).toBeTruthy()
    expect(screen.getByText('将派往：第1社区网格02（网格）')).toBeTruthy()
    fireEvent.click(screen.getByRole('radio', { name: '复杂（72 小时）' }))
    fireEvent.click(screen.getByRole('button', { name: '派遣' }))
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(expect.objectContaining({ state: 'dispatched' })))
    expect(dispatchBody()).toEqual({ complexity: 'complex', orgNodeCode: '210202001010002' })
    expect(unitRequests()).toEqual(['/api/v1/org/units', '/api/v1/org/units?parent=210202001', '/api/v1/org/units?parent=210202001010'])
  })

  it('goes back up without asking the server again, and can pick a department', async () => {
    render(<ActionPanel c={registered()} onDone={() => {}} />)
    fireEvent.click(await screen.findByRole('button', { name: '查看海军广场街道的下级单位' }))
    await screen.findByRole('button', { name: '派往海军广场第1社区' })
    fireEvent.click(screen.getByRole('button', { name: '返回上一级单位' }))
    fireEvent.click(await screen.findByRole('button', { name: '派往中山区城管局' }))
    expect(screen.getByText('将派往：中山区城管局（处置单位）')).toBeTruthy()
    expect(screen.queryByRole('button', { name: '查看中山区城管局的下级单位' })).toBeNull()
    expect(unitRequests()).toHaveLength(2)
    fireEvent.click(screen.getByRole('button', { name: '派遣' }))
    await waitFor(() => expect(dispatchBody()).toEqual({ complexity: 'simple', orgNodeCode: 'DEPT-210202-CG' }))
  })

  it('dispatches by grid by default (no orgNodeCode), and offers the case\'s own grid', async () => {
    const { unmount } = render(<ActionPanel c={registered()} onDone={() => {}} />)
    await screen.findByRole('button', { name: '派往海军广场街道' })
    fireEvent.click(screen.getByRole('button', { name: '派遣' }))
    await waitFor(() => expect(dispatchBody()).toBeDefined())
    expect(JSON.parse(JSON.stringify(dispatchBody()))).toEqual({ complexity: 'simple' }) // as sent: no orgNodeCode
    unmount()

    request.mockClear()
    render(<ActionPanel c={registered()} onDone={() => {}} />)
    fireEvent.click(screen.getByRole('button', { name: '派往本案网格海军广场街道第1社区网格01' }))
    expect(screen.getByText('将派往：海军广场街道第1社区网格01（网格）')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '派遣' }))
    await waitFor(() => expect(dispatchBody()).toMatchObject({ orgNodeCode: '210202001010001' }))
  })

  it('falls back to a typed unit code when the units cannot be read', async () => {
    request.mockImplementation((o: Req) => (o.url.startsWith('/api/v1/org/units')
      ? Promise.resolve({ statusCode: 403, data: { error: { code: 'auth.forbidden', message: '当前账号没有所属单位' } }, header: {} })
      : routes(o)))
    render(<ActionPanel c={registered()} onDone={() => {}} />)
    expect(await screen.findByText('可派遣单位加载失败（当前账号没有所属单位），可直接输入单位编码')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('或输入单位编码'), { target: { value: ' 210202001010002 ' } })
    expect(screen.getByText('将派往：单位编码 210202001010002')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: '派遣' }))
    await waitFor(() => expect(dispatchBody()).toMatchObject({ orgNodeCode: '210202001010002' }))
  })

  it('asks for no units when the case cannot be dispatched', async () => {
    render(<ActionPanel c={aCase({ state: 'submitted', allowedActions: ['register', 'reject'] })} onDone={() => {}} />)
    expect(screen.getByRole('button', { name: '受理立案' })).toBeTruthy()
    expect(screen.queryByText(/派往单位/)).toBeNull()
    await new Promise((r) => setTimeout(r, 20))
    expect(request).not.toHaveBeenCalled()
  })
})
