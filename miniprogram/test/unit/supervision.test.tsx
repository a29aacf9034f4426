import { beforeEach, describe, expect, it, type jest } from '@jest/globals'
import { fireEvent, render, screen, waitFor } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { CaseCommentDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import ActionPanel from '../../src/components/ActionPanel'
import CommentsPanel from '../../src/components/CommentsPanel'
import { session } from '../../src/services/session'
import { aCase } from './fixtures'

const request = Taro.request as unknown as jest.Mock<(o: unknown) => Promise<unknown>>
const CASE = '11111111-1111-4111-8111-111111111111'
beforeEach(() => {
  storageMap.clear()
  request.mockReset()
  ;(Taro.showToast as jest.Mock).mockClear()
})

const comment = (over: Partial<CaseCommentDto>): CaseCommentDto =>
  ({ id: 'c1', authorName: '网格员A', authorRole: 'inspector', body: '现场需要破路', public: false, mentions: [], at: '2026-11-27T02:00:00.000Z', ...over })

describe('督办 on the case page', () => {
  it('asks a leader for the 督办 requirement, then posts it', async () => {
    const { container } = render(<ActionPanel c={aCase({ allowedActions: ['supervise'] })} onDone={() => {}} />)
    // 督办 opens its own form: the requirement, and a time limit in hours if the leader sets one.
    fireEvent.click(container.querySelector('#open-supervise')!)
    fireEvent.click(container.querySelector('#act-supervise')!)
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请填写督办要求' }))
    expect(request).not.toHaveBeenCalled()
    request.mockResolvedValueOnce({ statusCode: 200, data: { case: aCase({ supervised: true }) }, header: {} })
    fireEvent.input(screen.getByLabelText('督办要求'), { target: { value: '请今日办结' } })
    fireEvent.click(screen.getByRole('radio', { name: '4 小时' }))
    expect(screen.getByText(/^须在 .+ 前办结$/)).toBeTruthy()
    fireEvent.click(container.querySelector('#act-supervise')!)
    await waitFor(() => expect(request).toHaveBeenCalled())
    const sent = request.mock.calls[0]![0] as { url: string; method: string; data: { note: string; dueAt: string } }
    expect(sent).toMatchObject({ url: `/api/v1/cases/${CASE}/actions/supervise`, method: 'POST', data: { note: '请今日办结' } })
    expect(Math.abs(Date.parse(sent.data.dueAt) - Date.now() - 4 * 3600_000)).toBeLessThan(60_000)
  })
})

describe('CommentsPanel', () => {
  it('shows the comments and lets staff post an internal note by default', async () => {
    session.save({ token: 't', user: { id: 'u1', name: '街道工作人员', roles: ['street'], orgNodeCode: '210202001' } })
    request.mockImplementation(async (o: unknown) => {
      const { method } = o as { method: string }
      if (method === 'GET') return { statusCode: 200, data: { items: [comment({})] }, header: {} }
      return { statusCode: 201, data: comment({ id: 'c2', body: '@社区 请协助' }), header: {} }
    })
    render(<CommentsPanel caseId={CASE} />)
    expect(await screen.findByText('现场需要破路')).toBeTruthy()
    expect(screen.getByRole('switch', { name: '公开给市民' })).toBeTruthy()
    fireEvent.input(screen.getByLabelText('写留言'), { target: { value: '@社区 请协助' } })
    fireEvent.click(screen.getByRole('button', { name: '发送留言' }))
    await waitFor(() => expect(request.mock.calls.some(([o]) => (o as { method: string }).method === 'POST')).toBe(true))
    const sent = request.mock.calls.map(([o]) => o as { method: string; url: string; data: unknown }).find((o) => o.method === 'POST')!
    expect(sent).toMatchObject({ url: `/api/v1/cases/${CASE}/comments`, data: { body: '@社区 请协助', public: false } })
  })

  it('gives a resident no public/internal choice', async () => {
    session.save({ token: 't', user: { id: 'r1', name: '市民', roles: ['resident'], orgNodeCode: null } })
    request.mockResolvedValue({ statusCode: 200, data: { items: [] }, header: {} })
    render(<CommentsPanel caseId={CASE} />)
    expect(await screen.findByText(/^暂无回复/)).toBeTruthy()
    expect(screen.getByText('回复与留言')).toBeTruthy()
    expect(screen.queryByRole('switch', { name: '公开给市民' })).toBeNull()
  })
})
