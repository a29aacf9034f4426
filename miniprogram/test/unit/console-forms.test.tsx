import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import { storageMap } from './__mocks__/taro'
import ActionPanel, { reasonNote } from '../../src/components/ActionPanel'
import { nextZoom } from '../../src/components/ui/Lightbox'
import { commandFor, isTyping, SHORTCUTS } from '../../src/packages/staff/pages/console/keymap'
import { dateRange, filterCount, listQuery, pageInfo, QUEUES } from '../../src/packages/staff/pages/console/queues'
import { isDate } from '../../src/lib/time'
import { batchErrorText, todayText } from '../../src/packages/staff/pages/console/index'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

type Req = { url: string; method: string; data?: Record<string, unknown> }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const CASE = '11111111-1111-4111-8111-111111111111'
const sent = () => request.mock.calls.map((c) => c[0]).filter((o) => o.method === 'POST')
const toasts = () => (Taro.showToast as jest.Mock).mock.calls.map((c) => (c[0] as { title: string }).title)
const byId = (container: HTMLElement, id: string) => container.querySelector(`#${id}`)! as HTMLElement

beforeEach(() => {
  storageMap.clear()
  request.mockReset().mockImplementation((o: Req) => Promise.resolve(o.method === 'POST'
    ? { statusCode: 200, data: { case: aCase({ allowedActions: [] }) }, header: {} }
    : { statusCode: 200, data: { items: [] }, header: {} }))
  ;(Taro.showToast as jest.Mock).mockClear()
  session.save({ token: 'tok', user: { id: 'd1', name: '派遣员', roles: ['district'], orgNodeCode: '210202' } })
})

describe('one form per action, no shared note box', () => {
  it('shows no 说明或理由 box, and the less frequent actions only behind their own button', () => {
    const { container } = render(<ActionPanel c={aCase({ state: 'submitted', allowedActions: ['register', 'reject', 'escalate'] })} onDone={() => {}} />)
    expect(screen.queryByLabelText('说明或理由')).toBeNull()
    expect(byId(container, 'act-register')).toBeTruthy()
    expect(container.querySelector('#reject-note')).toBeNull()
    fireEvent.click(byId(container, 'open-reject'))
    expect(byId(container, 'reject-note')).toBeTruthy()
    expect(container.querySelector('#escalate-note')).toBeNull()
    // One form open at a time.
    fireEvent.click(byId(container, 'open-escalate'))
    expect(container.querySelector('#reject-note')).toBeNull()
    expect(byId(container, 'escalate-note')).toBeTruthy()
  })

  it('reject: a reason from the list plus a note, sent as one line; toasts read naturally', async () => {
    const onDone = jest.fn()
    const { container } = render(<ActionPanel c={aCase({ state: 'submitted', allowedActions: ['register', 'reject'] })} onDone={onDone} />)
    fireEvent.click(byId(container, 'open-reject'))
    fireEvent.click(byId(container, 'act-reject'))
    expect(toasts()).toContain('请选择理由')
    fireEvent.click(screen.getByRole('radio', { name: '重复上报' }))
    fireEvent.input(screen.getByLabelText('补充说明（选填）'), { target: { value: '同一井盖已有 DL20261203-000001' } })
    fireEvent.click(byId(container, 'act-reject'))
    await waitFor(() => expect(onDone).toHaveBeenCalled())
    expect(sent()[0]).toMatchObject({ url: `/api/v1/cases/${CASE}/actions/reject`, data: { note: '重复上报：同一井盖已有 DL20261203-000001' } })
    expect(toasts()).toContain('已不予受理')
    expect(toasts().some((t) => /成功成功|完成成功/.test(t))).toBe(false)
  })

  it('return: "其他" needs the note', async () => {
    const { container } = render(<ActionPanel c={aCase({ allowedActions: ['sign', 'return'] })} onDone={() => {}} />)
    fireEvent.click(byId(container, 'open-return'))
    fireEvent.click(screen.getByRole('radio', { name: '其他' }))
    fireEvent.click(byId(container, 'act-return'))
    expect(toasts()).toContain('选择“其他”时请填写说明')
    fireEvent.input(screen.getByLabelText('说明'), { target: { value: '该路段属开发区管辖' } })
    fireEvent.click(byId(container, 'act-return'))
    await waitFor(() => expect(sent()).toHaveLength(1))
    expect(sent()[0]!.data).toEqual({ note: '该路段属开发区管辖' })
  })

  it('extension request: hours (a chip or typed) and a reason', async () => {
    const { container } = render(<ActionPanel c={aCase({ allowedActions: ['handle', 'request-extension'] })} onDone={() => {}} />)
    fireEvent.click(byId(container, 'open-request-extension'))
    fireEvent.click(screen.getByRole('radio', { name: '48 小时' }))
    fireEvent.click(byId(container, 'act-request-extension'))
    expect(toasts()).toContain('请填写延期理由')
    fireEvent.input(screen.getByLabelText('或填写小时数'), { target: { value: '800' } })
    fireEvent.input(screen.getByLabelText('延期理由'), { target: { value: '需等待管线单位配合' } })
    fireEvent.click(byId(container, 'act-request-extension'))
    expect(toasts()).toContain('延期小时数应为 1 到 720 之间的整数')
    fireEvent.click(screen.getByRole('radio', { name: '72 小时' }))
    fireEvent.click(byId(container, 'act-request-extension'))
    await waitFor(() => expect(sent()).toHaveLength(1))
    expect(sent()[0]!.data).toEqual({ hours: 72, note: '需等待管线单位配合' })
  })

  it('extension decision: approve or deny with an optional note, the request shown', async () => {
    const c = aCase({ allowedActions: ['decide-extension'], pendingExtension: { hours: 24, reason: '材料未到' } })
    const { container } = render(<ActionPanel c={c} onDone={() => {}} />)
    expect(screen.getByText('申请延期 24 小时：材料未到')).toBeTruthy()
    fireEvent.input(screen.getByLabelText('审批意见（选填）'), { target: { value: '理由不充分' } })
    fireEvent.click(byId(container, 'act-decide-extension-no'))
    await waitFor(() => expect(sent()).toHaveLength(1))
    expect(sent()[0]).toMatchObject({ url: `/api/v1/cases/${CASE}/actions/decide-extension`, data: { approved: false, note: '理由不充分' } })
  })

  it('verify: pass in one tap; fail needs a reason', async () => {
    const { container } = render(<ActionPanel c={aCase({ state: 'handled', allowedActions: ['verify'] })} onDone={() => {}} />)
    fireEvent.click(byId(container, 'act-verify-fail'))
    expect(toasts()).toContain('请选择或填写不通过的原因')
    expect(sent()).toHaveLength(0)
    fireEvent.click(screen.getByRole('radio', { name: '现场问题仍在' }))
    fireEvent.click(byId(container, 'act-verify-fail'))
    await waitFor(() => expect(sent()).toHaveLength(1))
    expect(sent()[0]!.data).toEqual({ passed: false, note: '现场问题仍在' })
    expect(toasts()).toContain('核查结果已提交')
  })

  it('dispatch: complexity and a target taken from outside (the console\'s map)', async () => {
    const onTarget = jest.fn()
    const { container } = render(<ActionPanel c={aCase({ state: 'registered', allowedActions: ['dispatch'] })} onDone={() => {}} target={{ code: '210202001010002', name: '第1社区网格02' }} onTarget={onTarget} />)
    expect(screen.getByText('将派往：第1社区网格02')).toBeTruthy()
    fireEvent.click(screen.getByRole('radio', { name: '紧急' }))
    fireEvent.click(byId(container, 'act-dispatch'))
    await waitFor(() => expect(sent()).toHaveLength(1))
    expect(sent()[0]!.data).toEqual({ complexity: 'urgent', orgNodeCode: '210202001010002' })
    fireEvent.click(screen.getByRole('button', { name: '按网格自动派遣' }))
    expect(onTarget).toHaveBeenCalledWith('', undefined)
  })

  it('dispatch picker: a type-ahead over the area instead of drilling 22 communities', async () => {
    request.mockImplementation((o: Req) => Promise.resolve({ statusCode: 200, header: {}, data: o.url.includes('q=') ? { items: [{ code: '210202001010002', name: '海军广场街道第1社区网格02', level: 'grid', parentCode: '21020200101', hasChildren: false, unitType: null, unitTypeLabel: null }] } : { items: [] } }))
    const { container } = render(<ActionPanel c={aCase({ state: 'registered', allowedActions: ['dispatch'] })} onDone={() => {}} />)
    fireEvent.input(screen.getByLabelText('搜索网格或社区'), { target: { value: '网格02' } })
    fireEvent.click(await screen.findByRole('button', { name: '派往海军广场街道第1社区网格02' }))
    expect(request.mock.calls.map((c) => c[0].url)).toContain(`/api/v1/org/units?q=${encodeURIComponent('网格02')}`)
    expect(screen.getByText('将派往：海军广场街道第1社区网格02（网格）')).toBeTruthy()
    fireEvent.click(byId(container, 'act-dispatch'))
    await waitFor(() => expect(sent()[0]?.data).toMatchObject({ orgNodeCode: '210202001010002' }))
  })

  it('escalate and suspend each ask for their own reason', () => {
    const { container } = render(<ActionPanel c={aCase({ allowedActions: ['escalate', 'suspend'] })} onDone={() => {}} />)
    fireEvent.click(byId(container, 'open-suspend'))
    fireEvent.click(byId(container, 'act-suspend'))
    expect(toasts()).toContain('请填写挂账理由')
    fireEvent.click(byId(container, 'open-escalate'))
    fireEvent.click(byId(container, 'act-escalate'))
    expect(toasts()).toContain('请填写上报理由')
    expect(sent()).toHaveLength(0)
  })

  it('reasonNote joins the list\'s reason and the note', () => {
    expect(reasonNote('重复上报', '')).toBe('重复上报')
    expect(reasonNote('重复上报', ' 见另一件 ')).toBe('重复上报：见另一件')
    expect(reasonNote('其他', '自定义')).toBe('自定义')
    expect(reasonNote('', '')).toBe('')
  })
})

describe('console keyboard map', () => {
  const input = { tagName: 'INPUT', getAttribute: () => null }
  const div = { tagName: 'DIV', getAttribute: () => null }
  it('maps j/k and the arrows to next and previous, letters to the action buttons, ? to the overlay', () => {
    expect(commandFor({ key: 'j', target: div })).toEqual({ kind: 'next' })
    expect(commandFor({ key: 'ArrowDown', target: div })).toEqual({ kind: 'next' })
    expect(commandFor({ key: 'k', target: div })).toEqual({ kind: 'prev' })
    expect(commandFor({ key: 'r', target: div })).toEqual({ kind: 'click', ids: ['act-register'] })
    expect(commandFor({ key: 'd', target: div })).toEqual({ kind: 'click', ids: ['act-dispatch'] })
    expect(commandFor({ key: 'p', target: div })).toEqual({ kind: 'click', ids: ['act-verify-pass'] })
    expect(commandFor({ key: '?', target: div })).toEqual({ kind: 'help' })
    expect(commandFor({ key: 'q', target: div })).toBeNull()
  })
  it('never fires while typing in a field, or with a modifier held', () => {
    expect(commandFor({ key: 'j', target: input })).toBeNull()
    expect(commandFor({ key: 'r', target: { tagName: 'TEXTAREA' } })).toBeNull()
    expect(commandFor({ key: 'r', target: { tagName: 'DIV', isContentEditable: true } })).toBeNull()
    expect(commandFor({ key: 'r', target: { tagName: 'DIV', getAttribute: (n: string) => (n === 'role' ? 'textbox' : null) } })).toBeNull()
    expect(commandFor({ key: 'r', ctrlKey: true, target: div })).toBeNull()
    expect(commandFor({ key: 'r', metaKey: true, target: div })).toBeNull()
    expect(isTyping(null)).toBe(false)
  })
  it('gives every key one meaning', () => {
    const keys = SHORTCUTS.flatMap((s) => s.keys)
    expect(new Set(keys).size).toBe(keys.length)
  })
})

describe('console queues, pages and filters', () => {
  const incoming = QUEUES.find((q) => q.key === 'incoming')!
  const overdue = QUEUES.find((q) => q.key === 'overdue')!
  it('sorts by SLA, keeps the filters with the search, and pages by 50', () => {
    expect(listQuery(incoming, { categoryCode: '06010', source: 'patrol', from: '2026-12-01', to: '2026-12-03' }, '井盖', 2)).toEqual({
      state: ['submitted'], categoryCode: '06010', orgNodeCode: undefined, source: 'patrol', from: '2026-12-01', to: '2026-12-03', q: '井盖', sort: 'sla', page: 2, pageSize: 50,
    })
    expect(listQuery(overdue, { due: ['overdue', 'green'] }, '', 1)?.due).toEqual(['overdue'])
    expect(listQuery(overdue, { due: ['green'] }, '', 1)).toBeNull()
  })
  it('says where the pager is: 第 2/9 页', () => {
    expect(pageInfo(425, 2)).toEqual({ pages: 9, text: '第 2/9 页', prev: true, next: true })
    expect(pageInfo(0, 1)).toEqual({ pages: 1, text: '第 1/1 页', prev: false, next: false })
    expect(pageInfo(50, 1).next).toBe(false)
  })
  it('counts filters and reads Beijing dates', () => {
    expect(filterCount({})).toBe(0)
    expect(filterCount({ categoryCode: '06010', due: ['red'], from: '2026-12-01' })).toBe(3)
    expect(isDate('2026-02-30')).toBe(false)
    expect(isDate('2026-12-03')).toBe(true)
    // 23:30 UTC on 2 December is 3 December in Beijing.
    expect(dateRange('today', new Date('2026-12-02T23:30:00Z'))).toEqual({ from: '2026-12-03', to: '2026-12-03' })
    expect(dateRange('week', new Date('2026-12-02T23:30:00Z'))).toEqual({ from: '2026-11-27', to: '2026-12-03' })
    expect(dateRange('month', new Date('2026-12-02T23:30:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-03' })
    expect(todayText(new Date('2026-12-02T23:30:00Z'))).toBe('12月3日 星期四')
  })
  it('says a failed batch item\'s reason in words', () => {
    expect(batchErrorText({ caseId: 'x', ok: false, status: null, error: { code: 'case.transition_not_allowed', message: '案件当前状态（registered）不能执行该操作（register）' } })).toBe('当前状态不能办理（可能已被他人办理）')
    expect(batchErrorText({ caseId: 'x', ok: false, status: null, error: { code: 'case.version_conflict', message: '…' } })).toBe('案件已被他人更新，请刷新后再办理')
  })
})

describe('lightbox zoom', () => {
  it('steps 100 → 150 → 200 → 300 → 400 % and back, never past the ends', () => {
    expect(nextZoom(1, 1)).toBe(1.5)
    expect(nextZoom(1.5, 1)).toBe(2)
    expect(nextZoom(4, 1)).toBe(4)
    expect(nextZoom(2, -1)).toBe(1.5)
    expect(nextZoom(1, -1)).toBe(1)
  })
})
